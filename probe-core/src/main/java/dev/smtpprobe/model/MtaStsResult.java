package dev.smtpprobe.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The MTA-STS policy of a domain as a sender would find it: the TXT record's id, the HTTPS fetch, the parse.
 *
 * @param domain the policy domain
 * @param url the policy URL
 * @param recordId the {@code id=} of the {@code _mta-sts} TXT record, when a valid record was found
 * @param fetch how far the fetch got
 * @param httpStatus the HTTP status code, when a response came
 * @param policy the parsed policy, when it was fetched and valid
 * @param problems what is wrong (fetch errors, certificate problems, parse errors, out-of-range max_age), in words
 * @param elapsed how long the fetch took
 */
public record MtaStsResult(
        String domain,
        String url,
        Optional<String> recordId,
        Fetch fetch,
        Optional<Integer> httpStatus,
        Optional<MtaStsPolicy> policy,
        List<String> problems,
        Duration elapsed) {

    public enum Fetch {
        /** No valid {@code _mta-sts} TXT record: senders do not look for a policy. */
        NOT_ANNOUNCED,
        /** The policy was fetched and parsed. */
        FETCHED,
        /** No usable HTTPS response (DNS, connection, certificate, redirect, status, content type, size, time). */
        FETCH_FAILED,
        /** A response came, but the policy is not valid. */
        INVALID
    }

    public MtaStsResult {
        Objects.requireNonNull(domain);
        Objects.requireNonNull(url);
        Objects.requireNonNull(recordId);
        Objects.requireNonNull(fetch);
        Objects.requireNonNull(httpStatus);
        Objects.requireNonNull(policy);
        problems = List.copyOf(problems);
        Objects.requireNonNull(elapsed);
    }

    /** The policy senders apply: a fetched policy whose mode is not none. */
    public Optional<MtaStsPolicy> activePolicy() {
        return policy.filter(p -> p.mode() != MtaStsPolicy.Mode.NONE);
    }
}
