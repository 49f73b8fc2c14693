package dev.smtpprobe.model;

/** Why a session ended before it walked everything the request asked for. A closed set, like zgrab2's statuses. */
public enum FailureKind {
    /** TCP RST on connect (ECONNREFUSED). */
    CONNECTION_REFUSED,
    /** No route, network or host unreachable. */
    UNREACHABLE,
    /** TCP connect did not complete in time. */
    CONNECT_TIMEOUT,
    /** Connected, but a reply did not arrive within the phase's limit. */
    TIMEOUT,
    /** The overall deadline passed. */
    DEADLINE_EXCEEDED,
    /** The server closed the connection (at any phase, including mid-reply). */
    CONNECTION_CLOSED,
    /** Bytes that are not an SMTP reply, a reply line over the hard cap, or too many lines in one reply. */
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
    /** AUTH was asked for but the server offers no mechanism we speak. */
    AUTH_UNAVAILABLE,
    /** AUTH was asked for but the connection is not encrypted and the user did not force it. */
    AUTH_REFUSED_PLAINTEXT,
    /** The server answered 4xx or 5xx at a point the probe cannot continue from (banner, EHLO and HELO, MAIL, AUTH). */
    REJECTED,
    /** A bug or an unexpected local error; carries the exception message. */
    INTERNAL_ERROR
}
