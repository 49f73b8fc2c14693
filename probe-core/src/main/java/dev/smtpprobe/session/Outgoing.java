package dev.smtpprobe.session;

import dev.smtpprobe.model.SmtpCommand;
import dev.smtpprobe.model.SmtpPhase;
import java.time.Duration;
import java.util.Objects;

/**
 * Something to write and the reply to await for it.
 *
 * @param phase the phase the reply answers
 * @param payload what the encoder writes: an {@link SmtpCommand}, a message body or a BDAT chunk
 * @param logLine how the transcript, the steps and the listener show it (secrets already redacted)
 * @param timeout how long to wait for its reply once it is the oldest unanswered exchange
 */
record Outgoing(SmtpPhase phase, Object payload, String logLine, Duration timeout) {
    Outgoing {
        Objects.requireNonNull(phase);
        Objects.requireNonNull(payload);
        Objects.requireNonNull(logLine);
        Objects.requireNonNull(timeout);
    }

    static Outgoing command(SmtpPhase phase, SmtpCommand command, Duration timeout) {
        return new Outgoing(phase, command, command.logLine(), timeout);
    }
}
