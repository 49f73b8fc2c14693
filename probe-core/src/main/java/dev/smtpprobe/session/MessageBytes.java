package dev.smtpprobe.session;

import java.nio.charset.StandardCharsets;

/**
 * The message as it goes on the wire: CRLF line ends, UTF-8. Its length is what SIZE declares and what BDAT
 * counts; DATA dot-stuffs it on top (the encoder's job).
 *
 * @param text the message with CRLF line ends
 * @param bytes the same, encoded
 */
record MessageBytes(String text, byte[] bytes) {

    static MessageBytes of(String message) {
        String crlf = message.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n");
        if (!crlf.endsWith("\r\n")) {
            crlf += "\r\n";
        }
        return new MessageBytes(crlf, crlf.getBytes(StandardCharsets.UTF_8));
    }

    long octets() {
        return bytes.length;
    }

    boolean eightBit() {
        for (byte b : bytes) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    /** Non-ASCII in the header section needs SMTPUTF8 (RFC 6532); in the body, 8BITMIME is enough. */
    boolean nonAsciiHeaders() {
        int end = text.indexOf("\r\n\r\n");
        String headers = end < 0 ? text : text.substring(0, end);
        return headers.chars().anyMatch(c -> c >= 0x80);
    }
}
