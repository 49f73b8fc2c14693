package dev.smtpprobe.bench;

import dev.smtpprobe.SmtpProber;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.Timeouts;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Many full sessions (banner, EHLO, STARTTLS, TLS handshake, EHLO, MAIL, RCPT, RSET, QUIT) through one SmtpProber
 * on its shared event loop, against a scripted server on loopback. Not a unit test: run it with
 * scripts/benchmark.sh; its figures go in the README. Arguments: sessions, concurrency, tls (true|false).
 */
public final class ConcurrentSessionsBenchmark {

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        boolean tls = args.length <= 2 || Boolean.parseBoolean(args[2]);

        TestCertificates.Authority ca = TestCertificates.newAuthority("bench CA");
        Path caFile = Files.createTempFile("bench-ca", ".pem");
        ca.writePem(caFile);
        try (MockSmtpServer server = new MockSmtpServer(); SmtpProber prober = SmtpProber.builder().build()) {
            server.authMechanisms();
            if (tls) {
                server.startTls(ca.issue("localhost", "127.0.0.1"));
            }
            server.start();
            SessionRequest request = SessionRequest.builder("localhost", server.address())
                    .startTls(tls ? StartTlsPolicy.REQUIRE : StartTlsPolicy.NEVER)
                    .caFile(caFile)
                    .ehloName("bench.test")
                    .recipients(List.of("postmaster@bench.test"))
                    .timeouts(Timeouts.uniform(Duration.ofSeconds(30), Duration.ofSeconds(60)))
                    .build();

            run(prober, request, Math.min(200, sessions), concurrency); // warm-up: JIT, TLS provider, pools
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            Result r = run(prober, request, sessions, concurrency);
            System.out.printf("sessions=%d concurrency=%d tls=%s%n", sessions, concurrency, tls);
            System.out.printf("wall=%.2fs throughput=%.0f sessions/s failures=%d%n", r.wallSeconds,
                    sessions / r.wallSeconds, r.failures);
            if (!r.failureKinds.isEmpty()) {
                System.out.println("failure kinds: " + r.failureKinds);
            }
            System.out.printf("latency p50=%dms p90=%dms p99=%dms max=%dms%n", r.percentile(50), r.percentile(90),
                    r.percentile(99), r.percentile(100));
            int loops = 0;
            for (var ignored : prober.eventLoopGroup()) {
                loops++;
            }
            System.out.printf("client event-loop threads=%d (JVM threads=%d, the fixture server's thread-per-connection included)%n",
                    loops, threadsBefore);
        } finally {
            Files.deleteIfExists(caFile);
        }
    }

    private record Result(double wallSeconds, int failures, List<Long> millis, java.util.Map<String, Long> failureKinds) {
        long percentile(int p) {
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
            return sorted.get(Math.max(0, index));
        }
    }

    private static Result run(SmtpProber prober, SessionRequest request, int sessions, int concurrency)
            throws Exception {
        Semaphore inFlight = new Semaphore(concurrency);
        ConcurrentLinkedQueue<Long> millis = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<SessionResult> failed = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<SessionResult>> all = new ArrayList<>(sessions);
        long start = System.nanoTime();
        for (int i = 0; i < sessions; i++) {
            inFlight.acquire();
            long begun = System.nanoTime();
            CompletableFuture<SessionResult> f = prober.session(request).whenComplete((res, err) -> {
                millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun));
                if (err != null || res.failure().isPresent()) {
                    failed.add(res);
                }
                inFlight.release();
            });
            all.add(f);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        double wall = (System.nanoTime() - start) / 1e9;
        java.util.Map<String, Long> kinds = new java.util.TreeMap<>();
        for (SessionResult f : failed) {
            String key = f == null ? "exception" : f.failure().map(x -> x.status() + "@" + x.phase()).orElse("?");
            kinds.merge(key, 1L, Long::sum);
        }
        return new Result(wall, failed.size(), new ArrayList<>(millis), kinds);
    }
}
