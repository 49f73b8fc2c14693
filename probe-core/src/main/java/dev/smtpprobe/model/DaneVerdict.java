package dev.smtpprobe.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Would a DANE-validating sender (Postfix with {@code smtp_tls_security_level = dane}) deliver to this server?
 *
 * @param outcome the answer
 * @param reason why, in one sentence
 * @param matched the TLSA record that authenticated the server, when one did
 * @param presentedKeyRecord "3 1 1 <SHA-256 of the SPKI>" of the certificate the server presented: the record to
 *        publish for this key (rollover help); empty when no certificate was seen
 */
public record DaneVerdict(Outcome outcome, String reason, Optional<TlsaRecord> matched,
        Optional<String> presentedKeyRecord) {

    public enum Outcome {
        /** Secure TLSA and TLS authenticated by it (or TLS with only unusable records): mail is delivered. */
        DELIVERS,
        /** Secure TLSA but no match, no STARTTLS, or a bogus/failed TLSA lookup: DANE senders defer all mail. */
        DEFERS,
        /** DANE does not apply (no TLSA, an unsigned zone, an insecure address): senders use opportunistic TLS. */
        NOT_USED,
        /** Could not be judged: the DNSSEC status was indeterminate, or the session never got far enough. */
        UNKNOWN
    }

    public DaneVerdict {
        Objects.requireNonNull(outcome);
        Objects.requireNonNull(reason);
        Objects.requireNonNull(matched);
        Objects.requireNonNull(presentedKeyRecord);
    }
}
