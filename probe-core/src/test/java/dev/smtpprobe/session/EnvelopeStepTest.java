package dev.smtpprobe.session;

import static dev.smtpprobe.session.EmbeddedSession.done;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.ExtensionUse;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.RecipientResult;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SmtpReply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class EnvelopeStepTest {

    private static final List<String> TWO = List.of("bob@example.test", "carol@example.test");

    @Test
    void withPipeliningTheEnvelopeAndDataGoInOneWriteBeforeAnyReply() {
        EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request().recipients(TWO)
                .message("Subject: hi\r\n\r\nbody\r\n")).offers("PIPELINING");
        CompletableFuture<Next> step = new EnvelopeStep().run(s.ctx);

        assertThat(s.flushes()).isEqualTo(1);
        assertThat(s.clientWrote()).isEqualTo("MAIL FROM:<sender@probe.test>\r\nRCPT TO:<bob@example.test>\r\n"
                + "RCPT TO:<carol@example.test>\r\nDATA\r\n");
        assertThat(s.listener.events()).containsExactly("sessionStart", "phaseStart MAIL", "phaseStart RCPT",
                "phaseStart RCPT", "phaseStart DATA");
        s.serverSends("250 2.1.0 ok\r\n250 2.1.5 ok\r\n550 5.1.1 no such user\r\n354 go ahead\r\n");

        assertThat(done(step)).isEqualTo(Next.CONTINUE);
        assertThat(s.ctx.recipients).extracting(RecipientResult::address, RecipientResult::accepted)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("bob@example.test", true),
                        org.assertj.core.groups.Tuple.tuple("carol@example.test", false));
        assertThat(s.ctx.pipelinedData).hasValueSatisfying(d -> assertThat(d.join().code()).isEqualTo(354));
        assertThat(s.ctx.transactionOpen).isTrue();
        assertThat(s.ctx.wire.roundTrips()).isEqualTo(1);
        assertThat(s.ctx.wire.pipelinedCommands()).isEqualTo(3);
        // Several phases were open at once; they ended in the order they started, as their replies came.
        assertThat(s.listener.events()).endsWith("phaseEnd MAIL", "phaseEnd RCPT", "phaseEnd RCPT", "phaseEnd DATA");
        s.assertListenerPaired();
    }

    @Test
    void pipelinedRepliesSplitAcrossReadsAreReadInOrder() {
        EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request().recipients(TWO)).offers("PIPELINING");
        CompletableFuture<Next> step = new EnvelopeStep().run(s.ctx);
        assertThat(s.clientWrote()).doesNotContain("DATA");
        s.serverSends("250 2.1.0 ok\r\n25");
        assertThat(step).isNotDone();
        s.serverSends("0 2.1.5 ok\r\n250 2.1");
        assertThat(s.ctx.recipients).extracting(RecipientResult::address).containsExactly("bob@example.test");
        s.serverSends(".5 ok\r\n");

        assertThat(done(step)).isEqualTo(Next.CONTINUE);
        assertThat(s.ctx.recipients).allSatisfy(r -> assertThat(r.accepted()).isTrue());
        assertThat(s.ctx.pipelinedData).isEmpty();
    }

    @Test
    void withoutPipeliningEachCommandWaitsForTheReplyBeforeIt() {
        EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request().recipients(TWO)
                .message("Subject: hi\r\n\r\nbody\r\n")).offers("8BITMIME");
        CompletableFuture<Next> step = new EnvelopeStep().run(s.ctx);

        assertThat(s.clientWrote()).isEqualTo("MAIL FROM:<sender@probe.test>\r\n");
        s.serverSends("250 ok\r\n");
        assertThat(s.clientWrote()).isEqualTo("RCPT TO:<bob@example.test>\r\n");
        s.serverSends("250 ok\r\n");
        assertThat(s.clientWrote()).isEqualTo("RCPT TO:<carol@example.test>\r\n");
        s.serverSends("250 ok\r\n");

        assertThat(done(step)).isEqualTo(Next.CONTINUE);
        assertThat(s.clientWrites()).as("DATA is the message step's to send").isEmpty();
        assertThat(s.ctx.pipelinedData).isEmpty();
        assertThat(s.ctx.wire.roundTrips()).isEqualTo(3);
        assertThat(s.ctx.wire.pipelinedCommands()).isZero();
    }

    @Test
    void pipeliningTurnedOffIsNotUsedEvenWhenOffered() {
        EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request().recipients(TWO)
                .extensions(ExtensionUse.DEFAULTS.withPipelining(false))).offers("PIPELINING");
        new EnvelopeStep().run(s.ctx);
        assertThat(s.clientWrote()).isEqualTo("MAIL FROM:<sender@probe.test>\r\n");
    }

    @Test
    void a354ToAPipelinedRcptIsADesyncAndTheRecipientsAfterItAreNotTried() {
        EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request().recipients(TWO)
                .message("Subject: hi\r\n\r\nbody\r\n")).offers("PIPELINING");
        CompletableFuture<Next> step = new EnvelopeStep().run(s.ctx);
        // The server lost bob's reply: carol's slot gets the 354 meant for DATA.
        s.serverSends("250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go ahead\r\n");

        assertThat(done(step)).isEqualTo(Next.ABANDON);
        assertThat(s.ctx.failure.orElseThrow().status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR);
        assertThat(s.noteKinds()).contains(SessionNote.Kind.WRONG_CLASS_REPLY, SessionNote.Kind.PIPELINING_DESYNC);
        // Which reply was lost cannot be told, so bob's 250 may be carol's: no recipient keeps one.
        assertThat(s.ctx.recipients).hasSize(2).allSatisfy(r -> {
            assertThat(r.reply()).isEmpty();
            assertThat(r.notTried()).hasValueSatisfying(why -> assertThat(why).contains("out of step"));
        });
    }

    @Test
    void aReadWithMoreRepliesThanTheBatchAskedForIsADesync() {
        EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request().recipients(TWO)).offers("PIPELINING");
        CompletableFuture<Next> step = new EnvelopeStep().run(s.ctx);
        s.serverSends("250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.1.5 ok\r\n550 5.1.1 whose?\r\n");

        assertThat(done(step)).isEqualTo(Next.ABANDON);
        assertThat(s.ctx.failure.orElseThrow().status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR);
        assertThat(s.noteKinds()).containsExactly(SessionNote.Kind.PIPELINING_DESYNC);
        assertThat(s.ctx.recipients).hasSize(2).allSatisfy(r -> assertThat(r.reply()).isEmpty());
    }

    @Test
    void repliesStillHalfDecodedAreNotMistakenForExtraOnes() {
        EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request().recipients(TWO)).offers("PIPELINING");
        CompletableFuture<Next> step = new EnvelopeStep().run(s.ctx);
        s.serverSends("250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.1");
        s.serverSends(".5 ok\r\n");

        assertThat(done(step)).isEqualTo(Next.CONTINUE);
        assertThat(s.noteKinds()).isEmpty();
    }

    @Test
    void aRcptRefusalDoesNotStopTheNextRecipient() {
        EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request().recipients(TWO)).offers();
        CompletableFuture<Next> step = new EnvelopeStep().run(s.ctx);
        s.serverSends("250 ok\r\n");
        s.serverSends("550 5.1.1 unknown\r\n");
        s.serverSends("250 ok\r\n");

        assertThat(done(step)).isEqualTo(Next.CONTINUE);
        assertThat(s.ctx.recipients).extracting(r -> r.reply().map(SmtpReply::code).orElse(0))
                .containsExactly(550, 250);
        assertThat(s.ctx.failure).isEmpty();
    }
}
