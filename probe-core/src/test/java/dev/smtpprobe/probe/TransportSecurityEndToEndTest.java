package dev.smtpprobe.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.SmtpProber;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Finding;
import dev.smtpprobe.diagnosis.Severity;
import dev.smtpprobe.fixtures.HeldCertificate;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.MtaStsPolicyServer;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import dev.smtpprobe.model.DaneVerdict;
import dev.smtpprobe.model.DnssecResult;
import dev.smtpprobe.model.HostTransport;
import dev.smtpprobe.model.MtaStsResult;
import dev.smtpprobe.model.MtaStsVerdict;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.Timeouts;
import dev.smtpprobe.model.TransportSecurityOptions;
import dev.smtpprobe.report.ReportOptions;
import dev.smtpprobe.report.TextReport;
import dev.smtpprobe.tls.DaneMatcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path, as a strict sender sees it: zones signed at test time and served over real DNS packets, the
 * probe's own DNSSEC validation from the test root's trust anchor, a real STARTTLS session with a generated
 * certificate, and an HTTPS MTA-STS policy host, all on loopback. A matching TLSA record, a mismatched one, an
 * unsigned zone and a bogus answer give four different verdicts; an enforce policy that misses an MX is critical.
 */
class TransportSecurityEndToEndTest {
    private static final Timeouts FAST = new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(3),
            Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(15));
    private static SmtpProber engine;
    private static FakeDnsServer dns;
    private static MockSmtpServer smtp;
    private static MtaStsPolicyServer policyHost;
    private static Path anchor;
    private static Path caFile;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        engine = SmtpProber.builder().threads(1).build();
        TestCertificates.Authority ca = TestCertificates.newAuthority("transport test CA");
        caFile = ca.writePem(dir.resolve("ca.pem"));
        smtp = new MockSmtpServer().hostName("mx.test").authMechanisms();
        smtp.start();
        policyHost = new MtaStsPolicyServer(ca.issue("mta-sts.sts.test"))
                .serve(MtaStsPolicyServer.Response.policy(
                        "version: STSv1\nmode: enforce\nmx: mx1.sts.test\nmax_age: 604800\n"))
                .start();
        HeldCertificate served = ca.issue("mx1.sts.test", "mx2.sts.test", "mx.good.test");
        smtp.startTls(served);
        String tlsa = "_" + smtp.port() + "._tcp.";
        String match = DaneMatcher.spkiSha256(served.certificate());
        dns = new FakeDnsServer();
        dns.zone("good.test").mx(10, "mx.good.test").a("mx.good.test", "127.0.0.1")
                .tlsa(tlsa + "mx.good.test", 3, 1, 1, match);
        dns.zone("bad.test").mx(10, "mx.bad.test").a("mx.bad.test", "127.0.0.1")
                .tlsa(tlsa + "mx.bad.test", 3, 1, 1, "ab".repeat(32));
        dns.zone("plain.test").mx(10, "mx.plain.test").a("mx.plain.test", "127.0.0.1")
                .tlsa(tlsa + "mx.plain.test", 3, 1, 1, "ab".repeat(32));
        dns.zone("broken.test").mx(10, "mx.broken.test").a("mx.broken.test", "127.0.0.1")
                .tlsa(tlsa + "mx.broken.test", 3, 1, 1, match);
        dns.zone("sts.test").mx(10, "mx1.sts.test").mx(20, "mx2.sts.test")
                .a("mx1.sts.test", "127.0.0.1").a("mx2.sts.test", "127.0.0.1")
                .txt("_mta-sts.sts.test", "v=STSv1; id=20260101T000000;")
                .a("mta-sts.sts.test", "127.0.0.1");
        dns.zone("test");
        for (String zone : List.of("good.test", "bad.test", "broken.test", "sts.test")) {
            dns.sign(zone);
        }
        FakeDnsServer.SignedZone root = dns.sign("test");
        dns.replaceAfterSigning(tlsa + "mx.broken.test. 300 IN TLSA 3 1 1 " + "cd".repeat(32));
        dns.start();
        anchor = Files.writeString(dir.resolve("anchor.txt"), root.trustAnchor(), StandardCharsets.US_ASCII);
    }

    @AfterAll
    static void stop() {
        engine.close();
        dns.close();
        smtp.close();
        policyHost.close();
    }

    private static ProbeResult probe(String domain) throws Exception {
        ProbeTarget target = new ProbeTarget(domain, ProbeTarget.Kind.DOMAIN, domain, domain, Optional.empty(),
                smtp.port());
        ProbeRequest request = ProbeRequest.builder(target).resolvers(List.of(dns.resolverAddress()))
                .dnsTimeout(Duration.ofSeconds(3)).dnsRetries(0).ehloName("probe.test").timeouts(FAST)
                .caFile(caFile).shuffleSeed(1)
                .transportSecurity(TransportSecurityOptions.DEFAULTS.withTrustAnchorFile(anchor)
                        .withMtaStsPolicyPortForTesting(policyHost.port()))
                .build();
        return engine.probe(request).get(60, TimeUnit.SECONDS);
    }

    private static HostTransport only(ProbeResult r) {
        assertThat(r.transport().hosts()).as("%s", r.sessions()).hasSize(1);
        return r.transport().hosts().get(0);
    }

    private static List<String> ids(Diagnosis d, Severity severity) {
        return d.findings().stream().filter(f -> f.severity() == severity).map(Finding::id).toList();
    }

    @Test
    void aMatchingTlsaRecordInASignedZoneMeansDaneSendersDeliver() throws Exception {
        ProbeResult r = probe("good.test");
        assertThat(r.transport().mxDnssec()).get().extracting(DnssecResult::status).isEqualTo(DnssecResult.Status.SECURE);
        DaneVerdict dane = only(r).dane();
        assertThat(dane.outcome()).as(dane.reason()).isEqualTo(DaneVerdict.Outcome.DELIVERS);
        assertThat(dane.matched()).get().asString().startsWith("3 1 1 ");
        Diagnosis d = DiagnosisEngine.standard().diagnose(r);
        assertThat(ids(d, Severity.CRITICAL)).doesNotContain("dane-no-match");
        assertThat(posture(r, "tlsa").status()).isEqualTo(PostureCheck.Status.PASS);
        String text = new TextReport(null, ReportOptions.DEFAULTS).render(r, d);
        assertThat(text).contains("DANE sender: delivers").contains("MTA-STS sender: not used")
                .contains("IN TLSA 3 1 1 " + dane.presentedKeyRecord().get().substring(6));
    }

    @Test
    void aMismatchedTlsaRecordIsCriticalBecauseDaneSendersDefer() throws Exception {
        ProbeResult r = probe("bad.test");
        DaneVerdict dane = only(r).dane();
        assertThat(dane.outcome()).as(dane.reason()).isEqualTo(DaneVerdict.Outcome.DEFERS);
        Diagnosis d = DiagnosisEngine.standard().diagnose(r);
        assertThat(ids(d, Severity.CRITICAL)).contains("dane-no-match");
        Finding f = d.findings().stream().filter(x -> x.id().equals("dane-no-match")).findFirst().orElseThrow();
        assertThat(f.remedy()).as("rollover help: the record for the key in use")
                .contains("IN TLSA " + dane.presentedKeyRecord().get());
        assertThat(new TextReport(null, ReportOptions.DEFAULTS).render(r, d)).contains("DANE sender: defers");
    }

    @Test
    void tlsaInAnUnsignedZoneIsAWarningAndDaneIsNotUsed() throws Exception {
        ProbeResult r = probe("plain.test");
        assertThat(only(r).dane().outcome()).isEqualTo(DaneVerdict.Outcome.NOT_USED);
        PostureCheck tlsa = posture(r, "tlsa");
        assertThat(tlsa.status()).isEqualTo(PostureCheck.Status.WARN);
        assertThat(tlsa.summary()).contains("not DNSSEC-signed");
        Diagnosis d = DiagnosisEngine.standard().diagnose(r);
        assertThat(ids(d, Severity.WARNING)).contains("posture-tlsa-warn");
        assertThat(ids(d, Severity.CRITICAL)).noneMatch(id -> id.startsWith("dane-"));
    }

    @Test
    void aBogusTlsaAnswerIsCriticalAndToldApartFromAMismatch() throws Exception {
        ProbeResult r = probe("broken.test");
        DaneVerdict dane = only(r).dane();
        assertThat(dane.outcome()).isEqualTo(DaneVerdict.Outcome.DEFERS);
        assertThat(r.transport().tlsa().get(0).tlsaDnssec().status()).isEqualTo(DnssecResult.Status.BOGUS);
        Diagnosis d = DiagnosisEngine.standard().diagnose(r);
        assertThat(ids(d, Severity.CRITICAL)).contains("dane-tlsa-lookup-failed", "posture-tlsa-fail")
                .doesNotContain("dane-no-match");
    }

    @Test
    void anEnforcePolicyThatMissesAnMxIsCriticalAndNamesTheMx() throws Exception {
        ProbeResult r = probe("sts.test");
        MtaStsResult sts = r.transport().mtaSts().orElseThrow();
        assertThat(sts.fetch()).as("%s", sts.problems()).isEqualTo(MtaStsResult.Fetch.FETCHED);
        assertThat(sts.recordId()).contains("20260101T000000");
        MtaStsVerdict mx1 = only(r).mtaSts();
        assertThat(mx1.outcome()).as(mx1.reason()).isEqualTo(MtaStsVerdict.Outcome.DELIVERS);
        Diagnosis d = DiagnosisEngine.standard().diagnose(r);
        Finding missing = d.findings().stream().filter(f -> f.id().equals("mta-sts-mx-not-in-policy"))
                .findFirst().orElseThrow();
        assertThat(missing.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(missing.host()).contains("mx2.sts.test");
        assertThat(missing.detail()).contains("mx2.sts.test").contains("refuse");
        assertThat(ids(d, Severity.WARNING)).as("MTA-STS without TLS-RPT").contains("tls-rpt-missing");
        assertThat(new TextReport(null, ReportOptions.DEFAULTS).render(r, d)).contains("MTA-STS sender: delivers");
    }

    private static PostureCheck posture(ProbeResult r, String id) {
        return r.posture().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }
}
