package dev.smtpprobe.peers;

import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.PROXY_PROTOCOL;
import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.STARTTLS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smtpprobe.SmtpProber;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Verdict;
import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.fixtures.peers.DantePeer;
import dev.smtpprobe.fixtures.peers.PostfixPeer;
import dev.smtpprobe.fixtures.peers.RealPeerTest;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SocksProxy;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.Timeouts;
import dev.smtpprobe.probe.TargetParser;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Egress against real servers: through Dante (SOCKS5, without and with user name and password checked against a
 * system account) to Postfix's STARTTLS listener, and with a PROXY protocol header (v1, v2) to Postfix's
 * {@code smtpd_upstream_proxy_protocol = haproxy} listener, whose log shows the client address the header claimed.
 */
@RealPeerTest({"postfix", "dante"})
class EgressPeerTest {
    private static final Timeouts QUICK = Timeouts.uniform(Duration.ofSeconds(10), Duration.ofSeconds(40));
    private static SmtpProber prober;

    @BeforeAll
    static void startProber() {
        prober = SmtpProber.builder().listener(ProbeEventListener.NONE).threads(1).build();
    }

    @AfterAll
    static void closeProber() {
        prober.close();
    }

    private static ProbeResult probe(ProbeRequest request) throws Exception {
        return prober.probe(request).get(60, TimeUnit.SECONDS);
    }

    private static ProbeRequest.Builder starttls(PostfixPeer postfix) {
        return ProbeRequest.builder(TargetParser.parseServer(postfix.server(STARTTLS), 25))
                .caFile(postfix.caCertificate()).ehloName("probe.test").mailFrom("probe@client.test")
                .recipients(List.of(postfix.mailbox("alice"))).startTls(StartTlsPolicy.REQUIRE)
                .quitAfter(QuitAfter.RCPT).timeouts(QUICK).posture(false);
    }

    @Test
    void throughDanteWithoutAuthenticationStartTlsIsVerifiedAndTheRecipientAccepted(PostfixPeer postfix,
            DantePeer dante) throws Exception {
        ProbeResult result = probe(starttls(postfix).proxy(SocksProxy.parse(dante.noAuthUri(), Optional.empty()))
                .build());
        SessionResult s = result.sessions().get(0);
        assertThat(s.failure()).as(String.valueOf(s.transcript())).isEmpty();
        assertThat(s.tls()).hasValueSatisfying(t -> assertThat(t.trust().chainValid()).isTrue());
        assertThat(s.recipients()).singleElement().satisfies(r -> assertThat(r.reply().map(x -> x.code())).hasValue(250));
        Diagnosis d = DiagnosisEngine.standard().diagnose(result);
        assertThat(d.verdict()).as(d.summary()).isEqualTo(Verdict.OK);
        // Dante logs the CONNECT it relayed: to Postfix's port, by IP address (the probe never sends a name).
        assertThat(dante.noAuthLogLines()).anyMatch(l -> l.contains("pass(1): tcp/connect")
                && l.contains("127.0.0.1." + postfix.port(STARTTLS)));
    }

    @Test
    void throughDanteWithUserAndPassword(PostfixPeer postfix, DantePeer dante) throws Exception {
        ProbeResult result = probe(starttls(postfix)
                .proxy(SocksProxy.parse(dante.authUri(), Optional.of(dante.password()))).build());
        SessionResult s = result.sessions().get(0);
        assertThat(s.failure()).as(String.valueOf(s.transcript())).isEmpty();
        assertThat(s.tls()).isPresent();
        assertThat(dante.authLogLines()).anyMatch(l -> l.contains("username%" + dante.user() + "@")
                && l.contains("127.0.0.1." + postfix.port(STARTTLS)));
    }

    @Test
    void danteRefusingAWrongPasswordIsTheProxysFinding(PostfixPeer postfix, DantePeer dante) throws Exception {
        ProbeResult result = probe(starttls(postfix)
                .proxy(SocksProxy.parse(dante.authUri(), Optional.of("not-the-password"))).build());
        SessionResult s = result.sessions().get(0);
        assertThat(s.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.PROXY_FAILED);
            assertThat(f.message()).contains("refused the user name and password");
        });
        assertThat(DiagnosisEngine.standard().diagnose(result).verdict()).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void danteCannotReachAClosedPort(PostfixPeer postfix, DantePeer dante) throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        ProbeResult result = probe(ProbeRequest.builder(TargetParser.parseServer("127.0.0.1:" + closed, 25))
                .ehloName("probe.test").timeouts(QUICK).posture(false)
                .proxy(SocksProxy.parse(dante.noAuthUri(), Optional.empty())).build());
        SessionResult s = result.sessions().get(0);
        System.out.println("[egress] Dante to a closed port: " + s.failure().map(f -> f.status() + " " + f.message())
                .orElse("none"));
        assertThat(s.failure()).hasValueSatisfying(f -> assertThat(f.message())
                .contains("the SOCKS proxy 127.0.0.1:" + dante.noAuthPort()).doesNotContain("Exception"));
    }

    @Test
    void proxyProtocolV1AndV2GetTheBannerAndEhloAndPostfixLogsTheClaimedClient(PostfixPeer postfix) {
        for (String version : new String[] {"v1", "v2"}) {
            Cli run = Cli.probe(postfix.server(PROXY_PROTOCOL), "--proxy-protocol", version, "--quit-after", "ehlo",
                    "--no-posture", "--transcript");
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("220 ").contains("EHLO probe.test");
            Matcher claim = Pattern.compile("PROXY " + version + " TCP4 127\\.0\\.0\\.1:(\\d+) -> ").matcher(run.out());
            assertThat(claim.find()).as(run.out()).isTrue();
            String port = claim.group(1);
            // smtpd_client_port_logging on this listener: Postfix logs the client port the header claimed.
            assertThat(postfix.awaitLogLine(l -> l.contains("postfix/proxy-protocol/smtpd")
                    && l.contains("connect from unknown[127.0.0.1]:" + port), Duration.ofSeconds(10)))
                    .as("maillog names the claimed client 127.0.0.1:%s", port).isPresent();
        }
    }

    @Test
    void withoutTheHeaderTheReportSaysToTryProxyProtocol(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(PROXY_PROTOCOL), "--quit-after", "ehlo", "--no-posture", "--format", "json");
        JsonNode json = run.json();
        System.out.println("[egress] no header, Postfix said: " + json.path("summary").asText());
        // After smtpd_upstream_proxy_timeout Postfix either answers 421 "Server local error" (the warning that
        // names the header) or, from an smtpd process that served earlier clients, just closes (the hint): both
        // were seen from the same 3.7.11. Either way the report must point at --proxy-protocol.
        JsonNode hint = null;
        for (JsonNode f : json.path("findings")) {
            if (f.path("id").asText().equals("silent-port-maybe-proxy-protocol")) {
                hint = f;
            }
        }
        assertThat(hint).as(json.toPrettyString()).isNotNull();
        assertThat(hint.path("title").asText()).contains("PROXY protocol header");
        assertThat(hint.path("remedy").asText()).contains("--proxy-protocol v1");
        if (hint.path("severity").asText().equals("warning")) {
            assertThat(json.path("summary").asText()).contains("PROXY protocol header");
        }
    }

    @Test
    void theCommandLineThroughDanteWithAPasswordFile(PostfixPeer postfix, DantePeer dante) {
        Cli run = Cli.probe(postfix.server(STARTTLS), "--ca-file", postfix.caCertificate().toString(),
                "--starttls", "require", "-t", postfix.mailbox("alice"), "--quit-after", "rcpt", "--no-posture",
                "--proxy", dante.authUri(), "--proxy-password-file", dante.passwordFile().toString(), "--transcript",
                "-v");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Via        the SOCKS5 proxy 127.0.0.1:" + dante.authPort());
        assertThat(run.out() + run.err()).doesNotContain(dante.password());
    }
}
