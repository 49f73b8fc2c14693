package dev.smtpprobe.auth;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The client half of one AUTH exchange (RFC 4954), independent of SMTP framing: the engine moves bytes between
 * this object and the wire, base64-coding them, and never needs to know the mechanism.
 *
 * <p>The engine's loop: send {@code AUTH <mechanism>} with {@link #initialResponse()} if present (a zero-length
 * response is written as {@code =}); for each 334, decode its text and send {@link #evaluate} base64-encoded (a
 * zero-length result is an empty line); on 235 call {@link #verifySuccess}; on a {@link SaslException} send
 * {@code *} to cancel. On a 535, {@link #serverFailure()} says whether the server explained itself inside the
 * exchange.
 *
 * <p>Every response may carry a secret or something an eavesdropper can attack offline (a CRAM-MD5 digest, a
 * SCRAM proof), so the engine should redact every line it sends during the exchange by type, not by searching
 * for the secret.
 *
 * <p>Stateful, one per exchange, not thread-safe.
 */
public interface SaslClient {

    String mechanism();

    /**
     * Bytes to send with {@code AUTH <mechanism> <base64>}; empty for mechanisms where the server speaks first.
     * Calling it again returns the same bytes. If the engine does not send it, the mechanism answers the server's
     * empty 334 with it instead.
     */
    Optional<byte[]> initialResponse();

    /** The answer to one decoded 334 challenge; zero length means an empty line. */
    byte[] evaluate(byte[] challenge) throws SaslException;

    /**
     * Called on 235. Mechanisms that authenticate the server (SCRAM) throw unless the server proved it knows the
     * password, either in an earlier 334 (as Dovecot sends it) or in {@code serverFinal}. Pass {@code serverFinal}
     * only when the 235 line itself carried base64 data; the usual human text is {@link Optional#empty()}.
     */
    void verifySuccess(Optional<byte[]> serverFinal) throws SaslException;

    /** Whether the client has said everything it has to say and verified everything it can, so a 235 is due. */
    boolean complete();

    /**
     * An error the server announced inside a challenge (OAuth error JSON, SCRAM {@code e=}), which this client
     * answered the polite way so the server can end the exchange with its own 535.
     */
    default Optional<SaslException> serverFailure() {
        return Optional.empty();
    }

    /** The server's key-stretching work factor, for mechanisms that have one (SCRAM). */
    default OptionalInt iterationCount() {
        return OptionalInt.empty();
    }

    /** Whether {@link #iterationCount()} is below the RFC 7677 recommendation of 4096: worth a warning. */
    default boolean lowIterationCount() {
        return false;
    }
}
