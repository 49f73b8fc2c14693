package dev.smtpprobe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.RecordedCommand;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.model.ExtensionUse;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.RecipientResult;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 2920 over a socket: one write for the envelope, replies however the server writes them, desync caught. */
class SmtpProberPipeliningTest extends SessionTestSupport {

    private static final List<String> RECIPIENTS = List.of("bob@example.test", "carol@example.test");
    private static final String MESSAGE = "Subject: pipelined\r\n\r\nhello\r\n";

    private List<RecordedCommand> commandsUntilQuiet() {
        List<RecordedCommand> out = new ArrayList<>();
        Optional<RecordedCommand> c;
        while ((c = server.pollCommand(Duration.ofMillis(300))).isPresent()) {
            out.add(c.get());
        }
        return out;
    }

    private static Optional<RecipientResult> recipient(SessionResult r, String address) {
        return r.recipients().stream().filter(x -> x.address().equals(address)).findFirst();
    }

    private static List<SessionNote.Kind> noteKinds(SessionResult r) {
        return r.notes().stream().map(SessionNote::kind).toList();
    }

    @Test
    void theEnvelopeAndDataGoInOneWriteAndTheRepliesComeBackInOne() throws Exception {
        server.batchPipelinedReplies().rejectRecipient("carol@example.test", Reply.of(550, "5.1.1 no such user"));
        server.start();

        SessionResult r = run(request().recipients(RECIPIENTS).message(MESSAGE).build());

        List<RecordedCommand> sent = commandsUntilQuiet();
        assertThat(sent).extracting(RecordedCommand::verb).containsExactly("EHLO", "MAIL", "RCPT", "RCPT", "DATA",
                "QUIT");
        assertThat(sent).extracting(RecordedCommand::pipelined).containsExactly(false, false, true, true, true,
                false);
        assertThat(server.takeMessage().lines()).containsExactly("Subject: pipelined", "", "hello");
        assertThat(r.failure()).isEmpty();
        assertThat(recipient(r, "bob@example.test").orElseThrow().accepted()).isTrue();
        assertThat(recipient(r, "carol@example.test").orElseThrow().reply()).hasValueSatisfying(
                rep -> assertThat(rep.code()).isEqualTo(550));
        assertThat(r.pipelinedCommands()).isEqualTo(3);
        assertThat(r.queueId()).isPresent();
        assertThat(r.notes()).isEmpty();
        listener.assertPaired();
    }

    @Test
    void pipeliningSavesRoundTrips() throws Exception {
        server.batchPipelinedReplies();
        server.start();
        SessionResult pipelined = run(request().recipients(RECIPIENTS).message(MESSAGE).build());
        commandsUntilQuiet();
        listener.assertPaired();
        listener = new RecordingEventListener();
        SessionResult oneByOne = run(request().recipients(RECIPIENTS).message(MESSAGE)
                .extensions(ExtensionUse.DEFAULTS.withPipelining(false)).build());

        assertThat(commandsUntilQuiet()).extracting(RecordedCommand::pipelined).containsOnly(false);
        assertThat(pipelined.failure()).isEmpty();
        assertThat(oneByOne.failure()).isEmpty();
        // banner, EHLO, the batch, the message, QUIT; against banner, EHLO, MAIL, RCPT, RCPT, DATA, message, QUIT.
        assertThat(pipelined.roundTrips()).isEqualTo(5);
        assertThat(oneByOne.roundTrips()).isEqualTo(8);
        assertThat(oneByOne.pipelinedCommands()).isZero();
        listener.assertPaired();
    }

    @Test
    void repliesSplitAcrossReadsInTinyPiecesAreMatchedInOrder() throws Exception {
        server.batchPipelinedReplies(3).rejectRecipient("bob@example.test", Reply.of(550, "5.1.1 no bob"));
        server.start();

        SessionResult r = run(request().recipients(List.of("bob@example.test", "carol@example.test",
                "dave@example.test")).message(MESSAGE).build());

        assertThat(r.failure()).isEmpty();
        assertThat(r.recipients()).extracting(x -> x.reply().map(SmtpReply::code).orElse(0))
                .containsExactly(550, 250, 250);
        assertThat(r.pipelinedCommands()).isEqualTo(4);
        assertThat(r.delivery()).isPresent();
        listener.assertPaired();
    }

    @Test
    void aDroppedRcptReplyIsADesyncAndNoRecipientKeepsAReplyThatMayNotBeItsOwn() throws Exception {
        // Bob's reply never comes: carol's 550 arrives where bob's reply is due, and DATA's 354 where carol's is.
        server.batchPipelinedReplies()
                .rejectRecipient("bob@example.test", Reply.none())
                .rejectRecipient("carol@example.test", Reply.of(550, "5.1.1 no carol"));
        server.start();

        SessionResult r = run(request().recipients(RECIPIENTS).message(MESSAGE).build());

        assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR));
        assertThat(noteKinds(r)).contains(SessionNote.Kind.PIPELINING_DESYNC);
        assertThat(recipient(r, "bob@example.test").orElseThrow().reply()).as("carol's 550 is not bob's")
                .isEmpty();
        assertThat(recipient(r, "carol@example.test").orElseThrow().reply()).isEmpty();
        assertThat(r.delivery()).isEmpty();
        listener.assertPaired();
    }

    @Test
    void anExtraReplyInTheBatchIsADesyncAndNoRecipientKeepsAReplyThatMayNotBeItsOwn() throws Exception {
        // Bob's reply comes twice: the second lands where carol's is due, carol's 550 where DATA's is.
        server.batchPipelinedReplies()
                .rejectRecipient("bob@example.test", Reply.raw("250 2.1.5 bob ok\r\n250 2.1.5 bob ok again\r\n"))
                .rejectRecipient("carol@example.test", Reply.of(550, "5.1.1 no carol"));
        server.start();

        SessionResult r = run(request().recipients(RECIPIENTS).message(MESSAGE).build());

        assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR));
        assertThat(noteKinds(r)).contains(SessionNote.Kind.PIPELINING_DESYNC);
        assertThat(recipient(r, "carol@example.test").orElseThrow().reply()).as("bob's second 250 is not carol's")
                .isEmpty();
        assertThat(r.delivery()).isEmpty();
        listener.assertPaired();
    }

    @Test
    void anExtraReplyAfterTheLastRecipientIsADesync() throws Exception {
        // No message, so no DATA in the batch: carol's doubled reply has nothing left to land on.
        server.batchPipelinedReplies()
                .rejectRecipient("carol@example.test", Reply.raw("250 2.1.5 ok\r\n250 2.1.5 ok again\r\n"));
        server.start();

        SessionResult r = run(request().recipients(RECIPIENTS).build());

        assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR));
        assertThat(noteKinds(r)).contains(SessionNote.Kind.PIPELINING_DESYNC);
        listener.assertPaired();
    }

    @Test
    void aPipelinedDataThatGets354AfterARefusedSenderIsClosedWithAnEmptyMessage() throws Exception {
        // A careless server refuses MAIL yet accepts the RCPTs and DATA that were already on their way: whatever
        // the client writes next would be message text, so a lone dot closes the data phase before QUIT.
        server.on("MAIL", Reply.of(550, "5.7.1 sender refused"));
        server.start();
        SessionResult r = run(request().recipients(RECIPIENTS).message(MESSAGE).build());

        assertThat(commandsUntilQuiet()).extracting(RecordedCommand::verb)
                .containsExactly("EHLO", "MAIL", "RCPT", "RCPT", "DATA", "QUIT");
        assertThat(server.takeMessage().lines()).as("an empty message, not ours").isEmpty();
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(dev.smtpprobe.model.SmtpPhase.MAIL);
        });
        assertThat(r.recipients()).allSatisfy(x -> assertThat(x.notTried()).isPresent());
        assertThat(r.delivery()).isEmpty();
        assertThat(r.politeEnd()).isTrue();
        listener.assertPaired();
    }

    @Test
    void aDoubledReplyToTheLastRcptWithoutPipeliningIsStillAProtocolError() throws Exception {
        // Without PIPELINING the stray reply arrives as the session turns to its polite end (RSET, QUIT).
        server.rejectRecipient("carol@example.test", Reply.raw("250 2.1.5 ok\r\n250 2.1.5 ok again\r\n"));
        server.start();
        SessionResult r = run(request().recipients(RECIPIENTS).extensions(ExtensionUse.DEFAULTS.withPipelining(false))
                .build());

        assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR));
        assertThat(noteKinds(r)).doesNotContain(SessionNote.Kind.PIPELINING_DESYNC);
        listener.assertPaired();
    }

    @Test
    void anEarlyTalkerIsAProtocolErrorAndItsReplyIsNotTakenAsTheAnswerToEhlo() throws Exception {
        // The server greets and, without waiting for EHLO, sends a 250 in the same write.
        server.greeting(Reply.raw("220 mx.example.test ESMTP\r\n250 mx.example.test hello, whoever you are\r\n"));
        server.start();
        SessionResult r = run(request().recipients(RECIPIENTS).build());

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR);
            assertThat(f.reply().map(SmtpReply::text)).contains("mx.example.test hello, whoever you are");
        });
        assertThat(r.capabilities().serverName()).as("no EHLO reply was taken").isEmpty();
        assertThat(commandsUntilQuiet()).extracting(RecordedCommand::verb).doesNotContain("MAIL");
        listener.assertPaired();
    }

    @Test
    void aFloodOfRepliesIsOneProtocolError() throws Exception {
        server.on("EHLO", Reply.raw("250-mx.example.test\r\n250 PIPELINING\r\n" + "250 flood\r\n".repeat(2000)));
        server.start();
        SessionResult r = run(request().recipients(RECIPIENTS).build());

        assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR));
        assertThat(r.recipients()).noneSatisfy(x -> assertThat(x.accepted()).isTrue());
        listener.assertPaired();
    }

    // ---------------------------------------------------------------- the listener contract

    @Test
    void theListenerSeesTheWholeBatchOpenAtOnceAndItsEndsInStartOrder() throws Exception {
        server.batchPipelinedReplies();
        server.start();
        SessionResult r = run(request().recipients(RECIPIENTS).message(MESSAGE).build());

        assertThat(r.failure()).isEmpty();
        List<String> events = listener.events();
        int mail = events.indexOf("phaseStart MAIL");
        assertThat(events.subList(mail, mail + 8)).containsExactly("phaseStart MAIL", "phaseStart RCPT",
                "phaseStart RCPT", "phaseStart DATA", "phaseEnd MAIL", "phaseEnd RCPT", "phaseEnd RCPT",
                "phaseEnd DATA");
        listener.assertPaired();
    }

    @Test
    void aBatchCutShortByATimeoutFailsItsOpenPhasesInStartOrder() throws Exception {
        // Bob's RCPT is never answered: it, carol's RCPT and DATA are all open when the command timeout strikes.
        server.rejectRecipient("bob@example.test", Reply.effectOnly(new dev.smtpprobe.fixtures.SocketEffect.Stall()));
        server.start();
        SessionResult r = run(request().recipients(RECIPIENTS).message(MESSAGE).build());

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.TIMEOUT);
            assertThat(f.phase()).isEqualTo(dev.smtpprobe.model.SmtpPhase.RCPT);
        });
        assertThat(listener.events()).containsSubsequence("phaseEnd MAIL", "phaseFailed RCPT TIMEOUT",
                "phaseFailed RCPT TIMEOUT", "phaseFailed DATA TIMEOUT");
        assertThat(r.recipients()).allSatisfy(x -> assertThat(x.reply()).isEmpty());
        listener.assertPaired();
    }
}
