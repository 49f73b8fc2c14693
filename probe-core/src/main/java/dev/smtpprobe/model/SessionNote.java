package dev.smtpprobe.model;

import java.util.Objects;

/**
 * Something the engine noticed that is not a reply and did not stop the session, for the diagnosis to weigh:
 * a protocol irregularity of the server, or a mismatch between what the probe needed and what the server offers.
 *
 * @param kind what was noticed
 * @param phase where
 * @param detail a sentence for humans; server text in it is already free of secrets
 */
public record SessionNote(Kind kind, SmtpPhase phase, String detail) {
    public enum Kind {
        /** The enhanced status code's class contradicts the basic code (250 5.1.1); the basic code decides. */
        ENHANCED_CODE_MISMATCH,
        /** A reply of a class the command does not allow (354 to RCPT, 250 to STARTTLS). */
        WRONG_CLASS_REPLY,
        /** The message or an address needs SMTPUTF8, which the server does not offer. */
        SMTPUTF8_NOT_OFFERED,
        /** The message has 8-bit content and the server offers neither 8BITMIME nor SMTPUTF8. */
        EIGHTBITMIME_NOT_OFFERED,
        /** The message is larger than the SIZE the server announced. */
        SIZE_EXCEEDS_LIMIT,
        /** DSN was asked for and the server does not offer it. */
        DSN_NOT_OFFERED,
        /** REQUIRETLS was asked for and the server does not offer it (or not over this connection). */
        REQUIRETLS_NOT_OFFERED,
        /** The SCRAM server asked for fewer iterations than RFC 7677 recommends (4096). */
        SCRAM_LOW_ITERATIONS,
        /** The server sent replies in an order or number the pipelined commands do not explain. */
        PIPELINING_DESYNC
    }

    public SessionNote {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(phase);
        Objects.requireNonNull(detail);
    }
}
