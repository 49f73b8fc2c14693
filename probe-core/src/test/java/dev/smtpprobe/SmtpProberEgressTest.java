package dev.smtpprobe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Finding;
import dev.smtpprobe.diagnosis.Verdict;
import dev.smtpprobe.fixtures.RecordedProxyHeader;
import dev.smtpprobe.fixtures.socks.RecordedSocksRequest;
import dev.smtpprobe.fixtures.socks.Socks5Server;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.ProxyProtocol;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SessionFailure;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SocksProxy;
import dev.smtpprobe.model.Timeouts;
import dev.smtpprobe.probe.TargetParser;
import dev.smtpprobe.report.JsonReport;
import dev.smtpprobe.report.TextReport;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Egress: sessions through a SOCKS5 proxy (the {@link Socks5Server} fixture, on loopback, relaying to the
 * MockSmtpServer) and with a PROXY protocol header first (the MockSmtpServer decoding it with Netty's decoder).
 * Every broken proxy ends in a finding at CONNECT, in words, within the connect limit.
 */
class SmtpProberEgressTest extends SessionTestSupport {

    private static final String PASSWORD = "pr0xy-s3cret-\u00e9";
    private Socks5Server socks;

    @AfterEach
    void closeSocks() {
        if (socks != null) {
            socks.close();
        }
    }

    private static SocksProxy proxy(Socks5Server s, String user) {
        return SocksProxy.parse("socks5://" + (user == null ? "" : user + "@") + "127.0.0.1:" + s.port(),
                user == null ? Optional.empty() : Optional.of(PASSWORD));
    }

    private static void assertFailure(SessionResult r, ProbeStatus status, String... words) {
        assertThat(r.failure()).as("failure of %s", transcriptText(r)).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(status);
            assertThat(f.phase()).isEqualTo(SmtpPhase.CONNECT);
            assertThat(f.message()).contains(words).doesNotContain("Exception", "io.netty", PASSWORD);
        });
        assertThat(transcriptText(r)).doesNotContain(PASSWORD);
    }

    // ---------------------------------------------------------------- SOCKS5

    @Test
    void noAuthenticationRelaysTheWholeSession() throws Exception {
        server.start();
        socks = Socks5Server.start();
        SessionResult r = run(request().proxy(proxy(socks, null)).quitAfter(QuitAfter.EHLO).build());
        assertThat(r.failure()).as(transcriptText(r)).isEmpty();
        assertThat(r.politeEnd()).isTrue();
        assertThat(server.takeCommand().verb()).isEqualTo("EHLO");
        RecordedSocksRequest req = socks.takeRequest();
        assertThat(req.method()).hasValue("NO_AUTH");
        assertThat(req.user()).isEmpty();
        // DNS stays ours: the target goes to the proxy as an IP address, never a name.
        assertThat(req.addressType()).hasValue("IPv4");
        assertThat(req.targetAddress()).hasValue("127.0.0.1");
        assertThat(req.targetPort()).isEqualTo(server.port());
        assertThat(transcriptText(r)).contains("through the SOCKS proxy 127.0.0.1:" + socks.port(),
                "(no authentication)");
        listener.assertPaired();
    }

    @Test
    void userAndPasswordAccepted() throws Exception {
        server.start();
        socks = Socks5Server.start().requirePassword("probe", PASSWORD);
        SessionResult r = run(request().proxy(proxy(socks, "probe")).quitAfter(QuitAfter.EHLO).build());
        assertThat(r.failure()).as(transcriptText(r)).isEmpty();
        RecordedSocksRequest req = socks.takeRequest();
        assertThat(req.method()).hasValue("PASSWORD");
        assertThat(req.user()).hasValue("probe");
        assertThat(req.authAccepted()).isTrue();
        assertThat(transcriptText(r)).contains("authenticated with user name and password").doesNotContain(PASSWORD);
    }

    @Test
    void wrongPasswordIsTheProxysRefusal() throws Exception {
        server.start();
        socks = Socks5Server.start().requirePassword("probe", "another");
        SessionResult r = run(request().proxy(proxy(socks, "probe")).build());
        assertFailure(r, ProbeStatus.PROXY_FAILED, "the SOCKS proxy 127.0.0.1:" + socks.port(),
                "refused the user name and password");
        assertThat(socks.takeRequest().authAccepted()).isFalse();
        assertThat(server.connectionCount()).isZero();
        listener.assertPaired();
    }

    @Test
    void proxyThatWantsAuthenticationWhenNoneIsGiven() throws Exception {
        server.start();
        socks = Socks5Server.start().requirePassword("probe", PASSWORD);
        SessionResult r = run(request().proxy(proxy(socks, null)).build());
        assertFailure(r, ProbeStatus.PROXY_FAILED, "requires authentication", "--proxy socks5://USER@");
    }

    @Test
    void targetRefusedBehindTheProxy() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        socks = Socks5Server.start();
        SessionResult r = run(dev.smtpprobe.model.SessionRequest.builder("localhost",
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort))
                .ehloName("probe.test").timeouts(FAST).proxy(proxy(socks, null)).build());
        assertFailure(r, ProbeStatus.CONNECTION_REFUSED, "the SOCKS proxy 127.0.0.1:" + socks.port()
                + " could not reach 127.0.0.1:" + closedPort + ": connection refused");
    }

    @Test
    void replyCodesInWords() throws Exception {
        server.start();
        for (int[] c : new int[][] {{1, 0}, {2, 0}, {3, 1}, {4, 1}, {6, 1}, {7, 0}, {8, 0}}) {
            socks = Socks5Server.start().behaviour(new Socks5Server.Behaviour.Reply(c[0]));
            SessionResult r = run(request().proxy(proxy(socks, null)).build());
            ProbeStatus expected = c[1] == 1 ? ProbeStatus.UNREACHABLE : ProbeStatus.PROXY_FAILED;
            String words = switch (c[0]) {
                case 1 -> "general SOCKS server failure";
                case 2 -> "not allowed by its rules";
                case 3 -> "network unreachable";
                case 4 -> "host unreachable";
                case 6 -> "TTL expired";
                case 7 -> "does not support the CONNECT command";
                default -> "does not take IPv4 addresses";
            };
            assertFailure(r, expected, words);
            socks.close();
        }
        socks = null;
    }

    @Test
    void proxyDown() throws Exception {
        server.start();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        SocksProxy dead = SocksProxy.parse("socks5://127.0.0.1:" + closedPort, Optional.empty());
        SessionResult r = run(request().proxy(dead).build());
        assertFailure(r, ProbeStatus.PROXY_FAILED, "the SOCKS proxy 127.0.0.1:" + closedPort + " refused the connection");
        assertThat(server.connectionCount()).isZero();
        listener.assertPaired();
    }

    @Test
    void proxyStallingAtTheGreetingIsHeldToTheConnectLimit() throws Exception {
        server.start();
        socks = Socks5Server.start().behaviour(new Socks5Server.Behaviour.StallGreeting());
        long start = System.nanoTime();
        SessionResult r = run(request().proxy(proxy(socks, null)).timeouts(connectLimit(600)).build());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertFailure(r, ProbeStatus.PROXY_FAILED, "did not finish its SOCKS5 greeting within the connect limit of 600 ms");
        assertThat(ms).as("the connect limit covers the handshake").isBetween(550L, 3_000L);
    }

    @Test
    void proxyStallingOnConnectIsAConnectTimeout() throws Exception {
        server.start();
        socks = Socks5Server.start().requirePassword("probe", PASSWORD)
                .behaviour(new Socks5Server.Behaviour.StallConnect());
        long start = System.nanoTime();
        SessionResult r = run(request().proxy(proxy(socks, "probe")).timeouts(connectLimit(600)).build());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertFailure(r, ProbeStatus.CONNECT_TIMEOUT, "did not report a connection to 127.0.0.1:" + server.port());
        assertThat(ms).isBetween(550L, 3_000L);
    }

    @Test
    void notASocksServer() throws Exception {
        server.start();
        socks = Socks5Server.start().behaviour(new Socks5Server.Behaviour.Garbage(Socks5Server.notSocks()));
        SessionResult r = run(request().proxy(proxy(socks, null)).build());
        assertFailure(r, ProbeStatus.PROXY_FAILED, "is it a SOCKS5 proxy?");
    }

    @Test
    void anSmtpServerMistakenForTheProxy() throws Exception {
        server.start(); // greets first, as no SOCKS server does
        SocksProxy wrong = SocksProxy.parse("socks5://127.0.0.1:" + server.port(), Optional.empty());
        SessionResult r = run(request().proxy(wrong).build());
        assertFailure(r, ProbeStatus.PROXY_FAILED, "SOCKS5");
    }

    @Test
    void greetingInTheSameReadAsTheProxysReplyIsNotLost() throws Exception {
        server.silentAfterConnect(); // the only greeting is the one the proxy sends behind its reply
        server.start();
        socks = Socks5Server.start().behaviour(new Socks5Server.Behaviour.RelayWithLeadingBytes(
                "220 early.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII)));
        SessionResult r = run(request().proxy(proxy(socks, null)).quitAfter(QuitAfter.BANNER).build());
        assertThat(r.failure()).as(transcriptText(r)).isEmpty();
        assertThat(transcriptText(r)).contains("220 early.test ESMTP");
    }

    @Test
    void diagnosisAndReportsSayTheProbeWentThroughTheProxy() throws Exception {
        server.start();
        socks = Socks5Server.start().requirePassword("probe", PASSWORD);
        ProbeRequest ok = ProbeRequest.builder(TargetParser.parseServer("127.0.0.1:" + server.port(), 25))
                .ehloName("probe.test").timeouts(FAST).posture(false).quitAfter(QuitAfter.RCPT)
                .recipients(java.util.List.of("bob@example.test")).proxy(proxy(socks, "probe")).build();
        ProbeResult result = prober.probe(ok).get(20, TimeUnit.SECONDS);
        Diagnosis d = DiagnosisEngine.standard().diagnose(result);
        assertThat(d.verdict()).as(d.summary()).isIn(Verdict.OK, Verdict.WARNING); // the mock offers no STARTTLS
        assertThat(result.sessions().get(0).recipients()).hasSize(1);
        assertThat(result.sessions().get(0).failure()).isEmpty();
        String text = new TextReport(dev.smtpprobe.catalog.ReplyClassifier.standard(), dev.smtpprobe.report.ReportOptions.DEFAULTS).render(result, d);
        String json = new JsonReport(dev.smtpprobe.catalog.ReplyClassifier.standard(), dev.smtpprobe.report.ReportOptions.DEFAULTS).render(result, d);
        assertThat(text).contains("Via        the SOCKS5 proxy 127.0.0.1:" + socks.port());
        assertThat(json).containsPattern("\"proxy\"\\s*:\\s*\"socks5://127\\.0\\.0\\.1:" + socks.port() + "\"");
        String html = new dev.smtpprobe.report.HtmlReport(dev.smtpprobe.catalog.ReplyClassifier.standard(),
                dev.smtpprobe.report.ReportOptions.DEFAULTS).render(result, d);
        assertThat(html).contains("Via the SOCKS5 proxy <code>127.0.0.1:" + socks.port() + "</code>");
        assertThat(text + json + html).doesNotContain(PASSWORD).doesNotContain("probe@127.0.0.1");

        socks.close();
        socks = Socks5Server.start().requirePassword("probe", "not-this-one");
        ProbeResult refused = prober.probe(ok.toBuilder().proxy(proxy(socks, "probe")).build()).get(20, TimeUnit.SECONDS);
        Diagnosis dr = DiagnosisEngine.standard().diagnose(refused);
        assertThat(dr.verdict()).as("the probe's own path failed, not the server").isEqualTo(Verdict.UNKNOWN);
        Finding f = dr.findings().get(0);
        assertThat(f.id()).isEqualTo("proxy-failed");
        assertThat(f.detail()).startsWith("The SOCKS proxy 127.0.0.1:" + socks.port() + " refused the user name");
        assertThat(f.phase()).hasValue(SmtpPhase.CONNECT);
    }

    private static Timeouts connectLimit(long ms) {
        return new Timeouts(Duration.ofMillis(ms), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(2), Duration.ofSeconds(15));
    }

    // ---------------------------------------------------------------- PROXY protocol

    @Test
    void proxyProtocolV1ClaimsTheSocketsAddresses() throws Exception {
        server.expectProxyHeader().start();
        SessionResult r = run(request().proxyProtocol(ProxyProtocol.V1).quitAfter(QuitAfter.EHLO).build());
        assertThat(r.failure()).as(transcriptText(r)).isEmpty();
        RecordedProxyHeader h = server.takeProxyHeader();
        assertThat(h.version()).hasValue("V1");
        assertThat(h.protocol()).isEqualTo("TCP4");
        assertThat(h.sourceAddress()).isEqualTo("127.0.0.1");
        assertThat(h.destinationAddress()).isEqualTo("127.0.0.1");
        assertThat(h.destinationPort()).isEqualTo(server.port());
        assertThat(h.sourcePort()).isPositive();
        assertThat(transcriptText(r)).contains("PROXY v1 TCP4 127.0.0.1:" + h.sourcePort() + " -> 127.0.0.1:"
                + server.port());
        assertThat(server.takeCommand().verb()).isEqualTo("EHLO");
    }

    @Test
    void proxyProtocolV2OverIpv6() throws Exception {
        server.expectProxyHeader().start(InetAddress.getByName("::1"), 0);
        SessionResult r = run(dev.smtpprobe.model.SessionRequest.builder("localhost", server.address())
                .ehloName("probe.test").timeouts(FAST).proxyProtocol(ProxyProtocol.V2).quitAfter(QuitAfter.EHLO)
                .build());
        assertThat(r.failure()).as(transcriptText(r)).isEmpty();
        RecordedProxyHeader h = server.takeProxyHeader();
        assertThat(h.version()).hasValue("V2");
        assertThat(h.protocol()).isEqualTo("TCP6");
        assertThat(InetAddress.getByName(h.sourceAddress())).isEqualTo(InetAddress.getByName("::1"));
        assertThat(h.destinationPort()).isEqualTo(server.port());
    }

    @Test
    void proxyProtocolBeforeImplicitTls() throws Exception {
        dev.smtpprobe.fixtures.HeldCertificate cert = dev.smtpprobe.fixtures.TestCertificates.selfSigned("localhost");
        server.expectProxyHeader().implicitTls(cert).start();
        SessionResult r = run(request().tlsMode(dev.smtpprobe.model.TlsMode.IMPLICIT).verifyCertificate(false)
                .proxyProtocol(ProxyProtocol.V2).quitAfter(QuitAfter.EHLO).build());
        assertThat(r.failure()).as(transcriptText(r)).isEmpty();
        assertThat(server.takeProxyHeader().version()).hasValue("V2");
        assertThat(server.takeHandshake().succeeded()).isTrue();
    }

    @Test
    void headerListenerWithoutTheHeaderGetsAHint() throws Exception {
        server.expectProxyHeader().start();
        ProbeRequest req = ProbeRequest.builder(TargetParser.parseServer("127.0.0.1:" + server.port(), 25))
                .ehloName("probe.test").timeouts(FAST).posture(false).build();
        ProbeResult result = prober.probe(req).get(20, TimeUnit.SECONDS);
        // The fixture waits for a header the probe never sends; the banner limit ends the wait.
        assertThat(result.sessions().get(0).failure().map(SessionFailure::status)).hasValue(ProbeStatus.TIMEOUT);
        Diagnosis d = DiagnosisEngine.standard().diagnose(result);
        assertThat(d.findings()).anySatisfy(f -> {
            assertThat(f.id()).isEqualTo("silent-port-maybe-proxy-protocol");
            assertThat(f.remedy()).contains("--proxy-protocol v1");
        });
    }
}
