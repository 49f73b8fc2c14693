package dev.smtpprobe.cli;

import dev.smtpprobe.SmtpProber;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.model.ProbeResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Runs every target on its own schedule, with jitter, at most {@code concurrency} probes at once on one shared
 * prober. Nothing here blocks on a probe: a tick only starts one (or queues it while all slots are taken), and the
 * probe's completion frees its slot. So a slow target never delays another's tick; a target whose previous run is
 * still going skips the tick (counted in {@code smtp.probe.serve.skipped}) rather than piling up.
 */
final class ServeScheduler implements AutoCloseable {

    /** A finished run of one target. */
    record LastRun(ServeConfig.Target target, ProbeResult result, Diagnosis diagnosis, Instant finishedAt) {
    }

    private final ServeConfig config;
    /** Drift state, one file per target name: read and written here, off the event loop. */
    private final Optional<dev.smtpprobe.drift.StateStore> state;
    private final SmtpProber prober;
    private final Clock clock;
    private final Random random;
    private final MeterRegistry registry;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "smtp-probe-serve-scheduler");
        t.setDaemon(true);
        return t;
    });
    private final DiagnosisEngine engine = new DiagnosisEngine(ReplyClassifier.standard());
    private final Map<String, LastRun> last = new ConcurrentHashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Deque<ServeConfig.Target> waiting = new ArrayDeque<>();
    private int slotsInUse;
    private volatile boolean closed;
    private volatile BiConsumer<ServeConfig.Target, LastRun> onFinished = (t, r) -> { };
    private volatile BiConsumer<ServeConfig.Target, dev.smtpprobe.diagnosis.Verdict> verdicts = (t, v) -> { };

    ServeScheduler(ServeConfig config, SmtpProber prober, MeterRegistry registry, Clock clock, Random random) {
        this.config = config;
        this.state = config.stateDir().map(dev.smtpprobe.drift.StateStore::new);
        this.prober = prober;
        this.registry = registry;
        this.clock = clock;
        this.random = random;
    }

    void onFinished(BiConsumer<ServeConfig.Target, LastRun> callback) {
        this.onFinished = callback;
    }

    /** Told each run's final verdict (after thresholds and drift), before the run is visible as the last. */
    void onVerdict(BiConsumer<ServeConfig.Target, dev.smtpprobe.diagnosis.Verdict> callback) {
        this.verdicts = callback;
    }

    void start() {
        for (ServeConfig.Target t : config.targets()) {
            Duration first = t.schedule().interval().isPresent() ? jitter()
                    : t.schedule().next(ZonedDateTime.now(clock)).plus(jitter());
            timer.schedule(() -> tick(t), first.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    Optional<LastRun> last(String target) {
        return Optional.ofNullable(last.get(target));
    }

    Map<String, LastRun> lastRuns() {
        return Map.copyOf(last);
    }

    boolean isRunning(String target) {
        return running.contains(target);
    }

    private Duration jitter() {
        long max = config.jitter().toMillis();
        return Duration.ofMillis(max <= 0 ? 0 : (long) (random.nextDouble() * max));
    }

    private void tick(ServeConfig.Target t) {
        if (closed) {
            return;
        }
        // The next tick is due whatever becomes of this one, so a slow probe shifts no schedule.
        Duration next = t.schedule().next(ZonedDateTime.now(clock));
        if (t.schedule().cron().isPresent()) {
            next = next.plus(jitter());
        }
        timer.schedule(() -> tick(t), Math.max(1000, next.toMillis()), TimeUnit.MILLISECONDS);
        if (!running.add(t.name())) {
            Counter.builder("smtp.probe.serve.skipped")
                    .description("Scheduled runs skipped because the target's previous run was still going")
                    .tag("target", t.name()).register(registry).increment();
            return;
        }
        synchronized (this) {
            if (slotsInUse >= config.concurrency()) {
                waiting.add(t);
                return;
            }
            slotsInUse++;
        }
        launch(t);
    }

    private void launch(ServeConfig.Target t) {
        // Completion comes on the event loop; the diagnosis, the callbacks and the next launch (which may read a
        // CA file) run on the scheduler's thread instead.
        prober.probe(t.request(), t.name()).whenCompleteAsync((result, error) -> {
            try {
                if (result != null) {
                    Diagnosis d = t.options().thresholds().apply(result, engine.diagnose(result));
                    if (state.isPresent()) {
                        d = Drift.apply(state.get(), t.name(), result, d, registry,
                                io.micrometer.core.instrument.Tags.of("target", t.name()), null);
                    }
                    verdicts.accept(t, d.verdict());
                    LastRun run = new LastRun(t, result, d, clock.instant());
                    last.put(t.name(), run);
                    onFinished.accept(t, run);
                }
            } catch (RuntimeException e) {
                // A report that cannot be made must not stop the schedule.
            } finally {
                running.remove(t.name());
                ServeConfig.Target nextUp;
                synchronized (this) {
                    nextUp = closed ? null : waiting.poll();
                    if (nextUp == null) {
                        slotsInUse--;
                    }
                }
                if (nextUp != null) {
                    launch(nextUp);
                }
            }
        }, this::offLoop);
    }

    private void offLoop(Runnable r) {
        try {
            timer.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            r.run();
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
