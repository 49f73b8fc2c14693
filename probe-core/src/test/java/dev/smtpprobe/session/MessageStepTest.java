package dev.smtpprobe.session;

import static dev.smtpprobe.session.EmbeddedSession.done;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.RecipientResult;
import dev.smtpprobe.model.SessionOptions.Protocol;
import dev.smtpprobe.model.SessionResult.Delivery;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.SessionRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MessageStepTest {

    private static final String MESSAGE = "Message-ID: <m1@probe.test>\r\nSubject: hi\r\n\r\n.leading dot\r\nbody\r\n";

    /** A session whose envelope went through: MAIL accepted and each recipient given a 250. */
    private static EmbeddedSession afterEnvelope(SessionRequest.Builder request, String... recipients) {
        EmbeddedSession s = EmbeddedSession.of(request.recipients(List.of(recipients)).message(MESSAGE));
        s.ctx.transactionOpen = true;
        for (String r : recipients) {
            s.ctx.recipients.add(new RecipientResult(r, false, Optional.of(SmtpReply.of(250, "2.1.5 ok")),
                    Optional.empty()));
        }
        return s;
    }

    @Test
    void dataSendsTheMessageDotStuffedAndRecordsTheQueueId() {
        EmbeddedSession s = afterEnvelope(EmbeddedSession.request(), "bob@example.test").offers();
        CompletableFuture<Next> step = new MessageStep().run(s.ctx);
        assertThat(s.clientWrote()).isEqualTo("DATA\r\n");
        s.serverSends("354 End data with <CR><LF>.<CR><LF>\r\n");
        assertThat(s.clientWrote()).isEqualTo("Message-ID: <m1@probe.test>\r\nSubject: hi\r\n\r\n..leading dot\r\n"
                + "body\r\n.\r\n");
        s.serverSends("250 2.0.0 Ok: queued as 4XyZ12\r\n");

        assertThat(done(step)).isEqualTo(Next.QUIT);
        assertThat(s.ctx.delivery).contains(new Delivery("DATA", MESSAGE.length(), 1, Optional.of("m1@probe.test"),
                Optional.of("4XyZ12")));
        assertThat(s.ctx.transactionOpen).isFalse();
        assertThat(s.ctx.failure).isEmpty();
        s.assertListenerPaired();
    }

    @Test
    void aDataAlreadyPipelinedIsNotSentAgain() {
        EmbeddedSession s = afterEnvelope(EmbeddedSession.request(), "bob@example.test").offers("PIPELINING");
        s.ctx.pipelinedData = Optional.of(CompletableFuture.completedFuture(SmtpReply.of(354, "go ahead")));
        CompletableFuture<Next> step = new MessageStep().run(s.ctx);

        assertThat(s.clientWrote()).startsWith("Message-ID:").endsWith("\r\n.\r\n");
        s.serverSends("250 ok\r\n");
        assertThat(done(step)).isEqualTo(Next.QUIT);
    }

    @Test
    void bdatSendsCountedChunksEachWithItsReply() {
        EmbeddedSession s = afterEnvelope(EmbeddedSession.request(), "bob@example.test").offers("CHUNKING");
        assertThat(MESSAGE.length()).as("three chunks of at most 24").isBetween(49, 72);
        CompletableFuture<Next> step = new MessageStep(24).run(s.ctx);

        assertThat(s.clientWrote()).isEqualTo("BDAT 24\r\n" + MESSAGE.substring(0, 24));
        s.serverSends("250 2.0.0 24 octets\r\n");
        assertThat(s.clientWrote()).isEqualTo("BDAT 24\r\n" + MESSAGE.substring(24, 48));
        s.serverSends("250 2.0.0 24 octets\r\n");
        int rest = MESSAGE.length() - 48;
        assertThat(s.clientWrote()).as("nothing dot-stuffed, nothing appended")
                .isEqualTo("BDAT " + rest + " LAST\r\n" + MESSAGE.substring(48));
        s.serverSends("250 2.0.0 Ok: queued as BDAT42\r\n");

        assertThat(done(step)).isEqualTo(Next.QUIT);
        assertThat(s.ctx.delivery).hasValueSatisfying(d -> {
            assertThat(d.method()).isEqualTo("BDAT");
            assertThat(d.chunks()).isEqualTo(3);
            assertThat(d.queueId()).contains("BDAT42");
        });
        assertThat(s.ctx.transactionOpen).isFalse();
        assertThat(s.timeline.steps()).extracting(st -> st.command().orElse(""))
                .containsExactly("BDAT 24 <24 octets>", "BDAT 24 <24 octets>", "BDAT " + rest + " LAST <" + rest
                        + " octets>");
    }

    @Test
    void aRefusedChunkStopsTheMessageAndLeavesTheTransactionForRset() {
        EmbeddedSession s = afterEnvelope(EmbeddedSession.request(), "bob@example.test").offers("CHUNKING");
        CompletableFuture<Next> step = new MessageStep(20).run(s.ctx);
        s.clientWrites();
        s.serverSends("552 5.3.4 Message too big for system\r\n");

        assertThat(done(step)).isEqualTo(Next.QUIT);
        assertThat(s.clientWrites()).as("no further chunk").isEmpty();
        assertThat(s.ctx.failure).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.MESSAGE);
            assertThat(f.reply().orElseThrow().code()).isEqualTo(552);
        });
        assertThat(s.ctx.transactionOpen).as("Farewell sends RSET").isTrue();
    }

    @Test
    void a250ToDataIsTheWrongClass() {
        EmbeddedSession s = afterEnvelope(EmbeddedSession.request(), "bob@example.test").offers();
        CompletableFuture<Next> step = new MessageStep().run(s.ctx);
        s.clientWrites();
        s.serverSends("250 2.0.0 ok\r\n");

        assertThat(done(step)).isEqualTo(Next.ABANDON);
        assertThat(s.clientWrites()).as("the message is not sent into a stream out of step").isEmpty();
        assertThat(s.ctx.failure.orElseThrow().status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR);
    }

    @Test
    void lmtpReadsOneReplyPerAcceptedRecipientAfterTheMessage() {
        EmbeddedSession s = afterEnvelope(EmbeddedSession.request().protocol(Protocol.LMTP), "bob@example.test",
                "carol@example.test").offers();
        CompletableFuture<Next> step = new MessageStep().run(s.ctx);
        s.clientWrites();
        s.serverSends("354 go ahead\r\n");
        s.clientWrites();
        s.serverSends("250 2.1.5 bob ok\r\n");
        assertThat(step).as("carol's reply is still due").isNotDone();
        s.serverSends("452 4.2.2 carol's mailbox is full\r\n");

        assertThat(done(step)).isEqualTo(Next.QUIT);
        assertThat(s.ctx.failure).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.reply().orElseThrow().code()).isEqualTo(452);
        });
        assertThat(s.timeline.steps()).filteredOn(st -> st.phase() == SmtpPhase.MESSAGE)
                .extracting(st -> st.reply().orElseThrow().code()).containsExactly(250, 452);
        assertThat(s.ctx.delivery).hasValueSatisfying(d -> assertThat(d.method()).isEqualTo("DATA"));
        s.assertListenerPaired();
    }

    @Test
    void noAcceptedRecipientSendsNoMessage() {
        EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request().recipients(List.of("x@example.test"))
                .message(MESSAGE)).offers();
        s.ctx.recipients.add(new RecipientResult("x@example.test", false, Optional.of(SmtpReply.of(550, "no")),
                Optional.empty()));
        assertThat(done(new MessageStep().run(s.ctx))).isEqualTo(Next.QUIT);
        assertThat(s.clientWrites()).isEmpty();
    }
}
