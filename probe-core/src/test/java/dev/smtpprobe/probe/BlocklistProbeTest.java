package dev.smtpprobe.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.SmtpProber;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Finding;
import dev.smtpprobe.diagnosis.Severity;
import dev.smtpprobe.diagnosis.Verdict;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import dev.smtpprobe.model.Blocklists;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.Timeouts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Blocklist checks end to end through DomainProber: the MX record names a public (documentation) address, whose
 * blocklist answers come from fixture zones; the SMTP session itself is redirected to the scripted server on
 * loopback, so nothing but loopback is ever dialled.
 */
class BlocklistProbeTest {
    private static SmtpProber engine;
    private FakeDnsServer dns;
    private MockSmtpServer smtp;

    @BeforeAll
    static void startEngine() {
        engine = SmtpProber.builder().threads(1).build();
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        dns = new FakeDnsServer();
        dns.zone("example.test").mx(10, "mx.example.test").a("mx.example.test", "192.0.2.10")
                .txt("example.test", "v=spf1 mx -all").txt("_dmarc.example.test", "v=DMARC1; p=reject");
        dns.blocklist("zen.spamhaus.org").listed("192.0.2.10", "127.0.0.10").listed("203.0.113.7", "127.0.0.2");
        dns.blocklist("bl.spamcop.net");
        dns.blocklist("psbl.surriel.com");
        dns.start();
        smtp = new MockSmtpServer().start();
    }

    @AfterEach
    void tearDown() {
        dns.close();
        smtp.close();
    }

    private ProbeResult probe(Blocklists blocklists) throws Exception {
        ProbeTarget target = TargetParser.parseMailTarget("example.test", 25);
        ProbeRequest request = ProbeRequest.builder(target)
                .resolvers(List.of(dns.resolverAddress())).dnsTimeout(Duration.ofSeconds(2)).dnsRetries(0)
                .ehloName("probe.test").startTls(StartTlsPolicy.NEVER)
                .timeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2),
                        Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(10)))
                .blocklists(blocklists)
                .build();
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), smtp.port());
        DomainProber prober = new DomainProber(r -> engine.session(r.toBuilder().address(loopback).build()));
        return prober.probe(request).get(30, TimeUnit.SECONDS);
    }

    private static Optional<Finding> finding(Diagnosis d, String id) {
        return d.findings().stream().filter(f -> f.id().equals(id)).findFirst();
    }

    @Test
    void aListedMxAddressIsAWarningWhileMailStillFlows() throws Exception {
        ProbeResult result = probe(Blocklists.DEFAULT);
        Diagnosis d = DiagnosisEngine.standard().diagnose(result);

        assertThat(result.posture()).filteredOn(c -> c.id().equals("dnsbl")).extracting(PostureCheck::status)
                .containsExactlyInAnyOrder(PostureCheck.Status.PASS, PostureCheck.Status.WARN);
        Finding listed = finding(d, "mx-blocklisted").orElseThrow();
        assertThat(listed.severity()).isEqualTo(Severity.WARNING);
        assertThat(listed.detail()).contains("192.0.2.10 (mx.example.test) is listed in zen.spamhaus.org").contains("PBL");
        assertThat(d.verdict()).isEqualTo(Verdict.WARNING);
    }

    @Test
    void aSendingAddressOnTheSblIsCritical() throws Exception {
        ProbeResult result = probe(Blocklists.DEFAULT.withSendingAddress(InetAddress.getByName("203.0.113.7")));
        Diagnosis d = DiagnosisEngine.standard().diagnose(result);

        Finding sender = finding(d, "sender-blocklisted").orElseThrow();
        assertThat(sender.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(sender.detail()).contains("203.0.113.7 (your sending address)").contains("SBL");
        assertThat(d.verdict()).isEqualTo(Verdict.CRITICAL);
    }

    @Test
    void noDnsblAsksNoBlocklist() throws Exception {
        ProbeResult result = probe(Blocklists.NONE);

        assertThat(result.posture()).noneMatch(c -> c.id().startsWith("dnsbl"));
        assertThat(dns.drainQueries()).noneMatch(q -> q.name().endsWith("spamhaus.org"));
    }
}
