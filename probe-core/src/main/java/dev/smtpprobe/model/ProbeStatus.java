package dev.smtpprobe.model;

import java.util.Locale;

/**
 * Why a session (or the DNS step before it) ended before it walked everything the request asked for: the one
 * closed status vocabulary from the engine up to the report and the metrics, like zgrab2's scan statuses. The
 * catalog maps each status the client observes itself (no server reply to classify) to an entry; the report and
 * the metrics show {@link #id()}.
 */
public enum ProbeStatus {
    /** TCP RST on connect (ECONNREFUSED). */
    CONNECTION_REFUSED,
    /** No route, network or host unreachable. */
    UNREACHABLE,
    /**
     * The SOCKS proxy the probe was told to go through could not be used: it refused or did not accept the TCP
     * connection, refused the credentials or the request by its rules, did not speak SOCKS5, or stalled in its
     * handshake. A fault on the probe's side of the path: nothing is known about the target.
     */
    PROXY_FAILED,
    /** TCP connect did not complete in time. */
    CONNECT_TIMEOUT,
    /** Connected, but a reply did not arrive within the phase's limit. */
    TIMEOUT,
    /** The overall deadline passed. */
    DEADLINE_EXCEEDED,
    /** The server closed the connection (at any phase, including mid-reply). */
    CONNECTION_CLOSED,
    /** Bytes that are not an SMTP reply, a reply of a class the phase does not accept, or bytes nobody asked for. */
    PROTOCOL_ERROR,
    /** The TLS handshake failed (implicit TLS or after STARTTLS). */
    TLS_HANDSHAKE_FAILED,
    /** The certificate failed validation or name matching and the request required verification. */
    CERTIFICATE_REJECTED,
    /** STARTTLS was required but not offered. */
    STARTTLS_NOT_OFFERED,
    /** STARTTLS was offered but the server did not answer 220 to it, and TLS was required. */
    STARTTLS_REFUSED,
    /** Bytes arrived after the 220 to STARTTLS and before the handshake (CVE-2011-0411 class). */
    STARTTLS_INJECTION,
    /** AUTH was asked for but the server offers no mechanism we can use with the credential given. */
    AUTH_UNAVAILABLE,
    /** AUTH was asked for but the connection is not encrypted and the user did not force it. */
    AUTH_REFUSED_PLAINTEXT,
    /** The server proved it does not know the password (a wrong SCRAM server signature): possibly an impostor. */
    AUTH_SERVER_UNVERIFIED,
    /** The probe needs an extension the server does not offer (SMTPUTF8 for a non-ASCII address, REQUIRETLS). */
    EXTENSION_UNAVAILABLE,
    /** The server answered 4xx or 5xx at a point the probe cannot continue from (banner, EHLO and HELO, MAIL, AUTH). */
    REJECTED,
    /** The domain does not exist (NXDOMAIN). */
    DNS_NXDOMAIN,
    /** The domain exists but names no mail host: no MX and no address to fall back on. */
    DNS_NO_RECORDS,
    /** The name servers failed to answer (SERVFAIL, REFUSED, a malformed answer). */
    DNS_SERVFAIL,
    /** No DNS answer in time, after retries. */
    DNS_TIMEOUT,
    /** The domain publishes a null MX (RFC 7505): it accepts no mail. */
    NULL_MX,
    /** A bug or an unexpected local error; carries the exception message. */
    INTERNAL_ERROR;

    /** The lower-case id shown in JSON ({@code connection_refused}) and metrics tags. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the status is final for this destination (a retry later gives the same answer). */
    public boolean permanent() {
        return switch (this) {
            case DNS_NXDOMAIN, DNS_NO_RECORDS, NULL_MX, CERTIFICATE_REJECTED, STARTTLS_NOT_OFFERED,
                    AUTH_UNAVAILABLE, AUTH_REFUSED_PLAINTEXT, AUTH_SERVER_UNVERIFIED, EXTENSION_UNAVAILABLE -> true;
            default -> false;
        };
    }
}
