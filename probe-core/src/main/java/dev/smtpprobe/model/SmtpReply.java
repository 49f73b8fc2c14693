package dev.smtpprobe.model;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One complete server reply, possibly multi-line.
 *
 * @param code the reply code (of the last line when lines disagreed; see {@link ReplyFlag#MIXED_CODES})
 * @param enhanced the RFC 3463 enhanced code from the first line's text, when present
 * @param lines the text of each line after the code and separator, enhanced code included, as received
 * @param flags irregularities seen while decoding
 * @param firstByteNanos {@link System#nanoTime()} when the reply's first byte arrived
 * @param lastByteNanos {@link System#nanoTime()} when the reply was complete
 */
public record SmtpReply(
        int code,
        Optional<EnhancedStatus> enhanced,
        List<String> lines,
        Set<ReplyFlag> flags,
        long firstByteNanos,
        long lastByteNanos) {

    public SmtpReply {
        lines = List.copyOf(lines);
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    }

    /** A reply built in code (tests, catalog look-ups): the enhanced code is read from the first line. */
    public static SmtpReply of(int code, String... lines) {
        List<String> list = lines.length == 0 ? List.of("") : List.of(lines);
        return new SmtpReply(code, EnhancedStatus.parseLeading(list.get(0)), list, Set.of(), 0L, 0L);
    }

    /** The text of all lines joined by a space. */
    public String text() {
        return String.join(" ", lines);
    }

    /** The text without the leading enhanced code on each line, for display. */
    public String textWithoutEnhancedCode() {
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            String t = line;
            if (enhanced.isPresent() && t.startsWith(enhanced.get().toString())) {
                t = t.substring(enhanced.get().toString().length()).stripLeading();
            }
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(t);
        }
        return out.toString();
    }

    public int codeClass() {
        return code / 100;
    }

    public boolean isPositive() {
        return code >= 200 && code < 300;
    }

    public boolean isIntermediate() {
        return code >= 300 && code < 400;
    }

    public boolean isTransientFailure() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanentFailure() {
        return code >= 500 && code < 600;
    }

    /** The reply as it would be written on the wire, one string per line without CRLF. */
    public List<String> wireLines() {
        String[] out = new String[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            String sep = i == lines.size() - 1 ? " " : "-";
            out[i] = code + sep + lines.get(i);
        }
        return List.of(out);
    }

    @Override
    public String toString() {
        return String.join("\\r\\n", wireLines());
    }
}
