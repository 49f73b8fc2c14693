package dev.smtpprobe.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * Why an AUTH exchange cannot go on, worded for a report. The message is built here from our own words plus, at
 * most, short server-sent tokens made printable; it never contains a credential, because mechanisms only ever
 * pass it what the server sent.
 */
public final class SaslException extends Exception {

    /** A closed vocabulary, so reports and metrics can map each reason once. */
    public enum Reason {
        /** The challenge does not follow the mechanism's grammar (or is not valid base64 / UTF-8 / JSON). */
        MALFORMED_CHALLENGE,
        /** A challenge arrived when the mechanism had nothing left to say. */
        UNEXPECTED_CHALLENGE,
        /** The SCRAM server nonce does not extend ours: a replayed or forged exchange. */
        SERVER_NONCE_MISMATCH,
        /** The SCRAM server signature is wrong: the server does not know the password (possible impostor). */
        SERVER_SIGNATURE_MISMATCH,
        /** The server reported success without ever proving it knows the password. */
        SERVER_SIGNATURE_MISSING,
        /** The server demands more key stretching than we are willing to compute. */
        ITERATION_COUNT_TOO_HIGH,
        /** The server requires a mechanism extension we do not implement (SCRAM {@code m=}). */
        UNSUPPORTED_EXTENSION,
        /** The server reported an error inside the exchange (OAuth error JSON, SCRAM {@code e=}). */
        SERVER_ERROR,
        /** The server reported success before we had sent our credentials. */
        PREMATURE_SUCCESS
    }

    private final Reason reason;
    private final Optional<OAuthError> oauthError;
    private final Optional<String> serverErrorCode;

    SaslException(Reason reason, String message) {
        this(reason, message, Optional.empty(), Optional.empty());
    }

    SaslException(Reason reason, String message, Optional<OAuthError> oauthError, Optional<String> serverErrorCode) {
        super(message);
        this.reason = Objects.requireNonNull(reason);
        this.oauthError = Objects.requireNonNull(oauthError);
        this.serverErrorCode = Objects.requireNonNull(serverErrorCode);
    }

    public Reason reason() {
        return reason;
    }

    /** The decoded error document of XOAUTH2 / OAUTHBEARER, for {@link Reason#SERVER_ERROR}. */
    public Optional<OAuthError> oauthError() {
        return oauthError;
    }

    /** The SCRAM {@code e=} value (such as {@code invalid-proof}), for {@link Reason#SERVER_ERROR}. */
    public Optional<String> serverErrorCode() {
        return serverErrorCode;
    }

    /** Whether the server failed to prove knowledge of the password, which a report should treat as critical. */
    public boolean possibleImpostor() {
        return reason == Reason.SERVER_SIGNATURE_MISMATCH;
    }
}
