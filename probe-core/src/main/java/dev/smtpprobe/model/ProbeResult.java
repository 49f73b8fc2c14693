package dev.smtpprobe.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * All observations of one probe: the DNS plan, every session attempted (failover included, in order) and the
 * posture checks. Findings and the verdict are derived from this by the diagnosis engine.
 *
 * @param dns the MX plan; empty for a SERVER target
 * @param sessions every connection attempted, in order
 * @param posture DNS posture checks (empty for a SERVER target or when posture was not asked)
 * @param allMx every MX and address was probed, not only until one worked
 * @param transport DNSSEC, DANE and MTA-STS findings and the per-session sender verdicts
 */
public record ProbeResult(
        ProbeTarget target,
        Instant startedAt,
        Duration elapsed,
        Optional<MxPlan> dns,
        List<SessionResult> sessions,
        List<PostureCheck> posture,
        boolean allMx,
        TransportSecurity transport) {

    /** A result without transport-security verdicts. */
    public ProbeResult(ProbeTarget target, Instant startedAt, Duration elapsed, Optional<MxPlan> dns,
            List<SessionResult> sessions, List<PostureCheck> posture, boolean allMx) {
        this(target, startedAt, elapsed, dns, sessions, posture, allMx, TransportSecurity.NONE);
    }

    public ProbeResult {
        sessions = List.copyOf(sessions);
        posture = List.copyOf(posture);
        java.util.Objects.requireNonNull(transport);
    }
}
