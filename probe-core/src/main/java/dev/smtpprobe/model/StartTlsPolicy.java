package dev.smtpprobe.model;

/** Whether to upgrade with STARTTLS. */
public enum StartTlsPolicy {
    /** Upgrade when offered; carry on in plain text (with a finding) when not. */
    AUTO,
    /** Fail the probe when STARTTLS is not offered or the handshake fails. */
    REQUIRE,
    /** Never send STARTTLS. */
    NEVER
}
