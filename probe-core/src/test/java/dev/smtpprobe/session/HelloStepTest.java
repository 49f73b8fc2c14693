package dev.smtpprobe.session;

import static dev.smtpprobe.session.EmbeddedSession.done;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.EhloCapabilities;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionOptions.Protocol;
import dev.smtpprobe.model.SmtpPhase;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HelloStepTest {

    private final EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request());

    @Test
    void ehloLearnsTheExtensionsLineByLine() {
        CompletableFuture<Next> step = new HelloStep().run(s.ctx);
        assertThat(s.clientWrote()).isEqualTo("EHLO probe.test\r\n");
        s.serverSends("250-mx.example.test greets probe.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 STARTTLS\r\n");

        assertThat(done(step)).isEqualTo(Next.CONTINUE);
        assertThat(s.ctx.capabilities.pipelining()).isTrue();
        assertThat(s.ctx.capabilities.startTls()).isTrue();
        assertThat(s.ctx.capabilities.sizeLimit()).hasValue(1000);
        assertThat(s.ctx.capabilitiesBeforeTls).isEqualTo(s.ctx.capabilities);
        assertThat(s.ctx.heloFallback).isFalse();
    }

    @Test
    void ehloNotImplementedFallsBackToHelo() {
        CompletableFuture<Next> step = new HelloStep().run(s.ctx);
        assertThat(s.clientWrote()).isEqualTo("EHLO probe.test\r\n");
        s.serverSends("502 5.5.2 Error: command not recognized\r\n");
        assertThat(step).isNotDone();
        assertThat(s.clientWrote()).isEqualTo("HELO probe.test\r\n");
        s.serverSends("250 mx.example.test\r\n");

        assertThat(done(step)).isEqualTo(Next.CONTINUE);
        assertThat(s.ctx.heloFallback).isTrue();
        assertThat(s.ctx.capabilities).isEqualTo(EhloCapabilities.NONE);
        assertThat(s.ctx.failure).isEmpty();
        assertThat(s.timeline.steps()).extracting(st -> st.phase()).containsExactly(SmtpPhase.EHLO, SmtpPhase.HELO);
        s.assertListenerPaired();
    }

    @Test
    void heloRefusedTooIsARefusalOfBoth() {
        CompletableFuture<Next> step = new HelloStep().run(s.ctx);
        s.serverSends("500 5.5.1 what?\r\n");
        s.serverSends("550 5.7.1 go away\r\n");

        assertThat(done(step)).isEqualTo(Next.QUIT);
        assertThat(s.ctx.failure).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.HELO);
            assertThat(f.message()).startsWith("the server refused both EHLO and HELO");
        });
    }

    @Test
    void anEhloRefusalOtherThanNotImplementedIsNotRetriedAsHelo() {
        CompletableFuture<Next> step = new HelloStep().run(s.ctx);
        s.clientWrites();
        s.serverSends("554 5.7.1 client host blocked\r\n");

        assertThat(done(step)).isEqualTo(Next.QUIT);
        assertThat(s.clientWrites()).isEmpty();
        assertThat(s.ctx.failure).hasValueSatisfying(f -> assertThat(f.phase()).isEqualTo(SmtpPhase.EHLO));
    }

    @Test
    void lmtpSaysLhlo() {
        EmbeddedSession lmtp = EmbeddedSession.of(EmbeddedSession.request().protocol(Protocol.LMTP));
        CompletableFuture<Next> step = new HelloStep().run(lmtp.ctx);
        assertThat(lmtp.clientWrote()).isEqualTo("LHLO probe.test\r\n");
        lmtp.serverSends("250-lmtp.example.test\r\n250 PIPELINING\r\n");

        assertThat(done(step)).isEqualTo(Next.CONTINUE);
        assertThat(lmtp.ctx.capabilities.pipelining()).isTrue();
    }

    @Test
    void lmtpHasNoHeloToFallBackTo() {
        EmbeddedSession lmtp = EmbeddedSession.of(EmbeddedSession.request().protocol(Protocol.LMTP));
        CompletableFuture<Next> step = new HelloStep().run(lmtp.ctx);
        lmtp.clientWrites();
        lmtp.serverSends("502 5.5.2 unknown command\r\n");

        assertThat(done(step)).isEqualTo(Next.QUIT);
        assertThat(lmtp.clientWrites()).isEmpty();
        assertThat(lmtp.ctx.failure).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED));
    }
}
