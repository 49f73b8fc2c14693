package dev.smtpprobe.dns;

import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.TransportSecurityOptions;
import dev.smtpprobe.model.PostureCheck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.PostureCheck.Status;
import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostureCheckerTest {
    private static final String SHA256 = "a".repeat(64);
    private FakeDnsServer server;
    private FakeDnsServer.Zone zone;

    @BeforeEach
    void setUp() {
        server = new FakeDnsServer();
        zone = server.zone("example.test");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private PostureChecker checker() {
        server.start();
        return new PostureChecker(DnsClient.builder().resolver(server.resolverAddress())
                .timeout(Duration.ofSeconds(2)).retries(0).build());
    }

    private static PostureCheck get(CompletableFuture<PostureCheck> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    // ---- SPF ----

    @Test
    void spfGood() throws Exception {
        zone.txt("example.test", "v=spf1 mx ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.test -all")
                .txt("_spf.example.test", "v=spf1 a:out.example.test ~all");
        PostureCheck c = get(checker().spf("example.test"));
        assertThat(c.id()).isEqualTo("spf");
        assertThat(c.status()).as(c.summary()).isEqualTo(Status.PASS);
        assertThat(c.summary()).contains("-all").contains("3 of 10");
        assertThat(c.records()).hasSize(1);
    }

    @Test
    void spfMissingIsAWarning() throws Exception {
        zone.txt("example.test", "google-site-verification=abc");
        PostureCheck c = get(checker().spf("example.test"));
        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.summary()).contains("No SPF record");
        assertThat(c.remedy()).contains("v=spf1");
    }

    @Test
    void twoSpfRecordsFail() throws Exception {
        zone.txt("example.test", "v=spf1 mx -all").txt("example.test", "v=spf1 a -all");
        PostureCheck c = get(checker().spf("example.test"));
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.records()).hasSize(2);
    }

    @Test
    void plusAllFailsAndSoDoesBareAll() throws Exception {
        zone.txt("example.test", "v=spf1 mx +all").txt("bare.example.test", "v=spf1 all");
        PostureChecker checker = checker();
        PostureCheck c = get(checker.spf("example.test"));
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.summary()).contains("+all");
        assertThat(get(checker.spf("bare.example.test")).status()).isEqualTo(Status.FAIL);
    }

    @Test
    void overTheLookupLimitThroughAnIncludeChainFails() throws Exception {
        // 1 include at the top, then each level has a, mx and one more include: 1 + 3 + 3 + 3 + 2 = 12 > 10
        zone.txt("example.test", "v=spf1 include:l1.example.test -all")
                .txt("l1.example.test", "v=spf1 a mx include:l2.example.test ~all")
                .txt("l2.example.test", "v=spf1 a mx include:l3.example.test ~all")
                .txt("l3.example.test", "v=spf1 a mx include:l4.example.test ~all")
                .txt("l4.example.test", "v=spf1 a mx ~all");
        PostureCheck c = get(checker().spf("example.test"));
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.summary()).contains("more than 10");
        assertThat(c.remedy()).contains("Flatten");
    }

    @Test
    void includeLoopIsBounded() throws Exception {
        zone.txt("example.test", "v=spf1 include:loop.example.test -all")
                .txt("loop.example.test", "v=spf1 include:loop.example.test -all");
        PostureCheck c = get(checker().spf("example.test"));
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(server.queryCount()).isLessThanOrEqualTo(12);
    }

    @Test
    void spfSyntaxErrorsAndMissingIncludeTargetFail() throws Exception {
        zone.txt("example.test", "v=spf1 ip4:300.1.1.1 foo:bar include:nospf.example.test -all")
                .txt("nospf.example.test", "hello");
        PostureCheck c = get(checker().spf("example.test"));
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.summary()).contains("ip4:300.1.1.1").contains("foo:bar").contains("no SPF record");
    }

    @Test
    void redirectIsFollowed() throws Exception {
        zone.txt("example.test", "v=spf1 redirect=_spf.example.test")
                .txt("_spf.example.test", "v=spf1 mx -all");
        PostureCheck c = get(checker().spf("example.test"));
        assertThat(c.status()).as(c.summary()).isEqualTo(Status.PASS);
        assertThat(c.summary()).contains("2 of 10");
    }

    // ---- DMARC ----

    @Test
    void dmarcRejectPasses() throws Exception {
        zone.txt("_dmarc.example.test", "v=DMARC1; p=reject; rua=mailto:d@example.test; adkim=s; pct=100");
        PostureCheck c = get(checker().dmarc("example.test"));
        assertThat(c.id()).isEqualTo("dmarc");
        assertThat(c.subject()).isEqualTo("_dmarc.example.test");
        assertThat(c.status()).as(c.summary()).isEqualTo(Status.PASS);
        assertThat(c.summary()).contains("p=reject").contains("mailto:d@example.test");
    }

    @Test
    void dmarcNoneIsAWarning() throws Exception {
        zone.txt("_dmarc.example.test", "v=DMARC1; p=none");
        PostureCheck c = get(checker().dmarc("example.test"));
        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.summary()).contains("p=none").contains("no aggregate reports");
    }

    @Test
    void dmarcMissingIsAWarning() throws Exception {
        PostureCheck c = get(checker().dmarc("example.test"));
        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.summary()).contains("No DMARC record");
    }

    @Test
    void dmarcSyntaxErrorsFail() throws Exception {
        zone.txt("_dmarc.example.test", "p=reject; v=DMARC1; rua=d@example.test")
                .txt("_dmarc.bad.example.test", "v=DMARC1; p=block")
                .txt("_dmarc.nop.example.test", "v=DMARC1; rua=mailto:a@example.test");
        PostureChecker checker = checker();
        PostureCheck c = get(checker.dmarc("example.test"));
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.summary()).contains("must begin with v=DMARC1").contains("not a mailto: or https: URI");
        assertThat(get(checker.dmarc("bad.example.test")).summary()).contains("p=block");
        assertThat(get(checker.dmarc("nop.example.test")).summary()).contains("p= (the policy) is missing");
    }

    @Test
    void subdomainWithoutDmarcIsCoveredByItsOrganisationalDomain() throws Exception {
        zone.txt("_dmarc.example.test", "v=DMARC1; p=reject; rua=mailto:d@example.test");
        PostureCheck c = get(checker().dmarc("mail.sub.example.test"));
        assertThat(c.status()).as(c.summary()).isEqualTo(Status.PASS);
        assertThat(c.subject()).isEqualTo("_dmarc.example.test");
        assertThat(c.summary()).contains("No record at _dmarc.mail.sub.example.test")
                .contains("organisational domain example.test").contains("p=reject");
        assertThat(server.drainQueries()).extracting(FakeDnsServer.RecordedQuery::name)
                .as("the walk stops at the first parent with a record and never asks the TLD")
                .containsExactly("_dmarc.mail.sub.example.test", "_dmarc.sub.example.test", "_dmarc.example.test");
    }

    @Test
    void organisationalSubdomainPolicyIsTheOneThatApplies() throws Exception {
        zone.txt("_dmarc.example.test", "v=DMARC1; p=reject; sp=none");
        PostureCheck c = get(checker().dmarc("sub.example.test"));
        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.summary()).contains("sp=none");
    }

    @Test
    void noDmarcAnywhereUpTheTreeIsAWarningAboutTheDomainAsked() throws Exception {
        PostureCheck c = get(checker().dmarc("sub.example.test"));
        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.subject()).isEqualTo("_dmarc.sub.example.test");
        assertThat(c.summary()).contains("nor at any parent domain");
    }

    @Test
    void twoDmarcRecordsFail() throws Exception {
        zone.txt("_dmarc.example.test", "v=DMARC1; p=reject").txt("_dmarc.example.test", "v=DMARC1; p=none");
        assertThat(get(checker().dmarc("example.test")).status()).isEqualTo(Status.FAIL);
    }

    // ---- MTA-STS and TLS-RPT ----

    @Test
    void mtaStsAndTlsRptGood() throws Exception {
        zone.txt("_mta-sts.example.test", "v=STSv1; id=20240101T000000;")
                .txt("_smtp._tls.example.test", "v=TLSRPTv1; rua=mailto:tls@example.test,https://r.example.test/tls");
        PostureChecker checker = checker();
        PostureCheck sts = get(checker.mtaSts("example.test"));
        assertThat(sts.status()).as(sts.summary()).isEqualTo(Status.PASS);
        assertThat(sts.summary()).contains("20240101T000000");
        PostureCheck rpt = get(checker.tlsRpt("example.test"));
        assertThat(rpt.status()).as(rpt.summary()).isEqualTo(Status.PASS);
        assertThat(rpt.id()).isEqualTo("tls-rpt");
    }

    @Test
    void mtaStsAndTlsRptBroken() throws Exception {
        zone.txt("_mta-sts.example.test", "v=STSv1; id=not-alnum-and-way-too-long-for-an-id-000")
                .txt("_smtp._tls.example.test", "v=TLSRPTv1; rua=tls@example.test");
        PostureChecker checker = checker();
        PostureCheck sts = get(checker.mtaSts("example.test"));
        assertThat(sts.status()).isEqualTo(Status.FAIL);
        assertThat(sts.summary()).contains("id=");
        PostureCheck rpt = get(checker.tlsRpt("example.test"));
        assertThat(rpt.status()).isEqualTo(Status.FAIL);
        assertThat(rpt.summary()).contains("tls@example.test");
    }

    @Test
    void mtaStsWithoutIdAndAbsentRecordsAreDistinguished() throws Exception {
        zone.txt("_mta-sts.example.test", "v=STSv1;");
        PostureChecker checker = checker();
        assertThat(get(checker.mtaSts("example.test")).summary()).contains("id= is missing");
        assertThat(get(checker.mtaSts("other.example.test")).status()).isEqualTo(Status.INFO);
        assertThat(get(checker.tlsRpt("example.test")).status()).isEqualTo(Status.INFO);
    }

    // ---- TLSA through a resolver whose AD bit is trusted (signed zones and local validation: TlsaDnssecTest) ----

    private PostureChecker checkerTrustingAd() {
        server.start();
        return new PostureChecker(DnsClient.builder().resolver(server.resolverAddress())
                .timeout(Duration.ofSeconds(2)).retries(0)
                .dnssec(TransportSecurityOptions.DnssecMode.RESOLVER_AD, Optional.empty()).build());
    }

    @Test
    void tlsaWithAdBitPasses() throws Exception {
        zone.a("mx.example.test", "127.0.0.1").tlsa("_25._tcp.mx.example.test", 3, 1, 1, SHA256);
        server.authenticateAll(true);
        PostureCheck c = get(checkerTrustingAd().tlsa("mx.example.test", 25));
        assertThat(c.status()).as(c.summary()).isEqualTo(Status.PASS);
        assertThat(c.records()).containsExactly("3 1 1 " + SHA256);
        assertThat(server.takeQuery().dnssecOk()).as("asked with the DO bit").isTrue();
    }

    @Test
    void tlsaWithoutAdBitFromAResolverTrustedForItCannotBeJudged() throws Exception {
        zone.a("mx.example.test", "127.0.0.1").tlsa("_25._tcp.mx.example.test", 3, 1, 1, SHA256);
        PostureCheck c = get(checkerTrustingAd().tlsa("mx.example.test", 25));
        assertThat(c.status()).as(c.summary()).isEqualTo(Status.INFO);
        assertThat(c.summary()).contains("could not be judged").contains("did not set the AD bit")
                .contains("says nothing against the domain");
    }

    @Test
    void noTlsaIsInfoAndMalformedTlsaFails() throws Exception {
        zone.a("mx.example.test", "127.0.0.1").a("bad.example.test", "127.0.0.1")
                .tlsa("_25._tcp.bad.example.test", 3, 1, 1, "abcd");
        server.authenticateAll(true);
        PostureChecker checker = checkerTrustingAd();
        assertThat(get(checker.tlsa("mx.example.test", 25)).status()).isEqualTo(Status.INFO);
        PostureCheck bad = get(checker.tlsa("bad.example.test", 25));
        assertThat(bad.status()).isEqualTo(Status.FAIL);
        assertThat(bad.summary()).contains("32 bytes");
    }

    @Test
    void tlsaLookupFailureIsAnError() throws Exception {
        zone.tlsa("_25._tcp.mx.example.test", 3, 1, 1, SHA256);
        server.servfail("_25._tcp.mx.example.test");
        assertThat(get(checkerTrustingAd().tlsa("mx.example.test", 25)).status()).isEqualTo(Status.ERROR);
    }

    // ---- PTR / FCrDNS ----

    @Test
    void ptrForwardConfirmed() throws Exception {
        zone.a("mx.example.test", "127.0.0.2").ptr("127.0.0.2", "mx.example.test");
        PostureCheck c = get(checker().ptr(InetAddress.getByName("127.0.0.2")));
        assertThat(c.id()).isEqualTo("ptr");
        assertThat(c.subject()).isEqualTo("127.0.0.2");
        assertThat(c.status()).as(c.summary()).isEqualTo(Status.PASS);
        assertThat(c.records()).containsExactly("mx.example.test");
    }

    @Test
    void ptrMismatchAndMissingPtrWarn() throws Exception {
        zone.a("mx.example.test", "127.0.0.9").ptr("127.0.0.2", "mx.example.test");
        PostureChecker checker = checker();
        PostureCheck mismatch = get(checker.ptr(InetAddress.getByName("127.0.0.2")));
        assertThat(mismatch.status()).isEqualTo(Status.WARN);
        assertThat(mismatch.summary()).contains("not forward-confirmed").contains("127.0.0.9");
        PostureCheck missing = get(checker.ptr(InetAddress.getByName("127.0.0.3")));
        assertThat(missing.status()).isEqualTo(Status.WARN);
        assertThat(missing.summary()).contains("No PTR");
    }

    @Test
    void domainAndHostChecksCoverEverything() throws Exception {
        zone.txt("example.test", "v=spf1 -all").a("mx.example.test", "127.0.0.2").ptr("127.0.0.2", "mx.example.test");
        PostureChecker checker = checker();
        List<PostureCheck> domain = checker.domainChecks("example.test").get(10, TimeUnit.SECONDS);
        assertThat(domain).extracting(PostureCheck::id).containsExactly("spf", "dmarc", "mta-sts", "tls-rpt");
        MxHost host = new MxHost(10, "mx.example.test", List.of(InetAddress.getByName("127.0.0.2")), Optional.empty(), List.of());
        List<PostureCheck> hosts = checker.hostChecks(List.of(host), 25).get(10, TimeUnit.SECONDS);
        assertThat(hosts).extracting(PostureCheck::id).containsExactly("tlsa", "ptr");
        assertThat(hosts.get(0).subject()).isEqualTo("_25._tcp.mx.example.test");
    }
}
