package dev.smtpprobe.smtp;

import java.util.Objects;

/**
 * The message sent after a 354 to DATA: headers and body. The encoder normalises line ends to CRLF, doubles a
 * leading dot on every line (RFC 5321 section 4.5.2) and appends the terminating {@code .} line.
 */
public record SmtpMessageContent(String text) {
    public SmtpMessageContent {
        Objects.requireNonNull(text);
    }

    @Override
    public String toString() {
        return "SmtpMessageContent[" + text.length() + " chars]";
    }
}
