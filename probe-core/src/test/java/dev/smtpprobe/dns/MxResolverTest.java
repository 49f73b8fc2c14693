package dev.smtpprobe.dns;

import dev.smtpprobe.model.AddressFamily;
import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.MxPlan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MxResolverTest {
    private FakeDnsServer server;

    @BeforeEach
    void setUp() {
        server = new FakeDnsServer();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private DnsClient client(Duration timeout, int retries) {
        return DnsClient.builder().resolver(server.resolverAddress()).timeout(timeout).retries(retries).build();
    }

    private MxPlan resolve(String domain, long seed, AddressFamily family) throws Exception {
        return new MxResolver(client(Duration.ofSeconds(2), 1), new Random(seed), ProbeEventListener.NONE)
                .resolve(domain, family).get(10, TimeUnit.SECONDS);
    }

    private static List<String> names(MxPlan plan) {
        return plan.hosts().stream().map(MxHost::name).toList();
    }

    @Test
    void sortsByPreferenceAndShufflesEqualPreferencesReproduciblyBySeed() throws Exception {
        server.zone("example.test")
                .mx(20, "backup.example.test").mx(10, "b.example.test").mx(5, "first.example.test")
                .mx(10, "a.example.test").mx(10, "c.example.test")
                .a("first.example.test", "127.0.0.1").a("a.example.test", "127.0.0.2")
                .a("b.example.test", "127.0.0.3").a("c.example.test", "127.0.0.4").a("backup.example.test", "127.0.0.5");
        server.start();

        MxPlan plan = resolve("example.test", 7, AddressFamily.ANY);
        assertThat(plan.kind()).isEqualTo(MxPlan.Kind.MX);
        assertThat(plan.hosts()).extracting(MxHost::preference).containsExactly(5, 10, 10, 10, 20);
        assertThat(names(plan).get(0)).isEqualTo("first.example.test");
        assertThat(names(plan).get(4)).isEqualTo("backup.example.test");
        assertThat(names(plan).subList(1, 4)).containsExactlyInAnyOrder("a.example.test", "b.example.test", "c.example.test");
        assertThat(plan.hosts().get(0).addresses()).containsExactly(InetAddress.getByName("127.0.0.1"));

        assertThat(names(resolve("example.test", 7, AddressFamily.ANY))).isEqualTo(names(plan));
        Set<List<String>> orders = new HashSet<>();
        for (long seed = 0; seed < 12; seed++) {
            orders.add(names(resolve("example.test", seed, AddressFamily.ANY)));
        }
        assertThat(orders).as("equal preferences are shuffled").hasSizeGreaterThan(1);
    }

    @Test
    void domainWithoutMxButWithAddressIsItsOwnImplicitMx() throws Exception {
        server.zone("example.test").a("example.test", "127.0.0.9").aaaa("example.test", "::1");
        server.start();

        MxPlan plan = resolve("example.test", 1, AddressFamily.ANY);
        assertThat(plan.kind()).isEqualTo(MxPlan.Kind.IMPLICIT);
        assertThat(plan.hosts()).singleElement().satisfies(h -> {
            assertThat(h.name()).isEqualTo("example.test");
            assertThat(h.preference()).isZero();
            assertThat(h.addresses()).containsExactly(InetAddress.getByName("127.0.0.9"), InetAddress.getByName("::1"));
        });
    }

    @Test
    void addressFamilyRestrictsTheQuestionsAsked() throws Exception {
        server.zone("example.test").mx(10, "mx.example.test")
                .a("mx.example.test", "127.0.0.9").aaaa("mx.example.test", "::1");
        server.start();

        MxPlan v6 = resolve("example.test", 1, AddressFamily.IPV6);
        assertThat(v6.hosts().get(0).addresses()).containsExactly(InetAddress.getByName("::1"));
        MxPlan v4 = resolve("example.test", 1, AddressFamily.IPV4);
        assertThat(v4.hosts().get(0).addresses()).containsExactly(InetAddress.getByName("127.0.0.9"));
        List<String> types = server.drainQueries().stream().map(q -> q.type()).toList();
        assertThat(types).containsExactly("MX", "AAAA", "MX", "A");
    }

    @Test
    void nullMxMeansNoMailAndNoAddressLookup() throws Exception {
        server.zone("example.test").nullMx().a("example.test", "127.0.0.9");
        server.start();

        MxPlan plan = resolve("example.test", 1, AddressFamily.ANY);
        assertThat(plan.kind()).isEqualTo(MxPlan.Kind.NULL_MX);
        assertThat(plan.hosts()).isEmpty();
        assertThat(server.queryCount()).isEqualTo(1);
    }

    @Test
    void nullMxMixedWithRealMxIsFlagged() throws Exception {
        server.zone("example.test").nullMx().mx(10, "mx.example.test").a("mx.example.test", "127.0.0.9");
        server.start();

        MxPlan plan = resolve("example.test", 1, AddressFamily.ANY);
        assertThat(plan.kind()).isEqualTo(MxPlan.Kind.MX);
        assertThat(plan.hosts().get(0).name()).isEqualTo("mx.example.test");
        assertThat(plan.hosts().get(1).problems()).singleElement().asString().contains("RFC 7505");
    }

    @Test
    void nxdomainFailsThePlan() throws Exception {
        server.zone("example.test");
        server.start();

        MxPlan plan = resolve("nowhere.example.test", 1, AddressFamily.ANY);
        assertThat(plan.kind()).isEqualTo(MxPlan.Kind.FAILED);
        assertThat(plan.failure()).get().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(DnsFailure.Kind.NXDOMAIN);
            assertThat(f.name()).isEqualTo("nowhere.example.test");
            assertThat(f.type()).isEqualTo("MX");
            assertThat(f.message()).contains("does not exist");
        });
    }

    @Test
    void domainWithNeitherMxNorAddressFailsWithNoRecords() throws Exception {
        server.zone("example.test").txt("example.test", "v=spf1 -all");
        server.start();

        MxPlan plan = resolve("example.test", 1, AddressFamily.ANY);
        assertThat(plan.kind()).isEqualTo(MxPlan.Kind.FAILED);
        assertThat(plan.failure().get().kind()).isEqualTo(DnsFailure.Kind.NO_RECORDS);
    }

    @Test
    void servfailFailsThePlan() throws Exception {
        server.zone("example.test").mx(10, "mx.example.test");
        server.servfail("example.test").start();

        MxPlan plan = resolve("example.test", 1, AddressFamily.ANY);
        assertThat(plan.kind()).isEqualTo(MxPlan.Kind.FAILED);
        assertThat(plan.failure().get().kind()).isEqualTo(DnsFailure.Kind.SERVFAIL);
    }

    @Test
    void timeoutAfterRetriesFailsThePlan() throws Exception {
        server.zone("example.test").mx(10, "mx.example.test");
        server.drop("example.test").start();

        MxPlan plan = new MxResolver(client(Duration.ofMillis(200), 1), new Random(1), ProbeEventListener.NONE)
                .resolve("example.test", AddressFamily.ANY).get(10, TimeUnit.SECONDS);
        assertThat(plan.kind()).isEqualTo(MxPlan.Kind.FAILED);
        assertThat(plan.failure().get().kind()).isEqualTo(DnsFailure.Kind.TIMEOUT);
        assertThat(server.queryCount()).as("first try plus one retry").isEqualTo(2);
    }

    @Test
    void truncatedUdpAnswerIsRetriedOverTcp() throws Exception {
        server.zone("example.test").mx(10, "mx.example.test").a("mx.example.test", "127.0.0.9");
        server.truncate("example.test").start();

        MxPlan plan = resolve("example.test", 1, AddressFamily.IPV4);
        assertThat(names(plan)).containsExactly("mx.example.test");
        List<FakeDnsServer.RecordedQuery> queries = server.drainQueries();
        assertThat(queries).extracting(q -> q.type() + "/" + q.transport())
                .containsExactly("MX/UDP", "MX/TCP", "A/UDP");
    }

    @Test
    void cnameMxTargetIsResolvedButFlagged() throws Exception {
        server.zone("example.test").mx(10, "alias.example.test")
                .cname("alias.example.test", "real.example.test").a("real.example.test", "127.0.0.9");
        server.start();

        MxHost host = resolve("example.test", 1, AddressFamily.IPV4).hosts().get(0);
        assertThat(host.addresses()).containsExactly(InetAddress.getByName("127.0.0.9"));
        assertThat(host.problems()).singleElement().asString().contains("CNAME").contains("real.example.test");
    }

    @Test
    void cnameToAnotherZoneIsChasedWithASecondQuestion() throws Exception {
        server.zone("example.test").mx(10, "alias.example.test").cname("alias.example.test", "mail.provider.test");
        server.zone("provider.test").a("mail.provider.test", "127.0.0.8");
        server.start();

        MxHost host = resolve("example.test", 1, AddressFamily.IPV4).hosts().get(0);
        assertThat(host.addresses()).containsExactly(InetAddress.getByName("127.0.0.8"));
        assertThat(host.problems()).singleElement().asString().contains("CNAME");
    }

    @Test
    void ipLiteralMxTargetIsRecordedAndNotResolved() throws Exception {
        server.zone("example.test").mx(10, "127.0.0.1");
        server.start();

        MxPlan plan = resolve("example.test", 1, AddressFamily.ANY);
        assertThat(plan.kind()).as("no usable exchanger").isEqualTo(MxPlan.Kind.FAILED);
        assertThat(plan.failure().get().message()).contains("none of the 1 MX host");
        MxHost host = plan.hosts().get(0);
        assertThat(host.addresses()).isEmpty();
        assertThat(host.problems()).singleElement().asString().contains("IP address literal");
        assertThat(host.addressFailure()).isPresent();
        assertThat(server.queryCount()).isEqualTo(1);
    }

    @Test
    void unresolvableMxTargetCarriesItsFailure() throws Exception {
        server.zone("example.test").mx(10, "gone.example.test").mx(20, "ok.example.test").a("ok.example.test", "127.0.0.9");
        server.start();

        MxPlan plan = resolve("example.test", 1, AddressFamily.ANY);
        assertThat(plan.hosts().get(0).addresses()).isEmpty();
        assertThat(plan.hosts().get(0).addressFailure().get().kind()).isEqualTo(DnsFailure.Kind.NXDOMAIN);
        assertThat(plan.hosts().get(1).addresses()).isNotEmpty();
    }

    @Test
    void mxHostsThatAllFailToResolveFailThePlanAndKeepTheHosts() throws Exception {
        server.zone("example.test").mx(10, "gone.example.test").mx(20, "broken.example.test")
                .a("broken.example.test", "127.0.0.1");
        server.servfail("broken.example.test").start();

        MxPlan plan = resolve("example.test", 1, AddressFamily.IPV4);
        assertThat(plan.kind()).isEqualTo(MxPlan.Kind.FAILED);
        assertThat(names(plan)).containsExactly("gone.example.test", "broken.example.test");
        assertThat(plan.failure().get().kind()).as("a temporary failure wins").isEqualTo(DnsFailure.Kind.SERVFAIL);
    }

    @Test
    void listenerSeesEveryLookupStartAndItsEnd() throws Exception {
        server.zone("example.test").mx(10, "mx.example.test").a("mx.example.test", "127.0.0.9");
        server.start();
        List<String> events = new CopyOnWriteArrayList<>();
        ProbeEventListener listener = new ProbeEventListener() {
            @Override
            public void dnsLookupStart(SmtpPhase phase, String name, String type) {
                events.add("start " + phase + " " + type + " " + name);
            }

            @Override
            public void dnsLookupEnd(SmtpPhase phase, String name, String type, int records, Duration elapsed) {
                events.add("end " + phase + " " + type + " " + name + " " + records);
            }

            @Override
            public void dnsLookupFailed(SmtpPhase phase, String name, String type, DnsFailure f, Duration elapsed) {
                events.add("failed " + phase + " " + type + " " + name + " " + f.kind());
            }
        };
        new MxResolver(client(Duration.ofSeconds(2), 0), new Random(1), listener)
                .resolve("example.test", AddressFamily.ANY).get(10, TimeUnit.SECONDS);

        assertThat(events).containsExactlyInAnyOrder(
                "start DNS_MX MX example.test", "end DNS_MX MX example.test 1",
                "start DNS_ADDRESS A mx.example.test", "end DNS_ADDRESS A mx.example.test 1",
                "start DNS_ADDRESS AAAA mx.example.test", "end DNS_ADDRESS AAAA mx.example.test 0");
        assertThat(events.get(0)).isEqualTo("start DNS_MX MX example.test");
    }
}
