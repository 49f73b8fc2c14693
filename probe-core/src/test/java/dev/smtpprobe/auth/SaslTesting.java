package dev.smtpprobe.auth;

import dev.smtpprobe.model.Credential;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Shared helpers for the mechanism tests. */
final class SaslTesting {
    private SaslTesting() {
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A context whose every nonce is the given base64 text, as in the published SCRAM examples. */
    static SaslContext nonce(String base64) {
        return SaslContext.builder().nonceSource(() -> Base64.getDecoder().decode(base64)).build();
    }

    static SaslClient client(String mechanism, Credential credential, SaslContext context) {
        return SaslMechanisms.byName(mechanism).orElseThrow().create(credential, context);
    }

    static SaslClient client(String mechanism, Credential credential) {
        return client(mechanism, credential, SaslContext.defaults());
    }
}
