package dev.smtpprobe.dns;

import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.DnssecResult;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to one DNS question, normalised: NODATA is an empty record list without a failure, whether the
 * server sent it fresh or it came from a negative cache.
 *
 * @param name the name asked, without the trailing dot
 * @param type the record type asked
 * @param records the records of that type at the end of the alias chain, in the order the server gave them
 * @param aliases CNAME targets followed from {@code name}, in order (empty when the name was not an alias)
 * @param authenticated the answer carried the DNSSEC AD bit. Trust it only from a local validating resolver.
 * @param failure why there is no answer (NXDOMAIN, SERVFAIL, timeout...); empty for an answer or NODATA
 * @param elapsed time from the first query sent to the answer
 * @param dnssec the DNSSEC status of the answer (of the whole alias chain); {@link DnssecResult#NOT_VALIDATED}
 *        for lookups that were not asked to be validated
 */
public record DnsAnswer<T>(
        String name, String type, List<T> records, List<String> aliases, boolean authenticated,
        Optional<DnsFailure> failure, Duration elapsed, DnssecResult dnssec) {

    /** An answer that was not validated. */
    public DnsAnswer(String name, String type, List<T> records, List<String> aliases, boolean authenticated,
            Optional<DnsFailure> failure, Duration elapsed) {
        this(name, type, records, aliases, authenticated, failure, elapsed, DnssecResult.NOT_VALIDATED);
    }

    public DnsAnswer {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        records = List.copyOf(records);
        aliases = List.copyOf(aliases);
        Objects.requireNonNull(failure);
        Objects.requireNonNull(elapsed);
        Objects.requireNonNull(dnssec);
    }

    /** The name exists but holds no record of this type. */
    public boolean isNoData() {
        return failure.isEmpty() && records.isEmpty();
    }

    public boolean isNxDomain() {
        return failure.map(f -> f.kind() == DnsFailure.Kind.NXDOMAIN).orElse(false);
    }

    /** NXDOMAIN or NODATA: the question was answered, with nothing. */
    public boolean isEmptyAnswer() {
        return isNoData() || isNxDomain();
    }

    /** A failure that says nothing about the data: SERVFAIL, REFUSED, timeout, network error. */
    public boolean isLookupError() {
        return failure.isPresent() && !isNxDomain();
    }
}
