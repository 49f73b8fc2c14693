package dev.smtpprobe.model;

import java.time.Duration;
import java.util.Optional;

/**
 * One exchange: a command (or none, for the banner) and its reply.
 *
 * @param command the command as sent, with secrets replaced by {@code <redacted>}; empty for the banner and TLS
 * @param reply the server's reply; empty when none came (timeout, closed connection)
 * @param startNanos {@link System#nanoTime()} when the step began
 * @param elapsed time from sending the command (or connecting) to the reply's last byte
 */
public record Step(SmtpPhase phase, Optional<String> command, Optional<SmtpReply> reply, long startNanos, Duration elapsed) {
}
