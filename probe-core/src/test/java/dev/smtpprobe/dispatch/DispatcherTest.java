package dev.smtpprobe.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.MxPlan;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.probe.Politeness;
import dev.smtpprobe.probe.TargetParser;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The dispatcher on a hand-driven clock: no sockets, no sleeps. */
class DispatcherTest {

    /** Time moves only when the test says so; due timers run on the test's thread. */
    static final class ManualClock implements Dispatcher.Clock {
        long now = 1_000_000_000L;
        final List<long[]> dueAt = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public synchronized void schedule(Runnable task, Duration delay) {
            dueAt.add(new long[] {now + delay.toNanos()});
            tasks.add(task);
        }

        void advance(Duration d) {
            now += d.toNanos();
            List<Runnable> run = new ArrayList<>();
            synchronized (this) {
                for (int i = dueAt.size() - 1; i >= 0; i--) {
                    if (dueAt.get(i)[0] - now <= 0) {
                        run.add(0, tasks.remove(i));
                        dueAt.remove(i);
                    }
                }
            }
            run.forEach(Runnable::run);
        }
    }

    private final ManualClock clock = new ManualClock();

    private static ProbeRequest request(String domain) {
        return ProbeRequest.builder(TargetParser.parseMailTarget(domain, 25)).build();
    }

    private static ProbeResult result(ProbeRequest request) {
        return new ProbeResult(request.target(), Instant.now(), Duration.ZERO, Optional.empty(), List.of(), List.of(),
                false);
    }

    private static SessionRequest session(String domain, int port) {
        return request(domain).sessionRequest("mx." + domain, new InetSocketAddress("127.0.0.1", port));
    }

    @Test
    void runsAtMostMaxConcurrentAndStartsTheNextWhenOneEnds() {
        Dispatcher d = Dispatcher.builder().maxConcurrent(2).clock(clock).build();
        List<CompletableFuture<ProbeResult>> started = new ArrayList<>();
        List<CompletableFuture<ProbeResult>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(d.submit(request("d" + i + ".test"), (r, p) -> {
                CompletableFuture<ProbeResult> f = new CompletableFuture<>();
                started.add(f);
                return f;
            }));
        }
        assertThat(started).hasSize(2);
        assertThat(d.running()).isEqualTo(2);
        assertThat(d.queued()).isEqualTo(3);

        started.get(0).complete(result(request("d0.test")));
        assertThat(results.get(0)).isCompleted();
        assertThat(started).hasSize(3);
        assertThat(d.running()).isEqualTo(2);
    }

    @Test
    void aFailedProbeFreesItsSlotAndFailsOnlyItsOwnFuture() {
        Dispatcher d = Dispatcher.builder().maxConcurrent(1).clock(clock).build();
        CompletableFuture<ProbeResult> bad = d.submit(request("a.test"), (r, p) -> {
            throw new IllegalStateException("boom");
        });
        CompletableFuture<ProbeResult> good = d.submit(request("b.test"),
                (r, p) -> CompletableFuture.completedFuture(result(r)));
        assertThat(bad).isCompletedExceptionally();
        assertThat(good).isCompleted();
        assertThat(d.running()).isZero();
    }

    @Test
    void perAddressLimitMakesTheNextSessionWaitForARelease() {
        Politeness gate = Dispatcher.builder().maxPerAddress(2).clock(clock).build().politeness();
        CompletableFuture<Runnable> a = gate.beforeSession("x.test", session("x.test", 2525));
        CompletableFuture<Runnable> b = gate.beforeSession("x.test", session("x.test", 2525));
        CompletableFuture<Runnable> c = gate.beforeSession("x.test", session("x.test", 2525));
        CompletableFuture<Runnable> other = gate.beforeSession("x.test", session("x.test", 2526));
        assertThat(a).isCompleted();
        assertThat(b).isCompleted();
        assertThat(c).isNotDone();
        assertThat(other).as("another address has its own permits").isCompleted();

        a.join().run();
        a.join().run(); // a second release of the same permit is ignored
        assertThat(c).isCompleted();
        CompletableFuture<Runnable> d = gate.beforeSession("x.test", session("x.test", 2525));
        assertThat(d).as("the double release did not make a third permit").isNotDone();
        b.join().run();
        assertThat(d).isCompleted();
    }

    @Test
    void perDomainRateSpacesNewSessionsEvenly() {
        Politeness gate = Dispatcher.builder().perDomainRate(2).clock(clock).build().politeness();
        CompletableFuture<Runnable> first = gate.beforeSession("slow.test", session("slow.test", 1));
        CompletableFuture<Runnable> second = gate.beforeSession("SLOW.test", session("slow.test", 2));
        CompletableFuture<Runnable> third = gate.beforeSession("slow.test", session("slow.test", 3));
        CompletableFuture<Runnable> elsewhere = gate.beforeSession("fast.test", session("fast.test", 4));
        assertThat(first).isCompleted();
        assertThat(elsewhere).isCompleted();
        assertThat(second).isNotDone();

        clock.advance(Duration.ofMillis(499));
        assertThat(second).isNotDone();
        clock.advance(Duration.ofMillis(1));
        assertThat(second).isCompleted();
        assertThat(third).isNotDone();
        clock.advance(Duration.ofMillis(500));
        assertThat(third).isCompleted();

        clock.advance(Duration.ofSeconds(10));
        assertThat(gate.beforeSession("slow.test", session("slow.test", 5)))
                .as("an idle domain gets its next session at once").isCompleted();
    }

    @Test
    void oneMxLookupPerKeySharedByEveryProbe() {
        Politeness gate = Dispatcher.builder().clock(clock).build().politeness();
        AtomicInteger lookups = new AtomicInteger();
        CompletableFuture<MxPlan> lookup = new CompletableFuture<>();
        CompletableFuture<MxPlan> one = gate.mxPlan("a.test|ANY", () -> {
            lookups.incrementAndGet();
            return lookup;
        });
        CompletableFuture<MxPlan> two = gate.mxPlan("a.test|ANY", () -> {
            lookups.incrementAndGet();
            return new CompletableFuture<>();
        });
        MxPlan plan = new MxPlan("a.test", MxPlan.Kind.FAILED, List.of(), Optional.empty());
        lookup.complete(plan);
        assertThat(lookups).hasValue(1);
        assertThat(one.join()).isSameAs(plan);
        assertThat(two.join()).isSameAs(plan);
    }

    @Test
    void aFailedLookupIsNotCached() {
        Politeness gate = Dispatcher.builder().clock(clock).build().politeness();
        assertThat(gate.mxPlan("k", () -> CompletableFuture.failedFuture(new RuntimeException("x"))))
                .isCompletedExceptionally();
        MxPlan plan = new MxPlan("a.test", MxPlan.Kind.FAILED, List.of(), Optional.empty());
        assertThat(gate.mxPlan("k", () -> CompletableFuture.completedFuture(plan)).join()).isSameAs(plan);
    }

    @Test
    void greylistedProbeRunsAgainAfterTheBackOffWithoutHoldingASlot() {
        ProbeResult deferred = result(request("grey.test"));
        ProbeResult accepted = result(request("grey.test"));
        Dispatcher d = Dispatcher.builder().maxConcurrent(1).retryTransient(Duration.ofMinutes(5))
                .retryIf(r -> r == deferred).clock(clock).build();
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<ProbeResult> grey = d.submit(request("grey.test"), (r, p) ->
                CompletableFuture.completedFuture(attempts.incrementAndGet() == 1 ? deferred : accepted));
        assertThat(grey).isNotDone();
        assertThat(d.running()).as("backing off holds no slot").isZero();
        CompletableFuture<ProbeResult> other = d.submit(request("other.test"),
                (r, p) -> CompletableFuture.completedFuture(result(r)));
        assertThat(other).isCompleted();

        clock.advance(Duration.ofMinutes(5));
        assertThat(grey.join()).isSameAs(accepted);
        assertThat(attempts).hasValue(2);
    }

    @Test
    void withoutABackOffNothingIsRetried() {
        ProbeResult r0 = result(request("grey.test"));
        Dispatcher d = Dispatcher.builder().retryIf(r -> true).clock(clock).build();
        AtomicInteger attempts = new AtomicInteger();
        assertThat(d.submit(request("grey.test"), (r, p) -> {
            attempts.incrementAndGet();
            return CompletableFuture.completedFuture(r0);
        }).join()).isSameAs(r0);
        assertThat(attempts).hasValue(1);
    }
}
