package dev.smtpprobe.auth;

import java.util.Base64;

/**
 * The RFC 4954 base64 conventions, in one place so the engine cannot get the two empty forms mixed up: an empty
 * initial response is {@code =}, an empty continuation is an empty line. Decoding failures become a
 * {@link SaslException}, so a server sending junk in a 334 is reported like any other malformed challenge.
 */
public final class SaslWire {
    private SaslWire() {
    }

    /** The text after {@code 334 } (surrounding spaces ignored) as challenge bytes. */
    public static byte[] decodeChallenge(String text) throws SaslException {
        String trimmed = text.trim();
        if (trimmed.isEmpty() || trimmed.equals("=")) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw new SaslException(SaslException.Reason.MALFORMED_CHALLENGE,
                    "the server's 334 text is not base64: " + Printable.shorten(trimmed, 40));
        }
    }

    /** The argument after {@code AUTH <mechanism> }. */
    public static String encodeInitialResponse(byte[] response) {
        return response.length == 0 ? "=" : Base64.getEncoder().encodeToString(response);
    }

    /** The whole line answering a 334. */
    public static String encodeResponse(byte[] response) {
        return Base64.getEncoder().encodeToString(response);
    }
}
