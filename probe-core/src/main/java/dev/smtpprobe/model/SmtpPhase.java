package dev.smtpprobe.model;

/** The phases of a probe, in the order a probe walks them. DNS phases come before any connection. */
public enum SmtpPhase {
    DNS_MX,
    DNS_ADDRESS,
    CONNECT,
    BANNER,
    EHLO,
    HELO,
    STARTTLS,
    TLS_HANDSHAKE,
    EHLO_TLS,
    AUTH,
    MAIL,
    RCPT,
    DATA,
    MESSAGE,
    RSET,
    QUIT;

    /** Lower-case id used in JSON, metrics tags and text output (for example {@code tls_handshake}). */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
