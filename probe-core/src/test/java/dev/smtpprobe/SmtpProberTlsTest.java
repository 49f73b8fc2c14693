package dev.smtpprobe;

import dev.smtpprobe.model.SmtpPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.HeldCertificate;
import dev.smtpprobe.fixtures.RecordedCommand;
import dev.smtpprobe.fixtures.RecordedHandshake;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.fixtures.SocketEffect;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.model.Credential;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.TlsMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmtpProberTlsTest extends SessionTestSupport {

    @TempDir
    Path tmp;
    TestCertificates.Authority ca;
    Path caFile;

    @BeforeEach
    void authority() {
        ca = TestCertificates.newAuthority("engine TLS test CA");
        caFile = ca.writePem(tmp.resolve("ca.pem"));
    }

    private List<RecordedCommand> drain() {
        List<RecordedCommand> out = new ArrayList<>();
        Optional<RecordedCommand> c;
        while ((c = server.pollCommand(Duration.ofMillis(300))).isPresent()) {
            out.add(c.get());
        }
        return out;
    }

    @Test
    void startTlsInjectionIsDetectedAndNothingSensitiveFollows() throws Exception {
        server.startTls(ca.issue("localhost", "127.0.0.1")).authMechanisms("PLAIN").users(Map.of("alice", "pw"));
        server.on("STARTTLS", Reply.builder().code(220).line("2.0.0 Ready to start TLS")
                .effect(SocketEffect.injectAfterReply("250-injected\r\n250 AUTH PLAIN\r\n")).build());
        server.start();

        SessionResult r = run(request().startTls(StartTlsPolicy.AUTO).caFile(caFile)
                .credential(new Credential.Password("alice", "pw"))
                .recipients(List.of("bob@example.test")).build());

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.STARTTLS_INJECTION);
            assertThat(f.phase()).isEqualTo(SmtpPhase.STARTTLS);
        });
        assertThat(r.authenticated()).isFalse();
        assertThat(r.tls()).isEmpty();
        assertThat(transcriptText(r)).contains("250-injected\\r\\n250 AUTH PLAIN");
        List<RecordedCommand> sent = drain();
        assertThat(sent).extracting(RecordedCommand::verb).doesNotContain("AUTH", "MAIL", "RCPT");
        assertThat(sent).noneMatch(RecordedCommand::isContinuation);
        listener.assertPaired();
    }

    @Test
    void requiredStartTlsNotOffered() throws Exception {
        server.start(); // no certificate: STARTTLS is not offered
        SessionResult r = run(request().startTls(StartTlsPolicy.REQUIRE)
                .recipients(List.of("bob@example.test")).build());

        assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(ProbeStatus.STARTTLS_NOT_OFFERED));
        assertThat(drain()).extracting(RecordedCommand::verb).containsExactly("EHLO", "QUIT");
        assertThat(r.politeEnd()).isTrue();
    }

    @Test
    void requiredStartTlsRefused() throws Exception {
        server.startTls(ca.issue("localhost"));
        server.on("STARTTLS", Reply.of(454, "4.7.0 TLS not available due to temporary reason"));
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.REQUIRE).build());

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.STARTTLS_REFUSED);
            assertThat(f.reply()).hasValueSatisfying(rep -> assertThat(rep.code()).isEqualTo(454));
        });
    }

    @Test
    void autoContinuesInPlainTextWhenStartTlsIsRefused() throws Exception {
        server.startTls(ca.issue("localhost"));
        server.on("STARTTLS", Reply.of(454, "4.7.0 TLS not available"));
        server.start();
        SessionResult r = run(request().recipients(List.of("bob@example.test")).build());

        assertThat(r.failure()).isEmpty();
        assertThat(drain()).extracting(RecordedCommand::verb)
                .containsExactly("EHLO", "STARTTLS", "MAIL", "RCPT", "RSET", "QUIT");
    }

    @Test
    void implicitTls() throws Exception {
        server.implicitTls(ca.issue("localhost", "127.0.0.1"));
        server.start();
        SessionResult r = run(request().tlsMode(TlsMode.IMPLICIT).caFile(caFile)
                .recipients(List.of("bob@example.test")).build());

        assertThat(r.failure()).isEmpty();
        assertThat(phases(r)).startsWith(SmtpPhase.CONNECT, SmtpPhase.TLS_HANDSHAKE, SmtpPhase.BANNER, SmtpPhase.EHLO);
        assertThat(r.tls()).hasValueSatisfying(t -> assertThat(t.trust().trusted()).isTrue());
        RecordedCommand ehlo = server.takeCommand();
        assertThat(ehlo.verb()).isEqualTo("EHLO");
        assertThat(ehlo.tlsActive()).isTrue();
        assertThat(drain()).extracting(RecordedCommand::verb).doesNotContain("STARTTLS");
        listener.assertPaired();
    }

    @Test
    void ipLiteralSendsNoSniAndMatchesTheIpSan() throws Exception {
        server.startTls(ca.issue("mx.example.test", "127.0.0.1"));
        server.start();
        SessionResult r = run(request().hostName("127.0.0.1").startTls(StartTlsPolicy.REQUIRE).caFile(caFile).build());

        assertThat(r.failure()).isEmpty();
        RecordedHandshake hs = server.takeHandshake();
        assertThat(hs.succeeded()).isTrue();
        assertThat(hs.sniHostName()).isEmpty();
        assertThat(r.tls().orElseThrow().sniHostName()).isEmpty();
        assertThat(r.tls().orElseThrow().trust().nameMatches()).isTrue();
    }

    @Test
    void expiredCertificateIsCapturedAndJudgedButAutoContinues() throws Exception {
        server.startTls(ca.issueExpired("localhost"));
        server.start();
        SessionResult r = run(request().caFile(caFile).recipients(List.of("bob@example.test")).build());

        assertThat(r.failure()).isEmpty();
        assertThat(r.tls()).hasValueSatisfying(t -> {
            assertThat(t.trust().chainValid()).isFalse();
            assertThat(t.trust().expired()).isTrue();
            assertThat(t.trust().chainProblem()).hasValueSatisfying(p -> assertThat(p).contains("expired"));
            assertThat(t.peerCertificates()).isNotEmpty();
        });
        assertThat(drain()).extracting(RecordedCommand::verb).contains("MAIL", "RCPT", "QUIT");
    }

    @Test
    void expiredCertificateWithRequireAndVerifyIsRejectedAfterCapture() throws Exception {
        server.startTls(ca.issueExpired("localhost"));
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.REQUIRE).verifyCertificate(true).caFile(caFile)
                .recipients(List.of("bob@example.test")).build());

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.CERTIFICATE_REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.TLS_HANDSHAKE);
        });
        assertThat(r.tls()).hasValueSatisfying(t -> assertThat(t.chain()).isNotEmpty());
        List<RecordedCommand> sent = drain();
        assertThat(sent).extracting(RecordedCommand::verb).containsExactly("EHLO", "STARTTLS", "QUIT");
        assertThat(sent.get(2).tlsActive()).isTrue();
    }

    @Test
    void selfSignedCertificateIsCapturedAndJudged() throws Exception {
        HeldCertificate self = TestCertificates.selfSigned("localhost");
        server.startTls(self);
        server.start();
        SessionResult r = run(request().build());

        assertThat(r.failure()).isEmpty();
        assertThat(r.tls()).hasValueSatisfying(t -> {
            assertThat(t.trust().chainValid()).isFalse();
            assertThat(t.trust().nameMatches()).isTrue();
            assertThat(t.trust().chainProblem()).hasValueSatisfying(p -> assertThat(p).contains("self-signed"));
            assertThat(t.chain().get(0).selfSigned()).isTrue();
        });
    }

    @Test
    void wrongHostCertificateIsJudgedAndRejectedWhenVerificationIsRequired() throws Exception {
        server.startTls(ca.issue("other.example.test"));
        server.start();
        SessionResult auto = run(request().caFile(caFile).build());
        assertThat(auto.failure()).isEmpty();
        assertThat(auto.tls().orElseThrow().trust().chainValid()).isTrue();
        assertThat(auto.tls().orElseThrow().trust().nameMatches()).isFalse();

        SessionResult strict = run(request().caFile(caFile).startTls(StartTlsPolicy.REQUIRE).build());
        assertThat(strict.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.CERTIFICATE_REJECTED);
            assertThat(f.message()).contains("name");
        });
    }

    @Test
    void implicitTlsWithUntrustedCertificateAndVerifyIsRejected() throws Exception {
        server.implicitTls(TestCertificates.selfSigned("localhost"));
        server.start();
        SessionResult r = run(request().tlsMode(TlsMode.IMPLICIT).verifyCertificate(true).build());

        assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(ProbeStatus.CERTIFICATE_REJECTED));
        assertThat(r.tls()).isPresent();
        listener.assertPaired();
    }

    @Test
    void handshakeFailureIsReported() throws Exception {
        server.startTls(ca.issue("localhost"));
        server.on("STARTTLS", Reply.builder().code(220).line("2.0.0 go").effect(SocketEffect.failHandshake()).build());
        server.start();
        SessionResult r = run(request().recipients(List.of("bob@example.test")).build());

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.TLS_HANDSHAKE_FAILED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.TLS_HANDSHAKE);
        });
        assertThat(r.tls()).isEmpty();
        listener.assertPaired();
    }

    @Test
    void implicitTlsAgainstAPlainServerFailsTheHandshake() throws Exception {
        server.start();
        SessionResult r = run(request().tlsMode(TlsMode.IMPLICIT).build());
        assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(ProbeStatus.TLS_HANDSHAKE_FAILED));
    }
}
