package dev.smtpprobe.diagnosis;

import dev.smtpprobe.catalog.Actor;
import dev.smtpprobe.catalog.Category;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Response-time thresholds, as check_smtp's {@code -w}/{@code -c}: for the whole probe and per phase (of the session
 * the verdict rests on). A phase over its threshold is a finding; the verdict becomes at least WARNING or CRITICAL.
 * Applied after the rules, so a probe without thresholds is diagnosed exactly as before.
 */
public record TimeThresholds(Optional<Duration> warnTotal, Optional<Duration> critTotal,
        Map<SmtpPhase, Duration> warnPhase, Map<SmtpPhase, Duration> critPhase) {

    public static final TimeThresholds NONE = new TimeThresholds(Optional.empty(), Optional.empty(), Map.of(), Map.of());

    public TimeThresholds {
        warnPhase = Map.copyOf(warnPhase);
        critPhase = Map.copyOf(critPhase);
    }

    public boolean isEmpty() {
        return warnTotal.isEmpty() && critTotal.isEmpty() && warnPhase.isEmpty() && critPhase.isEmpty();
    }

    /** Time per phase of one session, summed over repeated phases (several RCPTs). */
    public static Map<SmtpPhase, Duration> perPhase(SessionResult session) {
        Map<SmtpPhase, Duration> out = new EnumMap<>(SmtpPhase.class);
        boolean hasConnectStep = session.steps().stream().anyMatch(s -> s.phase() == SmtpPhase.CONNECT);
        if (!hasConnectStep && !session.steps().isEmpty() && session.startNanos() != 0) {
            // Without a CONNECT step, connecting took from session start to the first step's start (as perfdata says).
            long connectNanos = session.steps().get(0).startNanos() - session.startNanos();
            if (connectNanos >= 0) {
                out.put(SmtpPhase.CONNECT, Duration.ofNanos(connectNanos));
            }
        }
        for (Step step : session.steps()) {
            if (step.elapsed() != null) {
                out.merge(step.phase(), step.elapsed(), Duration::plus);
            }
        }
        return out;
    }

    /** The diagnosis with a finding for every threshold crossed, and the verdict raised to match. */
    public Diagnosis apply(ProbeResult result, Diagnosis diagnosis) {
        if (isEmpty()) {
            return diagnosis;
        }
        List<Finding> added = new ArrayList<>();
        check(added, "probe-slow", "The probe", result.elapsed(), warnTotal, critTotal, Optional.empty(),
                Optional.empty());
        Optional<SessionResult> primary = Observations.primarySession(result);
        if (primary.isPresent()) {
            for (Map.Entry<SmtpPhase, Duration> e : perPhase(primary.get()).entrySet()) {
                check(added, "phase-slow", e.getKey().id(), e.getValue(), Optional.ofNullable(warnPhase.get(e.getKey())),
                        Optional.ofNullable(critPhase.get(e.getKey())), Optional.of(Observations.hostLabel(primary.get())),
                        Optional.of(e.getKey()));
            }
        }
        return diagnosis.plus(added);
    }

    private static void check(List<Finding> out, String id, String what, Duration took, Optional<Duration> warn,
            Optional<Duration> crit, Optional<String> host, Optional<SmtpPhase> phase) {
        Severity s = crit.filter(c -> took.compareTo(c) > 0).map(c -> Severity.CRITICAL)
                .or(() -> warn.filter(w -> took.compareTo(w) > 0).map(w -> Severity.WARNING)).orElse(null);
        if (s == null) {
            return;
        }
        Duration limit = s == Severity.CRITICAL ? crit.get() : warn.get();
        String label = phase.isPresent() ? "Phase " + what : what;
        out.add(new Finding(id, s, Category.TIMEOUT, Optional.empty(), Optional.empty(),
                label + " took " + seconds(took) + " s",
                label + " took " + seconds(took) + " s, over the " + (s == Severity.CRITICAL ? "critical" : "warning")
                        + " threshold of " + seconds(limit) + " s.",
                "Check the server's load, DNS lookups it makes (reverse DNS, DNSBLs) and any tarpitting delays.",
                Actor.RECEIVING_ADMIN, host, phase));
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }
}
