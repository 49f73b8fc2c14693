package dev.smtpprobe.session;

import static dev.smtpprobe.session.EmbeddedSession.done;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SmtpPhase;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GreetingStepTest {

    private final EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request());

    @Test
    void a220GreetingGoesOnAndTheClientSaysNothingFirst() {
        CompletableFuture<Next> step = new GreetingStep().run(s.ctx);
        assertThat(s.clientWrites()).isEmpty();
        s.serverSends("220-mx.example.test ESMTP\r\n").serverSends("220 no UCE\r\n");

        assertThat(done(step)).isEqualTo(Next.CONTINUE);
        assertThat(s.ctx.failure).isEmpty();
        assertThat(s.timeline.steps()).singleElement().satisfies(st -> {
            assertThat(st.phase()).isEqualTo(SmtpPhase.BANNER);
            assertThat(st.reply().orElseThrow().lines()).containsExactly("mx.example.test ESMTP", "no UCE");
        });
        s.assertListenerPaired();
    }

    @Test
    void quitAfterTheBannerStopsPolitely() {
        EmbeddedSession q = EmbeddedSession.of(EmbeddedSession.request().quitAfter(QuitAfter.BANNER));
        CompletableFuture<Next> step = new GreetingStep().run(q.ctx);
        q.serverSends("220 hi\r\n");
        assertThat(done(step)).isEqualTo(Next.QUIT);
        assertThat(q.ctx.failure).isEmpty();
    }

    @Test
    void a554GreetingIsARefusalWithTheReplyAsEvidence() {
        CompletableFuture<Next> step = new GreetingStep().run(s.ctx);
        s.serverSends("554 5.7.1 mx.example.test no SMTP service for you\r\n");

        assertThat(done(step)).isEqualTo(Next.QUIT);
        assertThat(s.ctx.failure).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.BANNER);
            assertThat(f.message()).startsWith("the server refused the session in its greeting: 554");
            assertThat(f.reply().orElseThrow().code()).isEqualTo(554);
        });
        s.assertListenerPaired();
    }

    @Test
    void a421GreetingSaysTheServerIsClosing() {
        CompletableFuture<Next> step = new GreetingStep().run(s.ctx);
        s.serverSends("421 4.3.2 too busy, try later\r\n");

        // The step asks for the polite end; SmtpSession turns it into a close because the failure is a 421.
        assertThat(done(step)).isEqualTo(Next.QUIT);
        assertThat(s.ctx.failure).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.message()).startsWith("the server is closing the connection: 421");
            assertThat(f.reply().orElseThrow().code()).isEqualTo(421);
        });
    }

    @Test
    void a250GreetingIsTheWrongClassAndTheStreamIsAbandoned() {
        CompletableFuture<Next> step = new GreetingStep().run(s.ctx);
        s.serverSends("250 mx.example.test ready\r\n");

        assertThat(done(step)).isEqualTo(Next.ABANDON);
        assertThat(s.ctx.failure).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR);
            assertThat(f.phase()).isEqualTo(SmtpPhase.BANNER);
        });
        assertThat(s.noteKinds()).containsExactly(SessionNote.Kind.WRONG_CLASS_REPLY);
    }

    @Test
    void noGreetingWithinTheBannerTimeoutFailsTheStep() {
        CompletableFuture<Next> step = new GreetingStep().run(s.ctx);
        s.advance(EmbeddedSession.TIMEOUTS.banner().minus(Duration.ofMillis(1)));
        assertThat(step).isNotDone();
        s.advance(Duration.ofMillis(1));

        assertThat(step).isCompletedExceptionally();
        assertThat(step.handle((n, e) -> ((ExchangeFailure) e.getCause()).status).join())
                .isEqualTo(ProbeStatus.TIMEOUT);
    }
}
