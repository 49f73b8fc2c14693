package dev.smtpprobe.model;

import java.util.Objects;

/**
 * A DNS question that got no usable answer. No dnsjava type leaves the dns package; this is what does.
 *
 * @param kind what went wrong
 * @param name the name asked, absolute, without the trailing dot
 * @param type the record type asked (MX, A, AAAA, TXT, TLSA, PTR)
 * @param message a sentence for humans
 */
public record DnsFailure(Kind kind, String name, String type, String message) {
    public enum Kind {
        /** The name does not exist (RCODE 3). */
        NXDOMAIN,
        /** The name exists but holds no record of the type asked (NODATA). */
        NO_RECORDS,
        /** The server failed (RCODE 2), for example a broken DNSSEC chain or an unreachable authority. */
        SERVFAIL,
        /** The server refused the query (RCODE 5). */
        REFUSED,
        /** No answer in time, after retries. */
        TIMEOUT,
        /**
         * No resolver could even be asked: every one was unreachable from here (ICMP port unreachable, TCP connection
         * refused, no route). A fault of the machine running the lookup, not of the name asked.
         */
        RESOLVER_UNREACHABLE,
        /** Any other failure: a malformed answer, a network error. */
        OTHER
    }

    public DnsFailure {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(message);
    }
}
