package dev.smtpprobe.catalog;

/** The class of a catalog entry, from the first digit of its code, plus entries the prober observes itself. */
public enum ReplyClass {
    /** 2yz: done. */
    POSITIVE,
    /** 3yz: send more (354, 334). */
    INTERMEDIATE,
    /** 4yz: failed this time; the same request may succeed later. */
    TRANSIENT,
    /** 5yz: failed; repeating the same request will fail again. */
    PERMANENT,
    /** Not sent by any server: a socket, TLS or DNS failure seen by the prober (101, 111, timeouts...). */
    CLIENT_OBSERVED
}
