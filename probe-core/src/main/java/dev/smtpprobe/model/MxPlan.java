package dev.smtpprobe.model;

import java.util.List;
import java.util.Optional;

/**
 * Where mail for a domain goes, per RFC 5321 section 5.1 and RFC 7505.
 *
 * @param domain the domain in ASCII (A-label) form, without the trailing dot
 * @param kind how the hosts were found
 * @param hosts exchangers in the order to try: by preference, equal preferences shuffled
 * @param failure the DNS failure when kind is FAILED
 */
public record MxPlan(String domain, Kind kind, List<MxHost> hosts, Optional<DnsFailure> failure) {
    public enum Kind {
        /** MX records were found. */
        MX,
        /** No MX records, but the domain has A/AAAA: it is its own implicit MX. */
        IMPLICIT,
        /** A single "MX 0 ." record: the domain accepts no mail (RFC 7505). */
        NULL_MX,
        /**
         * The domain does not resolve (NXDOMAIN), has neither MX nor address, or DNS failed; also when MX records
         * exist but none of their hosts has an address (RFC 5321 §5.1), in which case {@code hosts} keeps them.
         */
        FAILED
    }

    public MxPlan {
        hosts = List.copyOf(hosts);
    }
}
