package dev.smtpprobe.cli;

import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.drift.DriftDetector;
import dev.smtpprobe.drift.Snapshot;
import dev.smtpprobe.drift.StateStore;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** --state-dir for probe and serve: record this run, report the changes since the last as findings and a counter. */
final class Drift {
    static final String METER = "smtp.probe.drift";

    private Drift() {
    }

    /** The state file's key for a probe's target: kind, name and port, so a domain and a server never collide. */
    static String key(ProbeTarget target) {
        return target.kind().name().toLowerCase(Locale.ROOT) + "_" + target.input().strip() + "_" + target.port();
    }

    /**
     * @param registry where to count changes (tag {@code kind}, plus {@code tags}); null for none
     */
    static Diagnosis apply(StateStore store, String key, ProbeResult result, Diagnosis diagnosis, MeterRegistry registry,
            PrintWriter err) {
        return apply(store, key, result, diagnosis, registry, Tags.empty(), err);
    }

    static Diagnosis apply(StateStore store, String key, ProbeResult result, Diagnosis diagnosis, MeterRegistry registry,
            Tags tags, PrintWriter err) {
        List<DriftDetector.Change> changes;
        try {
            // The snapshot keeps the verdict before drift, so a drift finding never changes the next run's baseline.
            changes = store.record(Snapshot.of(key, result, diagnosis));
        } catch (IOException | RuntimeException e) {
            if (err != null) {
                err.println("smtp-probe: could not keep state in " + store.fileOf(key).getParent() + ": "
                        + SmtpProbeCommand.oneLine(e.getMessage()));
            }
            return diagnosis;
        }
        if (registry != null) {
            for (DriftDetector.Change c : changes) {
                Counter.builder(METER).description("Changes since the target's previous run, by kind")
                        .tags(tags).tag("kind", c.kind()).register(registry).increment();
            }
        }
        return diagnosis.plus(changes.stream().map(DriftDetector.Change::finding).toList());
    }
}
