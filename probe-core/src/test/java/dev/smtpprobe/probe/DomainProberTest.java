package dev.smtpprobe.probe;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.SessionFailure;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.Timeouts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.SmtpProber;
import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.MxPlan;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DomainProber with the real engine (SmtpProber) against real servers on loopback, and real DNS packets from
 * FakeDnsServer. Two MX hosts differ by loopback address (127.0.0.1 and 127.0.0.2) on one port, since MX records
 * carry no port: the scripted server listens on 127.0.0.1 only, so 127.0.0.2 on the same port refuses.
 */
class DomainProberTest {
    private static final Timeouts FAST = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2),
            Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(10));
    private static SmtpProber engine;

    private FakeDnsServer dns;
    private MockSmtpServer smtp;
    private FakeDnsServer.Zone zone;

    @BeforeAll
    static void startEngine() {
        engine = SmtpProber.builder().threads(1).build();
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    @BeforeEach
    void setUp() throws IOException {
        dns = new FakeDnsServer();
        zone = dns.zone("example.test");
        smtp = new MockSmtpServer().start();
    }

    @AfterEach
    void tearDown() {
        dns.close();
        smtp.close();
    }

    private ProbeRequest.Builder request(ProbeTarget.Kind kind, String domain) {
        dns.start();
        ProbeTarget target = new ProbeTarget(domain, kind, domain, domain, Optional.empty(), smtp.port());
        return ProbeRequest.builder(target)
                .resolvers(List.of(dns.resolverAddress()))
                .dnsTimeout(Duration.ofSeconds(2)).dnsRetries(0)
                .ehloName("probe.test").mailFrom("probe@probe.test")
                .startTls(StartTlsPolicy.NEVER)
                .timeouts(FAST)
                .posture(false)
                .shuffleSeed(1);
    }

    private static ProbeResult run(DomainProber prober, ProbeRequest request) throws Exception {
        return prober.probe(request).get(30, TimeUnit.SECONDS);
    }

    private static ProbeResult run(ProbeRequest request) throws Exception {
        return run(new DomainProber(engine::session), request);
    }

    @Test
    void deadPreferredMxFailsOverToTheNextMx() throws Exception {
        zone.mx(10, "dead.example.test").mx(20, "good.example.test")
                .a("dead.example.test", "127.0.0.2").a("good.example.test", "127.0.0.1");

        ProbeResult r = run(request(ProbeTarget.Kind.DOMAIN, "example.test").build());

        assertThat(r.dns()).get().extracting(MxPlan::kind).isEqualTo(MxPlan.Kind.MX);
        assertThat(r.sessions()).hasSize(2);
        assertThat(r.sessions().get(0).hostName()).isEqualTo("dead.example.test");
        assertThat(r.sessions().get(0).failure().get().status()).isEqualTo(ProbeStatus.CONNECTION_REFUSED);
        assertThat(r.sessions().get(1).hostName()).isEqualTo("good.example.test");
        assertThat(r.sessions().get(1).succeeded()).as("%s", r.sessions().get(1).failure()).isTrue();
        assertThat(r.sessions().get(1).address()).isEqualTo(new InetSocketAddress("127.0.0.1", smtp.port()));
        assertThat(smtp.takeCommand().verb()).isEqualTo("EHLO");
        assertThat(smtp.takeCommand().verb()).isEqualTo("MAIL");
        assertThat(smtp.takeCommand().rawLine()).as("RFC 5321 postmaster by default")
                .containsIgnoringCase("<postmaster@example.test>");
    }

    @Test
    void deadAddressFailsOverToTheSameHostsNextAddress() throws Exception {
        zone.mx(10, "mx.example.test").a("mx.example.test", "127.0.0.2").a("mx.example.test", "127.0.0.1");

        ProbeResult r = run(request(ProbeTarget.Kind.DOMAIN, "example.test").build());

        assertThat(r.sessions()).extracting(s -> s.address().getAddress().getHostAddress())
                .containsExactly("127.0.0.2", "127.0.0.1");
        assertThat(r.sessions()).extracting(SessionResult::hostName).containsOnly("mx.example.test");
        assertThat(r.sessions().get(1).succeeded()).isTrue();
    }

    @Test
    void banner421FailsOverToTheNextMx() throws Exception {
        try (BusyServer busy = new BusyServer(smtp.port())) {
            zone.mx(10, "busy.example.test").mx(20, "good.example.test")
                    .a("busy.example.test", "127.0.0.2").a("good.example.test", "127.0.0.1");

            ProbeResult r = run(request(ProbeTarget.Kind.DOMAIN, "example.test").build());

            assertThat(r.sessions()).hasSize(2);
            SessionFailure f = r.sessions().get(0).failure().get();
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.BANNER);
            assertThat(f.reply().get().code()).isEqualTo(421);
            assertThat(r.sessions().get(1).succeeded()).isTrue();
            assertThat(busy.connections.get()).isEqualTo(1);
        }
    }

    @Test
    void rejectionAfterTheGreetingIsTheAnswerAndDoesNotFailOver() throws Exception {
        smtp.greeting(dev.smtpprobe.fixtures.Reply.of(554, "5.7.1 go away"));
        zone.mx(10, "mx1.example.test").mx(20, "mx2.example.test")
                .a("mx1.example.test", "127.0.0.1").a("mx2.example.test", "127.0.0.2");

        ProbeResult r = run(request(ProbeTarget.Kind.DOMAIN, "example.test").build());

        assertThat(r.sessions()).hasSize(1);
        assertThat(r.sessions().get(0).failure().get().status()).isEqualTo(ProbeStatus.REJECTED);
    }

    @Test
    void allMxProbesEveryHostAndAddress() throws Exception {
        zone.mx(10, "good.example.test").mx(20, "dead.example.test")
                .a("good.example.test", "127.0.0.1").a("dead.example.test", "127.0.0.2");

        ProbeResult one = run(request(ProbeTarget.Kind.DOMAIN, "example.test").build());
        assertThat(one.sessions()).hasSize(1);
        assertThat(one.allMx()).isFalse();

        ProbeResult all = run(request(ProbeTarget.Kind.DOMAIN, "example.test").allMx(true).build());
        assertThat(all.allMx()).isTrue();
        assertThat(all.sessions()).extracting(SessionResult::hostName)
                .containsExactly("good.example.test", "dead.example.test");
        assertThat(all.sessions().get(0).succeeded()).isTrue();
        assertThat(all.sessions().get(1).failure().get().status()).isEqualTo(ProbeStatus.CONNECTION_REFUSED);
    }

    @Test
    void nullMxAndNxdomainAttemptNoConnection() throws Exception {
        dns.zone("nomail.test").nullMx().a("nomail.test", "127.0.0.1");
        AtomicInteger calls = new AtomicInteger();
        DomainProber counting = new DomainProber(req -> {
            calls.incrementAndGet();
            return engine.session(req);
        });

        ProbeResult nullMx = run(counting, request(ProbeTarget.Kind.DOMAIN, "nomail.test").build());
        assertThat(nullMx.dns().get().kind()).isEqualTo(MxPlan.Kind.NULL_MX);
        assertThat(nullMx.sessions()).isEmpty();

        ProbeResult nx = run(counting, request(ProbeTarget.Kind.DOMAIN, "missing.example.test").build());
        assertThat(nx.dns().get().kind()).isEqualTo(MxPlan.Kind.FAILED);
        assertThat(nx.dns().get().failure().get().kind()).isEqualTo(DnsFailure.Kind.NXDOMAIN);
        assertThat(nx.sessions()).isEmpty();
        assertThat(calls.get()).isZero();
        assertThat(smtp.connectionCount()).isZero();
    }

    @Test
    void aDomainThatDoesNotExistGetsNoPostureNoise() throws Exception {
        ProbeResult nx = run(request(ProbeTarget.Kind.DOMAIN, "missing.example.test").posture(true).build());

        assertThat(nx.dns().get().failure().get().kind()).isEqualTo(DnsFailure.Kind.NXDOMAIN);
        assertThat(nx.posture()).isEmpty();
    }

    @Test
    void implicitMxIsProbed() throws Exception {
        zone.a("example.test", "127.0.0.1");
        ProbeResult r = run(request(ProbeTarget.Kind.DOMAIN, "example.test").build());
        assertThat(r.dns().get().kind()).isEqualTo(MxPlan.Kind.IMPLICIT);
        assertThat(r.sessions()).singleElement().satisfies(s -> {
            assertThat(s.hostName()).isEqualTo("example.test");
            assertThat(s.succeeded()).isTrue();
        });
    }

    @Test
    void addressTargetAsksForItsMailbox() throws Exception {
        zone.mx(10, "good.example.test").a("good.example.test", "127.0.0.1");
        dns.start();
        ProbeTarget target = new ProbeTarget("alice@example.test", ProbeTarget.Kind.ADDRESS, "example.test",
                "example.test", Optional.of("alice@example.test"), smtp.port());
        ProbeRequest req = request(ProbeTarget.Kind.DOMAIN, "example.test").target(target).build();
        assertThat(req.effectiveRecipients()).containsExactly("alice@example.test");

        ProbeResult r = run(req);
        assertThat(r.sessions()).hasSize(1);
        smtp.takeCommand();
        smtp.takeCommand();
        assertThat(smtp.takeCommand().rawLine()).contains("<alice@example.test>");
    }

    @Test
    void serverTargetSkipsMxForALiteralAndResolvesANameOtherwise() throws Exception {
        zone.mx(10, "elsewhere.example.test").a("smtp.example.test", "127.0.0.1");

        ProbeResult literal = run(request(ProbeTarget.Kind.SERVER, "127.0.0.1").posture(true).build());
        assertThat(literal.dns()).isEmpty();
        assertThat(literal.posture()).isEmpty();
        assertThat(literal.sessions()).singleElement().satisfies(s -> assertThat(s.succeeded()).isTrue());
        assertThat(dns.queryCount()).isZero();

        ProbeResult named = run(request(ProbeTarget.Kind.SERVER, "smtp.example.test").build());
        assertThat(named.sessions()).singleElement().satisfies(s -> {
            assertThat(s.hostName()).isEqualTo("smtp.example.test");
            assertThat(s.succeeded()).isTrue();
        });
        assertThat(dns.drainQueries()).extracting(q -> q.type()).doesNotContain("MX");

        ProbeResult unknown = run(request(ProbeTarget.Kind.SERVER, "nohost.example.test").build());
        assertThat(unknown.sessions()).isEmpty();
        assertThat(unknown.dns().get().failure().get().kind()).isEqualTo(DnsFailure.Kind.NXDOMAIN);
    }

    @Test
    void postureIsCheckedAndHeloNameComparedWithPtr() throws Exception {
        smtp.hostName("good.example.test");
        zone.mx(10, "good.example.test").a("good.example.test", "127.0.0.1")
                .ptr("127.0.0.1", "good.example.test")
                .txt("example.test", "v=spf1 mx -all")
                .txt("_dmarc.example.test", "v=DMARC1; p=reject; rua=mailto:d@example.test");

        ProbeResult r = run(request(ProbeTarget.Kind.DOMAIN, "example.test").posture(true).build());

        assertThat(r.posture()).extracting(PostureCheck::id)
                .containsExactly("spf", "dmarc", "mta-sts", "tls-rpt", "tlsa", "ptr", "helo-name");
        assertThat(r.posture()).filteredOn(c -> c.id().equals("helo-name")).singleElement()
                .satisfies(c -> assertThat(c.status()).as(c.summary()).isEqualTo(PostureCheck.Status.PASS));
        assertThat(r.posture()).filteredOn(c -> c.id().equals("ptr")).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(PostureCheck.Status.PASS));
    }

    @Test
    void heloNameDifferentFromPtrIsAWarning() throws Exception {
        smtp.hostName("localhost.localdomain");
        zone.mx(10, "good.example.test").a("good.example.test", "127.0.0.1").ptr("127.0.0.1", "good.example.test");

        ProbeResult r = run(request(ProbeTarget.Kind.DOMAIN, "example.test").posture(true).build());

        PostureCheck helo = r.posture().stream().filter(c -> c.id().equals("helo-name")).findFirst().orElseThrow();
        assertThat(helo.status()).isEqualTo(PostureCheck.Status.WARN);
        assertThat(helo.summary()).contains("localhost.localdomain").contains("good.example.test");
    }

    @Test
    void postureRunsAlongsideTheSmtpWalk() throws Exception {
        zone.mx(10, "good.example.test").a("good.example.test", "127.0.0.1");
        dns.drop("_dmarc.example.test");
        ProbeRequest req = request(ProbeTarget.Kind.DOMAIN, "example.test").posture(true)
                .dnsTimeout(Duration.ofSeconds(4)).build();

        CompletableFuture<ProbeResult> f = new DomainProber(engine::session).probe(req);
        // The SMTP session runs to its end while the DMARC question is still unanswered.
        assertThat(smtp.awaitConnection(Duration.ofSeconds(5))).isGreaterThanOrEqualTo(0);
        assertThat(smtp.awaitConnectionClosed(Duration.ofSeconds(5))).isGreaterThanOrEqualTo(0);
        assertThat(f).as("the probe waits for posture before it ends").isNotDone();

        ProbeResult r = f.get(20, TimeUnit.SECONDS);
        assertThat(r.sessions()).hasSize(1);
        assertThat(r.posture()).filteredOn(c -> c.id().equals("dmarc")).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(PostureCheck.Status.ERROR));
    }

    @Test
    void listenerSeesProbeAndDnsEventsAndRunnerFailuresBecomeSessions() throws Exception {
        zone.mx(10, "good.example.test").a("good.example.test", "127.0.0.1");
        List<String> events = new CopyOnWriteArrayList<>();
        ProbeEventListener listener = new ProbeEventListener() {
            @Override public void probeStart(ProbeTarget t) { events.add("probeStart"); }
            @Override public void probeEnd(ProbeTarget t, ProbeResult r) { events.add("probeEnd " + r.sessions().size()); }
            @Override public void dnsLookupStart(SmtpPhase p, String n, String ty) { events.add("dns " + p + " " + ty); }
        };
        DomainProber broken = new DomainProber(req -> CompletableFuture.failedFuture(new IllegalStateException("boom")));

        ProbeResult r = broken.probe(request(ProbeTarget.Kind.DOMAIN, "example.test").build(), listener)
                .get(10, TimeUnit.SECONDS);

        assertThat(r.sessions()).singleElement().satisfies(s -> {
            assertThat(s.failure().get().status()).isEqualTo(ProbeStatus.INTERNAL_ERROR);
            assertThat(s.failure().get().message()).contains("boom");
        });
        assertThat(events).startsWith("probeStart", "dns DNS_MX MX").endsWith("probeEnd 1");
        assertThat(events).contains("dns DNS_ADDRESS A", "dns DNS_ADDRESS AAAA");
    }

    @Test
    void aListenerThrowingAnErrorFromProbeEventsDoesNotStopTheProbe() throws Exception {
        zone.mx(10, "good.example.test").a("good.example.test", "127.0.0.1");
        ProbeEventListener throwing = new ProbeEventListener() {
            @Override public void probeStart(ProbeTarget t) { throw new AssertionError("listener bug"); }
            @Override public void dnsLookupStart(SmtpPhase p, String n, String ty) { throw new AssertionError("listener bug"); }
            @Override public void probeEnd(ProbeTarget t, ProbeResult r) { throw new AssertionError("listener bug"); }
        };

        ProbeResult r = new DomainProber(engine::session).probe(request(ProbeTarget.Kind.DOMAIN, "example.test").build(), throwing)
                .get(10, TimeUnit.SECONDS);

        assertThat(r.sessions()).singleElement().satisfies(s -> assertThat(s.succeeded()).isTrue());
    }

    /** Greets with 421 and answers QUIT with 221: a host that is up but not taking mail right now. */
    private static final class BusyServer implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();

        BusyServer(int port) throws IOException {
            socket = new ServerSocket(port, 5, InetAddress.getByName("127.0.0.2"));
            Thread t = new Thread(this::serve, "busy-smtp");
            t.setDaemon(true);
            t.start();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    connections.incrementAndGet();
                    OutputStream out = s.getOutputStream();
                    out.write("421 4.3.2 busy.example.test too busy, try later\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.toUpperCase().startsWith("QUIT")) {
                            out.write("221 2.0.0 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            break;
                        }
                        out.write("421 4.3.2 still busy\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
