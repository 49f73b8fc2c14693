package dev.smtpprobe.dispatch;

import dev.smtpprobe.model.MxPlan;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.RecipientResult;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.probe.Politeness;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Schedules many probes on one prober, the way OkHttp's Dispatcher schedules calls on one client: at most
 * {@code maxConcurrent} probes run, the rest wait in submission order; no thread is held by a waiting probe.
 *
 * <p>Politeness toward receivers, enforced where it matters, at each session's dial (through {@link Politeness}):
 * <ul>
 * <li>at most {@code maxPerAddress} sessions connected to one MX address at once;</li>
 * <li>at most {@code perDomainRate} new sessions per second toward one receiving domain (evenly spaced);</li>
 * <li>one MX lookup per domain, shared by every probe of that domain while the dispatcher lives.</li>
 * </ul>
 * A probe whose recipient was deferred with 450 or 451 (greylisting) is run again once after {@code retryAfter}
 * when that is set; the retry's result replaces the first.
 *
 * <p>Memory: per-address and per-domain state is dropped as soon as nothing uses it; the MX cache keeps one plan
 * per distinct domain (a batch's input is its bound). Thread-safe; callbacks may come from any thread.
 */
public final class Dispatcher {
    private final int maxConcurrent;
    private final int maxPerAddress;
    private final long nanosPerSession;
    private final Duration retryAfter;
    private final Predicate<ProbeResult> retryIf;
    private final Clock clock;
    private final Executor starter;

    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private int running;
    private final Map<InetSocketAddress, Host> hosts = new HashMap<>();
    private final Map<String, Long> nextSlot = new HashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<MxPlan>> plans = new ConcurrentHashMap<>();
    private final Politeness politeness = new Gate();

    private Dispatcher(Builder b) {
        this.maxConcurrent = b.maxConcurrent;
        this.maxPerAddress = b.maxPerAddress;
        this.nanosPerSession = b.perDomainRate <= 0 ? 0 : (long) (1e9 / b.perDomainRate);
        this.retryAfter = b.retryAfter;
        this.retryIf = b.retryIf;
        this.clock = Objects.requireNonNull(b.clock, "clock (or scheduler) is required");
        this.starter = b.starter;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What the probes this dispatcher starts pass to the prober. */
    public Politeness politeness() {
        return politeness;
    }

    /**
     * Queues a probe; it starts when fewer than {@code maxConcurrent} run. The future completes with the probe's
     * result (after the greylisting retry, when there is one) and fails only when {@code probe} does.
     *
     * @param probe usually {@code prober::probe}
     */
    public CompletableFuture<ProbeResult> submit(ProbeRequest request,
            BiFunction<ProbeRequest, Politeness, CompletableFuture<ProbeResult>> probe) {
        CompletableFuture<ProbeResult> out = new CompletableFuture<>();
        enqueue(() -> run(request, probe).whenComplete((r, e) -> {
            finished();
            if (e != null) {
                out.completeExceptionally(e);
                return;
            }
            if (retryAfter.isZero() || !retryIf.test(r)) {
                out.complete(r);
                return;
            }
            // The back-off holds no slot: other probes run meanwhile.
            clock.schedule(() -> enqueue(() -> run(request, probe).whenComplete((again, e2) -> {
                finished();
                if (e2 != null) {
                    out.completeExceptionally(e2);
                } else {
                    out.complete(again);
                }
            })), retryAfter);
        }));
        return out;
    }

    private CompletableFuture<ProbeResult> run(ProbeRequest request,
            BiFunction<ProbeRequest, Politeness, CompletableFuture<ProbeResult>> probe) {
        try {
            return Objects.requireNonNull(probe.apply(request, politeness), "probe returned null");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Probes running now (not waiting for a slot, not backing off). */
    public synchronized int running() {
        return running;
    }

    /** Probes waiting for a slot. */
    public synchronized int queued() {
        return ready.size();
    }

    private void enqueue(Runnable start) {
        synchronized (this) {
            ready.add(start);
        }
        promote();
    }

    private void finished() {
        synchronized (this) {
            running--;
        }
        promote();
    }

    /**
     * Starts queued probes while there is room, outside the lock, on the starter executor: the thread that ends a
     * probe is often an event loop, and starting the next (building its request, reading a CA file) is no work
     * for an event loop.
     */
    private void promote() {
        List<Runnable> toStart = new ArrayList<>();
        synchronized (this) {
            while (running < maxConcurrent && !ready.isEmpty()) {
                running++;
                toStart.add(ready.poll());
            }
        }
        toStart.forEach(starter::execute);
    }

    /**
     * True when a server deferred a recipient with 450 or 451, the replies greylisting gives (RFC 6647 §2.1):
     * trying again after a while is what a sending MTA does and what the receiver expects.
     */
    public static boolean greylisted(ProbeResult result) {
        for (SessionResult s : result.sessions()) {
            for (RecipientResult r : s.recipients()) {
                if (r.reply().map(reply -> reply.code() == 450 || reply.code() == 451).orElse(false)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Connections to one address: how many are open and who waits for one. */
    private static final class Host {
        int active;
        final ArrayDeque<CompletableFuture<Runnable>> waiting = new ArrayDeque<>();
    }

    private final class Gate implements Politeness {
        @Override
        public CompletableFuture<Runnable> beforeSession(String domain, SessionRequest session) {
            return hostPermit(session.address()).thenCompose(release -> rateSlot(domain).thenApply(v -> release));
        }

        @Override
        public CompletableFuture<MxPlan> mxPlan(String key, Supplier<CompletableFuture<MxPlan>> lookup) {
            CompletableFuture<MxPlan> mine = new CompletableFuture<>();
            CompletableFuture<MxPlan> shared = plans.putIfAbsent(key, mine);
            if (shared != null) {
                return shared;
            }
            lookup.get().whenComplete((plan, e) -> {
                if (e != null) {
                    // A lookup that failed outright is not cached: the next probe of the domain tries again.
                    plans.remove(key, mine);
                    mine.completeExceptionally(e);
                } else {
                    mine.complete(plan);
                }
            });
            return mine;
        }
    }

    private CompletableFuture<Runnable> hostPermit(InetSocketAddress address) {
        if (maxPerAddress <= 0) {
            return CompletableFuture.completedFuture(Politeness.NOTHING_TO_RELEASE);
        }
        Runnable release = releaser(address);
        synchronized (this) {
            Host host = hosts.computeIfAbsent(address, a -> new Host());
            if (host.active < maxPerAddress) {
                host.active++;
                return CompletableFuture.completedFuture(release);
            }
            CompletableFuture<Runnable> wait = new CompletableFuture<>();
            host.waiting.add(wait);
            return wait;
        }
    }

    /** Hands the permit to the next waiter directly (so a newcomer cannot overtake it), or drops it. */
    private Runnable releaser(InetSocketAddress address) {
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (!once.compareAndSet(false, true)) {
                return;
            }
            CompletableFuture<Runnable> next;
            synchronized (this) {
                Host host = hosts.get(address);
                next = host.waiting.poll();
                if (next == null) {
                    host.active--;
                    if (host.active == 0) {
                        hosts.remove(address);
                    }
                }
            }
            if (next != null) {
                next.complete(releaser(address));
            }
        };
    }

    /** Completes when the domain's next evenly spaced slot comes; slots are taken in order of asking. */
    private CompletableFuture<Void> rateSlot(String domain) {
        if (nanosPerSession == 0) {
            return CompletableFuture.completedFuture(null);
        }
        String key = domain.toLowerCase(Locale.ROOT);
        long now = clock.nanoTime();
        long slot;
        synchronized (this) {
            if (nextSlot.size() > 1024) {
                for (Iterator<Long> it = nextSlot.values().iterator(); it.hasNext(); ) {
                    if (it.next() - now <= 0) {
                        it.remove();
                    }
                }
            }
            Long next = nextSlot.get(key);
            slot = next == null || next - now < 0 ? now : next;
            nextSlot.put(key, slot + nanosPerSession);
        }
        long wait = slot - now;
        if (wait <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        clock.schedule(() -> f.complete(null), Duration.ofNanos(wait));
        return f;
    }

    /** Time and timers, injected so that tests run without sleeping. */
    public interface Clock {
        long nanoTime();

        void schedule(Runnable task, Duration delay);

        /** The system's nano clock with timers on the given executor (an event loop group will do). */
        static Clock of(ScheduledExecutorService timers) {
            Objects.requireNonNull(timers);
            return new Clock() {
                @Override
                public long nanoTime() {
                    return System.nanoTime();
                }

                @Override
                public void schedule(Runnable task, Duration delay) {
                    timers.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                }
            };
        }
    }

    public static final class Builder {
        private int maxConcurrent = 20;
        private int maxPerAddress = 0;
        private double perDomainRate = 0;
        private Duration retryAfter = Duration.ZERO;
        private Predicate<ProbeResult> retryIf = Dispatcher::greylisted;
        private Clock clock;
        private Executor starter = Runnable::run;

        private Builder() {
        }

        /**
         * Where probes are started (default: on the thread that submits, or that ends the probe before). Give an
         * executor off the event loop when probes finish there, as they do with an {@code SmtpProber}.
         */
        public Builder starter(Executor starter) {
            this.starter = Objects.requireNonNull(starter);
            return this;
        }

        /** Probes running at once (default 20). */
        public Builder maxConcurrent(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConcurrent must be at least 1");
            }
            this.maxConcurrent = n;
            return this;
        }

        /** Sessions connected to one MX address at once; 0 (the default) for no limit. */
        public Builder maxPerAddress(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxPerAddress must not be negative");
            }
            this.maxPerAddress = n;
            return this;
        }

        /** New sessions per second toward one receiving domain; 0 (the default) for no limit. */
        public Builder perDomainRate(double perSecond) {
            if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
                throw new IllegalArgumentException("perDomainRate must be a finite number, 0 or more");
            }
            this.perDomainRate = perSecond;
            return this;
        }

        /** Run a greylisted probe again once after this back-off; zero (the default) never retries. */
        public Builder retryTransient(Duration backOff) {
            if (backOff.isNegative()) {
                throw new IllegalArgumentException("the retry back-off must not be negative");
            }
            this.retryAfter = backOff;
            return this;
        }

        /** Which results are retried after the back-off (default: {@link Dispatcher#greylisted}). */
        public Builder retryIf(Predicate<ProbeResult> retryIf) {
            this.retryIf = Objects.requireNonNull(retryIf);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Timers on this executor (for example the prober's event loop group), the system clock. */
        public Builder scheduler(ScheduledExecutorService timers) {
            return clock(Clock.of(timers));
        }

        public Dispatcher build() {
            return new Dispatcher(this);
        }
    }
}
