package dev.smtpprobe.session;

import static dev.smtpprobe.session.EmbeddedSession.done;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.tls.TlsClientContexts;
import dev.smtpprobe.tls.TrustEvaluator;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class StartTlsStepTest {

    private static EmbeddedSession session(StartTlsPolicy policy) {
        EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request().startTls(policy));
        s.ctx.tlsUpgrade = new TlsUpgrade(TlsClientContexts.capturingClientContext(), TrustEvaluator.jdkDefault(),
                s.request.tlsName(), 25, s.timeline);
        return s;
    }

    private static CompletableFuture<Next> run(EmbeddedSession s) {
        return new StartTlsStep(new HelloStep()).run(s.ctx);
    }

    @Test
    void notOfferedUnderAutoGoesOnInPlainTextWithoutAsking() {
        EmbeddedSession s = session(StartTlsPolicy.AUTO).offers("PIPELINING");
        assertThat(done(run(s))).isEqualTo(Next.CONTINUE);
        assertThat(s.clientWrites()).isEmpty();
        assertThat(s.ctx.failure).isEmpty();
        assertThat(s.transcript()).contains("STARTTLS not offered; continuing in plain text");
    }

    @Test
    void notOfferedUnderRequireStopsWithoutAsking() {
        EmbeddedSession s = session(StartTlsPolicy.REQUIRE).offers("PIPELINING");
        assertThat(done(run(s))).isEqualTo(Next.QUIT);
        assertThat(s.clientWrites()).isEmpty();
        assertThat(s.ctx.failure).hasValueSatisfying(f -> assertThat(f.status())
                .isEqualTo(ProbeStatus.STARTTLS_NOT_OFFERED));
    }

    @Test
    void refused454UnderAutoGoesOnInPlainText() {
        EmbeddedSession s = session(StartTlsPolicy.AUTO).offers("STARTTLS");
        CompletableFuture<Next> step = run(s);
        assertThat(s.clientWrote()).isEqualTo("STARTTLS\r\n");
        s.serverSends("454 4.7.0 TLS not available due to local problem\r\n");

        assertThat(done(step)).isEqualTo(Next.CONTINUE);
        assertThat(s.ctx.failure).isEmpty();
        assertThat(s.ctx.tls).isEmpty();
        assertThat(s.transcript()).contains("STARTTLS refused with 454; continuing in plain text");
        assertThat(s.channel.pipeline().get("tls")).isNull();
    }

    @Test
    void refused454UnderRequireStopsWithTheReply() {
        EmbeddedSession s = session(StartTlsPolicy.REQUIRE).offers("STARTTLS");
        CompletableFuture<Next> step = run(s);
        s.serverSends("454 4.7.0 TLS not available due to local problem\r\n");

        assertThat(done(step)).isEqualTo(Next.QUIT);
        assertThat(s.ctx.failure).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.STARTTLS_REFUSED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.STARTTLS);
            assertThat(f.reply().orElseThrow().code()).isEqualTo(454);
        });
    }

    @Test
    void a220StartsTheHandshakeOnTheSameChannel() {
        EmbeddedSession s = session(StartTlsPolicy.AUTO).offers("STARTTLS");
        CompletableFuture<Next> step = run(s);
        s.clientWrites();
        s.serverSends("220 2.0.0 Ready to start TLS\r\n");

        assertThat(s.channel.pipeline().first()).isSameAs(s.channel.pipeline().get("plaintext-guard"));
        ByteBuf hello = s.channel.readOutbound();
        assertThat(hello.getByte(0)).as("a TLS handshake record").isEqualTo((byte) 0x16);
        hello.release();
        assertThat(step).isNotDone();
        assertThat(s.listener.events()).endsWith("phaseEnd STARTTLS", "phaseStart TLS_HANDSHAKE");
    }

    @Test
    void bytesInTheSameReadAsThe220AreAnInjectionAndNoHandshakeStarts() {
        EmbeddedSession s = session(StartTlsPolicy.AUTO).offers("STARTTLS");
        CompletableFuture<Next> step = run(s);
        s.serverSends("220 2.0.0 Ready to start TLS\r\n250-injected\r\n250 AUTH PLAIN\r\n");

        assertThat(done(step)).isEqualTo(Next.ABANDON);
        assertThat(s.ctx.failure).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.STARTTLS_INJECTION);
            assertThat(f.reply().orElseThrow().code()).isEqualTo(220);
        });
        assertThat(s.transcript()).contains("bytes buffered after the 220: 250-injected\\r\\n250 AUTH PLAIN\\r\\n");
        assertThat(s.channel.pipeline().get("tls")).isNull();
    }

    @Test
    void aPartialLineAfterThe220IsAnInjectionToo() {
        EmbeddedSession s = session(StartTlsPolicy.AUTO).offers("STARTTLS");
        CompletableFuture<Next> step = run(s);
        s.serverSends("220 go ahead\r\n250 inj");

        assertThat(done(step)).isEqualTo(Next.ABANDON);
        assertThat(s.ctx.failure.orElseThrow().status()).isEqualTo(ProbeStatus.STARTTLS_INJECTION);
        assertThat(s.transcript()).contains("bytes buffered after the 220: 250 inj");
    }

    @Test
    void plaintextArrivingAfterTheHandshakeBeganIsAnInjection() {
        EmbeddedSession s = session(StartTlsPolicy.AUTO).offers("STARTTLS");
        CompletableFuture<Next> step = run(s);
        s.serverSends("220 go ahead\r\n");
        ((ByteBuf) s.channel.readOutbound()).release();
        s.serverSends("250 injected after the client hello\r\n");

        assertThat(step).isCompletedExceptionally();
        ExchangeFailure f = (ExchangeFailure) step.handle((n, e) -> e instanceof CompletionException ? e.getCause() : e)
                .join();
        assertThat(f.status).isEqualTo(ProbeStatus.STARTTLS_INJECTION);
        assertThat(s.listener.events()).contains("phaseFailed TLS_HANDSHAKE STARTTLS_INJECTION");
    }

    @Test
    void a250ToStartTlsIsTheWrongClass() {
        EmbeddedSession s = session(StartTlsPolicy.AUTO).offers("STARTTLS");
        CompletableFuture<Next> step = run(s);
        s.serverSends("250 2.0.0 ok, whatever\r\n");

        assertThat(done(step)).isEqualTo(Next.ABANDON);
        assertThat(s.ctx.failure.orElseThrow().status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR);
        assertThat(s.noteKinds()).containsExactly(SessionNote.Kind.WRONG_CLASS_REPLY);
        assertThat(s.channel.pipeline().get("tls")).isNull();
    }
}
