package dev.smtpprobe.report;

import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.Step;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Time spent per phase in one session, in phase order, as the JSON and Nagios reports show it. */
final class Timings {
    private Timings() {
    }

    static Map<SmtpPhase, Duration> perPhase(SessionResult session) {
        Map<SmtpPhase, Duration> out = new LinkedHashMap<>();
        boolean hasConnectStep = session.steps().stream().anyMatch(s -> s.phase() == SmtpPhase.CONNECT);
        if (!hasConnectStep && !session.steps().isEmpty()) {
            // Without a CONNECT step, connecting took from session start to the first step's start.
            long connectNanos = session.steps().get(0).startNanos() - session.startNanos();
            if (session.startNanos() != 0 && connectNanos >= 0) {
                out.put(SmtpPhase.CONNECT, Duration.ofNanos(connectNanos));
            }
        }
        for (Step step : session.steps()) {
            if (step.elapsed() != null) {
                out.merge(step.phase(), step.elapsed(), Duration::plus);
            }
        }
        Map<SmtpPhase, Duration> ordered = new LinkedHashMap<>();
        for (SmtpPhase p : SmtpPhase.values()) {
            if (out.containsKey(p)) {
                ordered.put(p, out.get(p));
            }
        }
        return ordered;
    }

    static long millis(Duration d) {
        return d == null ? 0 : d.toMillis();
    }
}
