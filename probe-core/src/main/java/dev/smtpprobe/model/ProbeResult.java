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
 */
public record ProbeResult(
        ProbeTarget target,
        Instant startedAt,
        Duration elapsed,
        Optional<MxPlan> dns,
        List<SessionResult> sessions,
        List<PostureCheck> posture,
        boolean allMx) {

    public ProbeResult {
        sessions = List.copyOf(sessions);
        posture = List.copyOf(posture);
    }
}
