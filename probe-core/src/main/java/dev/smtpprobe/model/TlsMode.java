package dev.smtpprobe.model;

/** How TLS is reached on the connection. */
public enum TlsMode {
    /** Plain connection, upgraded with STARTTLS according to the {@link StartTlsPolicy} (port 25 and 587). */
    STARTTLS,
    /** TLS from the first byte (port 465, RFC 8314). */
    IMPLICIT
}
