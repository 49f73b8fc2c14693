package dev.smtpprobe.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import dev.smtpprobe.model.Blocklists;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.model.PostureCheck.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DNSBL answers decoded per zone, from real DNS packets of fixture blocklist zones on loopback. */
class BlocklistCheckerTest {
    private FakeDnsServer server;

    @BeforeEach
    void zones() {
        server = new FakeDnsServer();
        server.blocklist("zen.spamhaus.org")
                .listed("192.0.2.10", "127.0.0.2", "127.0.0.4").reason("192.0.2.10", "https://check.spamhaus.org/sbl/query/SBL1")
                .listed("192.0.2.11", "127.0.0.10")
                .listed("192.0.2.12", "127.255.255.254")
                .listed("2001:db8::25", "127.0.0.3");
        server.blocklist("bl.spamcop.net").listed("192.0.2.11", "127.0.0.2");
        server.blocklist("psbl.surriel.com");
        server.blocklist("rewrite.test").listed("192.0.2.10", "198.51.100.1");
        server.blocklist("custom.test").listed("192.0.2.13", "127.0.0.77");
        server.zone("slow.test");
        server.drop("10.2.0.192.slow.test");
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private BlocklistChecker checker() {
        return new BlocklistChecker(DnsClient.builder().resolver(server.resolverAddress())
                .timeout(Duration.ofMillis(700)).retries(0).build());
    }

    private static MxHost host(String name, String... addresses) throws Exception {
        List<InetAddress> list = new java.util.ArrayList<>();
        for (String a : addresses) {
            list.add(InetAddress.getByName(a));
        }
        return new MxHost(10, name, list, Optional.empty(), List.of());
    }

    private List<PostureCheck> mx(Blocklists options, MxHost... hosts) throws Exception {
        return checker().mxChecks(List.of(hosts), options).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSpamhausListingIsDecodedWithItsListsAndReason() throws Exception {
        List<PostureCheck> checks = mx(Blocklists.DEFAULT, host("mx1.example.com", "192.0.2.10"));

        PostureCheck zen = checks.stream().filter(c -> c.status() == Status.FAIL).findFirst().orElseThrow();
        assertThat(zen.id()).isEqualTo("dnsbl");
        assertThat(zen.subject()).isEqualTo("192.0.2.10");
        assertThat(zen.summary()).contains("192.0.2.10 (mx1.example.com) is listed in zen.spamhaus.org")
                .contains("SBL").contains("XBL");
        assertThat(zen.records()).contains("zen.spamhaus.org says: https://check.spamhaus.org/sbl/query/SBL1");
        assertThat(zen.remedy()).contains("https://check.spamhaus.org/");
        assertThat(checks).filteredOn(c -> c.status() == Status.PASS).singleElement()
                .satisfies(c -> assertThat(c.summary()).contains("not listed in bl.spamcop.net, psbl.surriel.com"));
    }

    @Test
    void aPolicyListingIsAWarningNotAFailure() throws Exception {
        List<PostureCheck> checks = mx(Blocklists.DEFAULT, host("mx2.example.com", "192.0.2.11"));

        assertThat(checks).filteredOn(c -> c.summary().contains("zen.spamhaus.org")).singleElement()
                .satisfies(c -> {
                    assertThat(c.status()).isEqualTo(Status.WARN);
                    assertThat(c.summary()).contains("PBL");
                });
        assertThat(checks).filteredOn(c -> c.summary().contains("bl.spamcop.net")).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(Status.WARN));
    }

    @Test
    void aRefusalCodeIsAQueryRefusedNeverAListing() throws Exception {
        List<PostureCheck> checks = mx(Blocklists.DEFAULT, host("mx3.example.com", "192.0.2.12"));

        PostureCheck zen = checks.stream().filter(c -> c.summary().contains("zen.spamhaus.org")).findFirst().orElseThrow();
        assertThat(zen.status()).isEqualTo(Status.ERROR);
        assertThat(zen.summary()).contains("refusal code, not a listing")
                .contains("use your own resolver or a data feed").doesNotContain("is listed");
    }

    @Test
    void anIpv6AddressIsAskedByNibblesOnlyWhereTheZoneListsIpv6() throws Exception {
        List<PostureCheck> checks = mx(Blocklists.DEFAULT, host("mx6.example.com", "2001:db8::25"));

        assertThat(checks).filteredOn(c -> c.status() == Status.FAIL).singleElement()
                .satisfies(c -> assertThat(c.summary()).contains("CSS"));
        assertThat(server.drainQueries()).extracting(FakeDnsServer.RecordedQuery::name)
                .anyMatch(n -> n.endsWith(".8.b.d.0.1.0.0.2.zen.spamhaus.org"))
                .noneMatch(n -> n.endsWith("spamcop.net") || n.endsWith("surriel.com"));
    }

    @Test
    void privateAndLoopbackAddressesAreNeverAsked() throws Exception {
        List<PostureCheck> checks = mx(Blocklists.DEFAULT, host("mx.internal", "127.0.0.1", "10.1.2.3", "fd00::1"));

        assertThat(checks).isEmpty();
        assertThat(server.queryCount()).isZero();
    }

    @Test
    void unknownZonesUseTheGenericMeaningsAndAnAnswerOutside127IsNoAnswer() throws Exception {
        Blocklists custom = Blocklists.DEFAULT.withZones(List.of("custom.test", "rewrite.test"));

        List<PostureCheck> listed = mx(custom, host("mx4.example.com", "192.0.2.13"));
        List<PostureCheck> rewritten = mx(custom, host("mx1.example.com", "192.0.2.10"));

        assertThat(listed).filteredOn(c -> c.status() == Status.WARN).singleElement()
                .satisfies(c -> assertThat(c.summary()).contains("listed in custom.test"));
        assertThat(rewritten).filteredOn(c -> c.status() == Status.ERROR).singleElement()
                .satisfies(c -> assertThat(c.summary()).contains("198.51.100.1").contains("no blocklist answer"));
    }

    @Test
    void aZoneThatDoesNotAnswerIsAFailedLookup() throws Exception {
        List<PostureCheck> checks = mx(Blocklists.DEFAULT.withZones(List.of("slow.test")),
                host("mx1.example.com", "192.0.2.10"));

        assertThat(checks).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.ERROR);
            assertThat(c.summary()).contains("slow.test lookup").contains("failed");
        });
    }

    @Test
    void theSendingAddressIsCheckedUnderItsOwnId() throws Exception {
        Blocklists options = Blocklists.DEFAULT.withSendingAddress(InetAddress.getByName("192.0.2.10"));

        List<PostureCheck> checks = checker().senderChecks(options).get(10, TimeUnit.SECONDS);

        assertThat(checks).extracting(PostureCheck::id).containsOnly("dnsbl-sender");
        assertThat(checks).anySatisfy(c -> {
            assertThat(c.status()).isEqualTo(Status.FAIL);
            assertThat(c.summary()).contains("your sending address");
        });
    }

    @Test
    void disabledAsksNothing() throws Exception {
        assertThat(mx(Blocklists.NONE, host("mx1.example.com", "192.0.2.10"))).isEmpty();
        assertThat(server.queryCount()).isZero();
    }

    @Test
    void zonesThatRefusePublicResolversAreNotAskedThroughOne() throws Exception {
        BlocklistZones data = BlocklistZones.standard();
        assertThat(data.publicResolver(List.of(new InetSocketAddress("8.8.8.8", 53))))
                .hasValue("8.8.8.8 (Google Public DNS)");
        assertThat(data.publicResolver(List.of(new InetSocketAddress("2606:4700:4700::1111", 53))))
                .hasValue("2606:4700:4700::1111 (Cloudflare)");
        assertThat(data.publicResolver(List.of(server.resolverAddress()))).isEmpty();
        assertThat(data.zone("zen.spamhaus.org").refusesPublicResolvers()).isTrue();
        assertThat(data.zone("bl.spamcop.net").refusesPublicResolvers()).isFalse();
        assertThat(data.defaults()).startsWith("zen.spamhaus.org").doesNotContain("b.barracudacentral.org");
    }

    @Test
    void queryNamesFollowRfc5782() throws Exception {
        assertThat(BlocklistChecker.queryName(InetAddress.getByName("192.0.2.99"), "zen.spamhaus.org"))
                .isEqualTo("99.2.0.192.zen.spamhaus.org");
        assertThat(BlocklistChecker.queryName(InetAddress.getByName("2001:db8:1:2:3:4:567:89ab"), "x.test"))
                .isEqualTo("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.x.test");
    }
}
