package dev.smtpprobe.model;

/**
 * The one escaping rule for text that a server (or DNS, or a certificate) supplied, in every output format: the
 * text report, JSON, Nagios, the live {@code --verbose} lines, the explain and catalog commands, finding details.
 *
 * <p>Every character that changes how a terminal or a text viewer shows what follows is written as a visible escape:
 * C0 controls (NUL, BEL, ESC, CR, LF, TAB...), DEL and the C1 controls U+0080 to U+009F (CSI, OSC: screen clearing,
 * clipboard writes), Unicode format characters (the bidirectional embeddings, overrides and isolates such as U+202E,
 * zero-width characters, the byte order mark), the line and paragraph separators, and unpaired surrogates. Escapes
 * are {@code \r}, {@code \n}, {@code \t}, {@code \xHH} below U+0100, {@code \}{@code uHHHH} and {@code \}{@code u{HHHHH}}
 * above. A backslash stays as it is: the escapes are for reading, not for reversing, and so applying the rule twice
 * changes nothing ({@code escape(escape(s)).equals(escape(s))}).
 *
 * <p>It lives in {@code model} because that is the one package every user can reach under the layering rule: the
 * engine (transcripts), diagnosis (finding details), report (every renderer) and the command line. JSON escaping
 * by Jackson is not enough: {@code \}{@code u001b} in a JSON string is ESC again for whoever decodes it
 * ({@code jq -r}), and Jackson leaves DEL and the C1 controls raw.
 */
public final class Printable {
    private Printable() {
    }

    /** The text with every unsafe character escaped; the same instance when there is none. Null stays null. */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        int i = firstUnsafe(text);
        if (i < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int width = Character.charCount(cp);
            if (!unsafe(cp)) {
                sb.appendCodePoint(cp);
            } else if (cp == '\r') {
                sb.append("\\r");
            } else if (cp == '\n') {
                sb.append("\\n");
            } else if (cp == '\t') {
                sb.append("\\t");
            } else if (cp < 0x100) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp < 0x10000) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.append(String.format("\\u{%x}", cp));
            }
            i += width;
        }
        return sb.toString();
    }

    /** Whether the text needs no escaping. */
    public static boolean isPrintable(String text) {
        return text == null || firstUnsafe(text) < 0;
    }

    /** The index of the first unsafe character, or -1. */
    public static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (unsafe(cp)) {
                return i;
            }
            i += Character.charCount(cp);
        }
        return -1;
    }

    private static boolean unsafe(int cp) {
        if (cp >= 0x20 && cp < 0x7f) {
            return false; // the common case first: printable ASCII
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return true;
            case Character.SURROGATE:
                // codePointAt returns a lone surrogate as itself; a valid pair never reaches here as SURROGATE.
                return true;
            default:
                return false;
        }
    }
}
