package dev.smtpprobe.auth;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Remembers the first failure so that every later call repeats it: after a {@link SaslException} the engine may
 * still see a stray 334 or a 235, and neither may turn a failed exchange into a success.
 */
abstract class AbstractSaslClient implements SaslClient {
    private final String mechanism;
    private SaslException failure;

    AbstractSaslClient(String mechanism) {
        this.mechanism = mechanism;
    }

    @Override
    public final String mechanism() {
        return mechanism;
    }

    final SaslException fail(SaslException.Reason reason, String message) {
        return remember(new SaslException(reason, mechanism + ": " + message));
    }

    final SaslException remember(SaslException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }

    final void throwIfFailed() throws SaslException {
        if (failure != null) {
            throw failure;
        }
    }

    final boolean failed() {
        return failure != null;
    }

    static byte[] requireChallenge(byte[] challenge) {
        return Objects.requireNonNull(challenge, "challenge");
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + mechanism + (failed() ? ", failed" : complete() ? ", complete" : "")
                + "]";
    }
}
