package dev.smtpprobe;

import dev.smtpprobe.model.ExtensionUse;
import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.model.SmtpPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.RecordedCommand;
import dev.smtpprobe.fixtures.RecordedMessage;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.model.Credential;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmtpProberSessionTest extends SessionTestSupport {

    @TempDir
    Path tmp;

    @Test
    void happyPathWithStartTlsAuthAndTwoRecipients() throws Exception {
        TestCertificates.Authority ca = TestCertificates.newAuthority("engine test CA");
        server.startTls(ca.issue("localhost", "127.0.0.1"))
                .authMechanisms("PLAIN", "LOGIN")
                .users(Map.of("alice", "s3cret-pw"));
        server.start();

        SessionResult r = run(request()
                .startTls(StartTlsPolicy.REQUIRE)
                .caFile(ca.writePem(tmp.resolve("ca.pem")))
                .credential(new Credential.Password("alice", "s3cret-pw"))
                .recipients(List.of("bob@example.test", "carol@example.test"))
                .build());

        assertThat(r.failure()).isEmpty();
        RecordedCommand ehlo = server.takeCommand();
        assertThat(ehlo.verb()).isEqualTo("EHLO");
        assertThat(ehlo.args()).isEqualTo("probe.test");
        assertThat(ehlo.tlsActive()).isFalse();
        assertThat(server.takeCommand().verb()).isEqualTo("STARTTLS");
        RecordedCommand ehloTls = server.takeCommand();
        assertThat(ehloTls.verb()).isEqualTo("EHLO");
        assertThat(ehloTls.tlsActive()).isTrue();
        assertThat(ehloTls.sniHostName()).contains("localhost");
        RecordedCommand auth = server.takeCommand();
        assertThat(auth.rawLine()).startsWith("AUTH PLAIN ");
        assertThat(auth.tlsActive()).isTrue();
        assertThat(server.takeCommand().rawLine()).isEqualTo("MAIL FROM:<sender@probe.test>");
        assertThat(server.takeCommand().rawLine()).isEqualTo("RCPT TO:<bob@example.test>");
        assertThat(server.takeCommand().rawLine()).isEqualTo("RCPT TO:<carol@example.test>");
        assertThat(server.takeCommand().verb()).isEqualTo("RSET");
        assertThat(server.takeCommand().verb()).isEqualTo("QUIT");

        assertThat(r.tls()).hasValueSatisfying(tls -> {
            assertThat(tls.protocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(tls.sniHostName()).isEqualTo("localhost");
            assertThat(tls.trust().trusted()).isTrue();
            assertThat(tls.chain()).isNotEmpty();
            assertThat(tls.chain().get(0).subjectAltNames()).contains("DNS:localhost", "IP:127.0.0.1");
        });
        assertThat(r.capabilitiesBeforeTls().startTls()).isTrue();
        assertThat(r.capabilities().startTls()).as("capabilities re-learned after TLS").isFalse();
        assertThat(r.capabilities().authMechanisms()).contains("PLAIN");
        assertThat(r.authenticated()).isTrue();
        assertThat(r.politeEnd()).isTrue();
        assertThat(r.queueId()).isEmpty();
        assertThat(phases(r)).containsExactly(SmtpPhase.CONNECT, SmtpPhase.BANNER, SmtpPhase.EHLO, SmtpPhase.STARTTLS,
                SmtpPhase.TLS_HANDSHAKE, SmtpPhase.EHLO_TLS, SmtpPhase.AUTH, SmtpPhase.MAIL, SmtpPhase.RCPT,
                SmtpPhase.RCPT, SmtpPhase.RSET, SmtpPhase.QUIT);
        assertThat(r.steps()).allSatisfy(s -> assertThat(s.elapsed().isNegative()).isFalse());
        listener.assertPaired();
        assertThat(listener.events()).contains("tlsEstablished " + r.tls().get().protocol());
    }

    @Test
    void heloFallbackWhenEhloIsNotRecognised() throws Exception {
        server.on("EHLO", Reply.of(502, "5.5.2 Error: command not recognized"));
        server.start();

        SessionResult r = run(request().recipients(List.of("bob@example.test")).build());

        assertThat(verbs(6)).containsExactly("EHLO", "HELO", "MAIL", "RCPT", "RSET", "QUIT");
        assertThat(r.heloFallback()).isTrue();
        assertThat(r.failure()).isEmpty();
        assertThat(r.tls()).isEmpty();
        assertThat(r.politeEnd()).isTrue();
    }

    @Test
    void oneRejectedRecipientIsRecordedAndTheWalkContinues() throws Exception {
        server.rejectRecipient("nobody@example.test", Reply.of(550, "5.1.1 User unknown"));
        server.start();

        SessionResult r = run(request().startTls(StartTlsPolicy.NEVER)
                .recipients(List.of("nobody@example.test", "bob@example.test")).build());

        assertThat(r.failure()).isEmpty();
        List<Integer> rcptCodes = r.steps().stream().filter(s -> s.phase() == SmtpPhase.RCPT)
                .map(s -> s.reply().orElseThrow().code()).toList();
        assertThat(rcptCodes).containsExactly(550, 250);
        assertThat(r.steps().stream().filter(s -> s.phase() == SmtpPhase.RCPT).findFirst().orElseThrow()
                .reply().orElseThrow().enhanced()).hasValueSatisfying(e -> assertThat(e.toString()).isEqualTo("5.1.1"));
    }

    @Test
    void dataIsSentOnlyWhenAMessageIsGiven() throws Exception {
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.NEVER)
                .recipients(List.of("bob@example.test"))
                .message("Subject: probe\r\n\r\n.leading dot\r\nbody\r\n")
                .build());

        assertThat(verbs(5)).containsExactly("EHLO", "MAIL", "RCPT", "DATA", "QUIT");
        RecordedMessage message = server.takeMessage();
        assertThat(message.lines()).containsExactly("Subject: probe", "", ".leading dot", "body");
        assertThat(r.queueId()).contains(message.queueId());
        assertThat(r.failure()).isEmpty();
        assertThat(phases(r)).contains(SmtpPhase.DATA, SmtpPhase.MESSAGE);
    }

    @Test
    void noDataWithoutAMessage() throws Exception {
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.NEVER)
                .recipients(List.of("bob@example.test")).build());

        assertThat(verbs(5)).containsExactly("EHLO", "MAIL", "RCPT", "RSET", "QUIT");
        assertThat(server.pollCommand(Duration.ofMillis(200))).isEmpty();
        assertThat(phases(r)).doesNotContain(SmtpPhase.DATA, SmtpPhase.MESSAGE);
        assertThat(transcriptText(r)).doesNotContain("DATA");
    }

    @Test
    void quitAfterStopsEarlyAndPolitely() throws Exception {
        server.start();
        SessionResult r = run(request().quitAfter(QuitAfter.EHLO)
                .recipients(List.of("bob@example.test")).build());

        assertThat(verbs(2)).containsExactly("EHLO", "QUIT");
        assertThat(r.failure()).isEmpty();
        assertThat(r.politeEnd()).isTrue();
    }

    @Test
    void quitAfterMailSendsRsetThenQuit() throws Exception {
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.NEVER).quitAfter(QuitAfter.MAIL)
                .recipients(List.of("bob@example.test")).build());

        assertThat(verbs(4)).containsExactly("EHLO", "MAIL", "RSET", "QUIT");
        assertThat(r.politeEnd()).isTrue();
    }

    @Test
    void bannerRejectionEndsWithRejectedAfterQuit() throws Exception {
        server.greeting(Reply.of(554, "5.7.1 No SMTP service here"));
        server.start();

        SessionResult r = run(request().recipients(List.of("bob@example.test")).build());

        assertThat(server.takeCommand().verb()).isEqualTo("QUIT");
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.BANNER);
            assertThat(f.reply()).hasValueSatisfying(rep -> assertThat(rep.code()).isEqualTo(554));
        });
        assertThat(r.politeEnd()).isTrue();
        listener.assertPaired();
    }

    @Test
    void senderRejectionIsRecordedWithTheReply() throws Exception {
        server.on("MAIL", Reply.of(553, "5.7.1 Sender rejected"));
        server.start();

        SessionResult r = run(request().extensions(ExtensionUse.DEFAULTS.withPipelining(false)).startTls(StartTlsPolicy.NEVER)
                .recipients(List.of("bob@example.test")).build());

        assertThat(verbs(3)).containsExactly("EHLO", "MAIL", "QUIT");
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.MAIL);
        });
    }

    @Test
    void aThrowingListenerNeverBreaksTheSession() throws Exception {
        server.start();
        ProbeEventListener angry = new ProbeEventListener() {
            @Override
            public void phaseStart(dev.smtpprobe.model.SessionRequest r, SmtpPhase p, java.util.Optional<String> c) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void sessionEnd(dev.smtpprobe.model.SessionRequest r, SessionResult s) {
                throw new IllegalStateException("listener bug");
            }
        };
        try (SmtpProber own = SmtpProber.builder().eventLoopGroup(prober.eventLoopGroup()).listener(angry).build()) {
            SessionResult r = own.session(request().quitAfter(QuitAfter.BANNER).build())
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.failure()).isEmpty();
            assertThat(r.politeEnd()).isTrue();
        }
        assertThat(prober.eventLoopGroup().isShuttingDown()).as("a shared group stays the owner's").isFalse();
    }
}
