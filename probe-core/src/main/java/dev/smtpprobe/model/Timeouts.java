package dev.smtpprobe.model;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-phase time limits and one overall deadline for a session.
 * The defaults are far below RFC 5321's minimums (5 minutes for the greeting): those suit delivery,
 * while a probe wants an answer, and a server that makes us wait 30 s for a banner is itself a finding.
 */
public record Timeouts(
        Duration connect, Duration banner, Duration command, Duration tlsHandshake, Duration dataEnd, Duration overall) {

    public static final Timeouts DEFAULTS = new Timeouts(
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30),
            Duration.ofSeconds(15), Duration.ofSeconds(60), Duration.ofSeconds(120));

    public Timeouts {
        Objects.requireNonNull(connect);
        Objects.requireNonNull(banner);
        Objects.requireNonNull(command);
        Objects.requireNonNull(tlsHandshake);
        Objects.requireNonNull(dataEnd);
        Objects.requireNonNull(overall);
    }

    /** Every per-phase limit set to {@code each}, the overall deadline to {@code overall}. */
    public static Timeouts uniform(Duration each, Duration overall) {
        return new Timeouts(each, each, each, each, each, overall);
    }
}
