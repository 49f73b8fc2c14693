package dev.smtpprobe.model;

import java.util.Objects;
import java.util.Optional;

/** Why and where a session stopped early. {@code reply} is the server's answer when one caused it. */
public record SessionFailure(ProbeStatus status, SmtpPhase phase, String message, Optional<SmtpReply> reply) {
    public SessionFailure {
        Objects.requireNonNull(status);
        Objects.requireNonNull(phase);
        Objects.requireNonNull(message);
        Objects.requireNonNull(reply);
    }

    public static SessionFailure of(ProbeStatus status, SmtpPhase phase, String message) {
        return new SessionFailure(status, phase, message, Optional.empty());
    }
}
