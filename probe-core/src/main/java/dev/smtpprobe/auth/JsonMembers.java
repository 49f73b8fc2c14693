package dev.smtpprobe.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Just enough JSON to read an OAuth error document: the top-level members whose values are strings, numbers or
 * literals. Nested values are parsed and skipped. The auth package may not use Jackson (it depends only on the
 * JDK), and a hostile server controls this text, so nesting depth is bounded and every error is an
 * {@link IllegalArgumentException} the caller turns into a malformed challenge.
 */
final class JsonMembers {
    private static final int MAX_DEPTH = 16;

    private final String text;
    private int pos;

    private JsonMembers(String text) {
        this.text = text;
    }

    static Map<String, String> topLevelScalars(String text) {
        JsonMembers reader = new JsonMembers(text);
        Map<String, String> members = new LinkedHashMap<>();
        reader.skipSpace();
        reader.expect('{');
        reader.skipSpace();
        if (reader.peek() == '}') {
            reader.pos++;
        } else {
            while (true) {
                reader.skipSpace();
                String name = reader.string();
                reader.skipSpace();
                reader.expect(':');
                reader.skipSpace();
                String value = reader.value(1);
                if (value != null) {
                    members.put(name, value);
                }
                reader.skipSpace();
                char next = reader.next();
                if (next == '}') {
                    break;
                }
                if (next != ',') {
                    throw new IllegalArgumentException("expected ',' or '}' at " + (reader.pos - 1));
                }
            }
        }
        reader.skipSpace();
        if (reader.pos != text.length()) {
            throw new IllegalArgumentException("text after the JSON object");
        }
        return members;
    }

    /** The scalar as text, or null for an object or array (which is skipped). */
    private String value(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("JSON nested too deeply");
        }
        char c = peek();
        switch (c) {
            case '"':
                return string();
            case '{':
                skipContainer('{', '}', depth);
                return null;
            case '[':
                skipContainer('[', ']', depth);
                return null;
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw new IllegalArgumentException("unexpected character at " + pos);
        }
    }

    private void skipContainer(char open, char close, int depth) {
        expect(open);
        skipSpace();
        if (peek() == close) {
            pos++;
            return;
        }
        while (true) {
            skipSpace();
            if (open == '{') {
                string();
                skipSpace();
                expect(':');
                skipSpace();
            }
            value(depth + 1);
            skipSpace();
            char next = next();
            if (next == close) {
                return;
            }
            if (next != ',') {
                throw new IllegalArgumentException("expected ',' at " + (pos - 1));
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new IllegalArgumentException("control character in a JSON string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escaped = next();
            switch (escaped) {
                case '"': case '\\': case '/': out.append(escaped); break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'u': out.append(hex4()); break;
                default: throw new IllegalArgumentException("bad escape in a JSON string");
            }
        }
    }

    private char hex4() {
        if (pos + 4 > text.length()) {
            throw new IllegalArgumentException("truncated \\u escape");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(pos++), 16);
            if (digit < 0) {
                throw new IllegalArgumentException("bad \\u escape");
            }
            value = value * 16 + digit;
        }
        return (char) value;
    }

    private String number() {
        int start = pos;
        while (pos < text.length() && "+-.eE0123456789".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        String number = text.substring(start, pos);
        try {
            new java.math.BigDecimal(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad JSON number");
        }
        return number;
    }

    private String literal(String word) {
        if (!text.startsWith(word, pos)) {
            throw new IllegalArgumentException("unexpected word at " + pos);
        }
        pos += word.length();
        return word;
    }

    private void skipSpace() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw new IllegalArgumentException("JSON ends early");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + (pos - 1));
        }
    }
}
