package dev.smtpprobe;

import dev.smtpprobe.model.SmtpPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.RecordedCommand;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.fixtures.SocketEffect;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.model.Credential;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.TlsMode;
import dev.smtpprobe.model.TranscriptLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * STARTTLS response injection whichever way the bytes arrive: in the same read as the 220 (the reply decoder still
 * holds them), or in a later segment that reaches the TLS layer first. Non-SMTP bytes there stay a handshake failure.
 */
class StartTlsInjectionTest extends SessionTestSupport {

    @BeforeEach
    void offerStartTlsAndAuth() {
        TestCertificates.Authority ca = TestCertificates.newAuthority("injection test CA");
        server.startTls(ca.issue("localhost", "127.0.0.1")).authMechanisms("PLAIN").users(Map.of("alice", "pw"));
    }

    private SessionResult probeWith(SocketEffect effect) throws Exception {
        server.on("STARTTLS", Reply.builder().code(220).line("2.0.0 Ready to start TLS").effect(effect).build());
        server.start();
        return run(request().startTls(StartTlsPolicy.AUTO).credential(new Credential.Password("alice", "pw"))
                .recipients(List.of("bob@example.test")).build());
    }

    private List<RecordedCommand> commandsSent() {
        List<RecordedCommand> out = new ArrayList<>();
        Optional<RecordedCommand> c;
        while ((c = server.pollCommand(Duration.ofMillis(200))).isPresent()) {
            out.add(c.get());
        }
        return out;
    }

    private void assertInjection(SessionResult r) {
        assertThat(r.failure()).as(transcriptText(r)).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.STARTTLS_INJECTION);
            assertThat(f.phase()).isEqualTo(SmtpPhase.STARTTLS);
        });
        assertThat(r.tls()).isEmpty();
        assertThat(r.authenticated()).isFalse();
        // Nothing after STARTTLS: no AUTH (no credentials on a stream we cannot trust), no envelope.
        assertThat(commandsSent()).extracting(RecordedCommand::verb).containsSubsequence("EHLO", "STARTTLS")
                .doesNotContain("AUTH", "MAIL", "RCPT");
        listener.assertPaired();
    }

    @Test
    void plaintextReplyInASegmentAfterTheClientHelloIsInjection() throws Exception {
        SessionResult r = probeWith(SocketEffect.injectAfterClientHello("250 injected\r\n"));

        assertInjection(r);
        assertThat(r.failure().orElseThrow().message()).isEqualTo("plaintext arrived after 220 to STARTTLS");
        assertThat(r.transcript()).anySatisfy(line -> {
            assertThat(line.direction()).isEqualTo(TranscriptLine.Direction.INFO);
            assertThat(line.line()).contains("plaintext arrived after 220 to STARTTLS: 250 injected\\r\\n");
        });
        assertThat(phases(r)).endsWith(SmtpPhase.STARTTLS, SmtpPhase.TLS_HANDSHAKE);
    }

    @Test
    void injectedMultiLineReplyWithNonAsciiIsShownEscaped() throws Exception {
        SessionResult r = probeWith(new SocketEffect.InjectAfterClientHello(
                new byte[] {'2', '5', '0', '-', 'A', 'U', 'T', 'H', ' ', (byte) 0xff, '\r', '\n', '2', '5', '0', ' ', 'x'}));

        assertInjection(r);
        assertThat(transcriptText(r)).contains("250-AUTH \\xff\\r\\n250 x");
    }

    @Test
    void plaintextSentRightAfterThe220InItsOwnFlushIsInjectionWhicheverReadItLandsIn() throws Exception {
        // A separate write right after the 220: it may share the client's read with the 220 (decoder path) or
        // arrive after the TLS handler is in place (guard path). Both must say injection.
        SessionResult r = probeWith(SocketEffect.injectAfterDelay("250-injected\r\n250 AUTH PLAIN\r\n", Duration.ZERO));
        assertInjection(r);
    }

    @Test
    void plaintextInTheSameReadAsThe220IsInjection() throws Exception {
        SessionResult r = probeWith(SocketEffect.injectAfterReply("250 injected\r\n"));
        assertInjection(r);
    }

    @Test
    void nonSmtpPlaintextAfterTheClientHelloIsAHandshakeFailure() throws Exception {
        SessionResult r = probeWith(SocketEffect.injectAfterClientHello("HTTP/1.1 400 Bad Request\r\n\r\n"));

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.TLS_HANDSHAKE_FAILED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.TLS_HANDSHAKE);
        });
        assertThat(transcriptText(r)).doesNotContain("plaintext arrived");
    }

    @Test
    void digitsWithoutAReplySeparatorAreAHandshakeFailure() throws Exception {
        SessionResult r = probeWith(SocketEffect.injectAfterClientHello("2501x\r\n"));
        assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(ProbeStatus.TLS_HANDSHAKE_FAILED));
    }

    @Test
    void implicitTlsAgainstAPlainSmtpServerSaysSo() throws Exception {
        server.start(); // speaks plain SMTP from the first byte
        SessionResult r = run(request().tlsMode(TlsMode.IMPLICIT).build());

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.TLS_HANDSHAKE_FAILED);
            assertThat(f.message()).contains("plain SMTP instead of TLS");
        });
        assertThat(transcriptText(r)).contains("plaintext where the TLS handshake was expected: 220 ");
    }
}
