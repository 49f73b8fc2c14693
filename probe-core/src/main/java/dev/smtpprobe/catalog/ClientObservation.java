package dev.smtpprobe.catalog;

/**
 * Failures the prober observes itself, with no server reply to classify. Each maps to a client-observed
 * catalog entry (the mapping lives in the catalog's resource data, not here).
 */
public enum ClientObservation {
    CONNECTION_REFUSED,
    HOST_UNREACHABLE,
    CONNECT_TIMEOUT,
    BANNER_TIMEOUT,
    REPLY_TIMEOUT,
    CONNECTION_LOST,
    TLS_HANDSHAKE_FAILED,
    DNS_NXDOMAIN,
    DNS_NO_RECORDS,
    DNS_SERVFAIL,
    DNS_TIMEOUT,
    NULL_MX
}
