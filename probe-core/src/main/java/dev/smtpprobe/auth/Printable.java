package dev.smtpprobe.auth;

/** Server-sent text goes into exception messages and reports only through here, so it cannot forge lines. */
final class Printable {
    private Printable() {
    }

    static String shorten(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max + 3));
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (text.length() > max) {
            out.append("...");
        }
        return out.toString();
    }
}
