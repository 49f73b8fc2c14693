package dev.smtpprobe.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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
        for (Duration d : new Duration[] {connect, banner, command, tlsHandshake, dataEnd, overall}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("time limits must be positive: " + d);
            }
        }
    }

    /** The shortest wait for the reply to the end of the message that {@link #forProbe} picks by itself. */
    public static final Duration MIN_DATA_END = Duration.ofSeconds(60);
    /** Each host's whole conversation gets this many per-phase limits (plus the data-end wait when sending). */
    public static final int OVERALL_PHASES = 4;

    /**
     * The limits of one probe from the command line's numbers, the rule in one place: every phase gets
     * {@code phase}; the reply to the end of the message gets {@code dataEnd}, or when none is given the larger of
     * {@code phase} and {@link #MIN_DATA_END} (servers scan the content after the final dot, so this wait is
     * longer than a command's; RFC 5321 section 4.5.3.2.6 even suggests 10 minutes); each host's conversation as a
     * whole gets {@value #OVERALL_PHASES} times {@code phase}, plus the data-end wait when a message is sent, so that
     * the overall deadline never cuts the wait it is meant to bound.
     */
    public static Timeouts forProbe(Duration phase, Optional<Duration> dataEnd, boolean sending) {
        Objects.requireNonNull(phase);
        Duration end = dataEnd.orElse(phase.compareTo(MIN_DATA_END) >= 0 ? phase : MIN_DATA_END);
        Duration overall = phase.multipliedBy(OVERALL_PHASES);
        if (sending) {
            overall = overall.plus(end);
        }
        return new Timeouts(phase, phase, phase, phase, end, overall);
    }

    /** Every per-phase limit set to {@code each}, the overall deadline to {@code overall}. */
    public static Timeouts uniform(Duration each, Duration overall) {
        return new Timeouts(each, each, each, each, each, overall);
    }
}
