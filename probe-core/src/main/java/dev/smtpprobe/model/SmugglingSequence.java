package dev.smtpprobe.model;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A line-ending sequence around a lone dot that is not RFC 5321's end of data ({@code <CR><LF>.<CR><LF>}, section
 * 4.1.1.4) but that some servers take as one: the SMTP smuggling test (SEC Consult, December 2023) sends each inside
 * a message, followed by a second transaction, and sees whether the server answers that transaction.
 */
public enum SmugglingSequence {
    LF_LF("\n.\n"),
    CR_CR("\r.\r"),
    LF_CRLF("\n.\r\n"),
    CRLF_LF("\r\n.\n"),
    CR_CRLF("\r.\r\n"),
    CRLF_CR("\r\n.\r");

    private final String bytes;

    SmugglingSequence(String bytes) {
        this.bytes = bytes;
    }

    /** The octets as they go on the wire, never normalised. */
    public byte[] bytes() {
        return bytes.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code <LF>.<CR><LF>}: how reports and findings name it. */
    public String label() {
        StringBuilder sb = new StringBuilder();
        for (char c : bytes.toCharArray()) {
            sb.append(c == '\r' ? "<CR>" : c == '\n' ? "<LF>" : String.valueOf(c));
        }
        return sb.toString();
    }

    /** {@code LF.CRLF}: the short name the smuggled test message carries. */
    public String shortName() {
        return label().replace("<", "").replace(">", "");
    }

    /** {@code lf-crlf}: the id in JSON and in finding ids. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
