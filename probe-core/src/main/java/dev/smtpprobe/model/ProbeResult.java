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
 * @param smuggling the SMTP smuggling test's sessions, one per sequence, against the server that accepted the test
 *        message (each with its {@link SessionResult#smuggling()}); empty when the test was not asked for
 */
public record ProbeResult(
        ProbeTarget target,
        Instant startedAt,
        Duration elapsed,
        Optional<MxPlan> dns,
        List<SessionResult> sessions,
        List<PostureCheck> posture,
        boolean allMx,
        TransportSecurity transport,
        List<SessionResult> smuggling) {

    /** A result without the smuggling test. */
    public ProbeResult(ProbeTarget target, Instant startedAt, Duration elapsed, Optional<MxPlan> dns,
            List<SessionResult> sessions, List<PostureCheck> posture, boolean allMx, TransportSecurity transport) {
        this(target, startedAt, elapsed, dns, sessions, posture, allMx, transport, List.of());
    }

    /** A result without transport-security verdicts. */
    public ProbeResult(ProbeTarget target, Instant startedAt, Duration elapsed, Optional<MxPlan> dns,
            List<SessionResult> sessions, List<PostureCheck> posture, boolean allMx) {
        this(target, startedAt, elapsed, dns, sessions, posture, allMx, TransportSecurity.NONE);
    }

    public ProbeResult {
        sessions = List.copyOf(sessions);
        posture = List.copyOf(posture);
        java.util.Objects.requireNonNull(transport);
        smuggling = List.copyOf(smuggling);
    }

    /** The same result with the smuggling test's sessions. */
    public ProbeResult withSmuggling(List<SessionResult> smugglingSessions) {
        return new ProbeResult(target, startedAt, elapsed, dns, sessions, posture, allMx, transport, smugglingSessions);
    }

    /** What each smuggling session showed, in sequence order. */
    public List<SmugglingResult> smugglingResults() {
        return smuggling.stream().flatMap(s -> s.smuggling().stream()).toList();
    }
}
