package dev.smtpprobe.model;

import java.util.List;
import java.util.Objects;

/**
 * Would an MTA-STS sender (RFC 8461 §4, §5) deliver to this server?
 *
 * @param outcome the answer
 * @param reason why, in one sentence
 * @param failures each check the server failed (name not in the policy, no STARTTLS, certificate not valid for
 *        its name), for findings; empty when it passed
 */
public record MtaStsVerdict(Outcome outcome, String reason, List<String> failures) {

    public enum Outcome {
        /** The policy applies and the server passes it. */
        DELIVERS,
        /** An {@code enforce} policy and the server fails it: MTA-STS senders refuse to deliver (and retry). */
        REFUSES,
        /** A {@code testing} policy that the server fails: mail is delivered, the failure only reported. */
        DELIVERS_TESTING,
        /** No MTA-STS policy applies (none announced, mode none, or no policy could be fetched). */
        NOT_USED,
        /** The session never got far enough to judge. */
        UNKNOWN
    }

    public MtaStsVerdict {
        Objects.requireNonNull(outcome);
        Objects.requireNonNull(reason);
        failures = List.copyOf(failures);
    }
}
