package dev.smtpprobe.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SmtpCommand;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/** The FIFO of exchanges: replies matched in order, only when a read is complete, and never to a later command. */
class WireTest {

    private final EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request());

    private CompletableFuture<SmtpReply> send(SmtpPhase phase, String verb, Duration timeout) {
        return s.ctx.wire.send(new Outgoing(phase, SmtpCommand.of(verb), verb, timeout));
    }

    private static Outgoing command(SmtpPhase phase, String line) {
        int space = line.indexOf(' ');
        SmtpCommand c = space < 0 ? SmtpCommand.of(line) : SmtpCommand.of(line.substring(0, space),
                line.substring(space + 1));
        return Outgoing.command(phase, c, Duration.ofSeconds(3));
    }

    private static ExchangeFailure failureOf(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(ExchangeFailure.class);
            return (ExchangeFailure) e.getCause();
        }
        throw new AssertionError("not failed");
    }

    // ---------------------------------------------------------------- reads

    @Test
    void aReplySplitAcrossReadsIsDeliveredOnceWhole() {
        CompletableFuture<SmtpReply> ehlo = send(SmtpPhase.EHLO, "EHLO", Duration.ofSeconds(3));
        s.serverSends("250-mx.example.test\r\n250-PIPE");
        assertThat(ehlo).isNotDone();
        s.serverSends("LINING\r\n25");
        assertThat(ehlo).isNotDone();
        s.serverSends("0 8BITMIME\r\n");

        assertThat(ehlo).isCompleted();
        assertThat(ehlo.join().lines()).containsExactly("mx.example.test", "PIPELINING", "8BITMIME");
        assertThat(s.unsolicited).isEmpty();
    }

    @Test
    void repliesCoalescedInOneReadCompleteTheirExchangesInOrder() {
        List<CompletableFuture<SmtpReply>> replies = s.ctx.wire.pipeline(List.of(
                command(SmtpPhase.MAIL, "MAIL FROM:<a@probe.test>"), command(SmtpPhase.RCPT, "RCPT TO:<b@x.test>"),
                command(SmtpPhase.RCPT, "RCPT TO:<c@x.test>")));
        List<Integer> completedInOrder = new java.util.ArrayList<>();
        for (CompletableFuture<SmtpReply> r : replies) {
            r.thenAccept(reply -> completedInOrder.add(reply.code()));
        }
        s.serverSends("250 2.1.0 ok\r\n550 5.1.1 no such user\r\n251 2.1.5 forwarded\r\n");

        assertThat(completedInOrder).containsExactly(250, 550, 251);
        assertThat(s.ctx.wire.roundTrips()).isEqualTo(1);
        assertThat(s.ctx.wire.pipelinedCommands()).isEqualTo(2);
    }

    @Test
    void repliesFromSeveralReadsAreHandedOverOnlyWhenTheReadIsComplete() {
        // Netty reads a socket several times before channelReadComplete; a step must see a reply only then, or it
        // would write its next command while the rest of the server's bytes are still being matched.
        List<CompletableFuture<SmtpReply>> replies = s.ctx.wire.pipeline(List.of(
                command(SmtpPhase.MAIL, "MAIL FROM:<a@probe.test>"), command(SmtpPhase.RCPT, "RCPT TO:<b@x.test>")));
        List<String> eventsWhenMailHandedOver = new java.util.ArrayList<>();
        replies.get(0).thenAccept(r -> eventsWhenMailHandedOver.addAll(s.listener.events()));
        s.channel.pipeline().fireChannelRead(Unpooled.copiedBuffer("250 ok\r\n2", StandardCharsets.US_ASCII));
        assertThat(replies.get(0)).as("matched, but not handed over before the read is complete").isNotDone();
        s.channel.pipeline().fireChannelRead(Unpooled.copiedBuffer("50 ok\r\n", StandardCharsets.US_ASCII));
        s.channel.pipeline().fireChannelReadComplete();

        assertThat(replies).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(eventsWhenMailHandedOver).as("both replies were matched before either was handed over")
                .contains("phaseEnd MAIL", "phaseEnd RCPT");
    }

    @Test
    void eachPipelinedCommandIsAnExchangeOpenUntilItsReply() {
        s.ctx.wire.pipeline(List.of(command(SmtpPhase.MAIL, "MAIL FROM:<a@probe.test>"),
                command(SmtpPhase.RCPT, "RCPT TO:<b@x.test>"), command(SmtpPhase.DATA, "DATA")));
        assertThat(s.listener.events()).containsExactly("sessionStart", "phaseStart MAIL", "phaseStart RCPT",
                "phaseStart DATA");
        s.serverSends("250 ok\r\n250 ok\r\n354 go ahead\r\n");

        assertThat(s.listener.events()).containsExactly("sessionStart", "phaseStart MAIL", "phaseStart RCPT",
                "phaseStart DATA", "phaseEnd MAIL", "phaseEnd RCPT", "phaseEnd DATA");
        assertThat(s.flushes()).as("one write for the batch").isEqualTo(1);
        assertThat(s.clientWrote()).isEqualTo("MAIL FROM:<a@probe.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n");
        s.assertListenerPaired();
    }

    // ---------------------------------------------------------------- unsolicited

    @Test
    void anEarlyTalkerIsUnsolicitedAndNeverAnswersTheEhloSentAfterIt() {
        CompletableFuture<SmtpReply> greeting = s.ctx.wire.expect(SmtpPhase.BANNER, Duration.ofSeconds(2));
        CompletableFuture<SmtpReply> ehlo = new CompletableFuture<>();
        // As the session does: EHLO goes out the moment the greeting is handed over.
        greeting.thenAccept(g -> send(SmtpPhase.EHLO, "EHLO", Duration.ofSeconds(3)).whenComplete((r, e) -> {
            if (e != null) {
                ehlo.completeExceptionally(e);
            } else {
                ehlo.complete(r);
            }
        }));
        // The server talks before it could have read EHLO: its 250 is in the same read as the greeting.
        s.serverSends("220 mx.example.test ESMTP\r\n250 mx.example.test hello, whoever you are\r\n");

        assertThat(greeting.join().code()).isEqualTo(220);
        assertThat(s.unsolicited).extracting(SmtpReply::code).containsExactly(250);
        assertThat(ehlo).as("the early 250 is not the answer to EHLO").isNotDone();
        assertThat(s.clientWrote()).isEqualTo("EHLO\r\n");
        s.serverSends("250-mx.example.test\r\n250 PIPELINING\r\n");
        assertThat(ehlo.join().lines()).containsExactly("mx.example.test", "PIPELINING");
    }

    @Test
    void aDoubledReplyIsUnsolicitedAndNotTakenByTheNextCommand() {
        CompletableFuture<SmtpReply> mail = send(SmtpPhase.MAIL, "MAIL", Duration.ofSeconds(3));
        s.serverSends("250 2.1.0 ok\r\n250 2.1.0 ok\r\n");

        assertThat(mail.join().code()).isEqualTo(250);
        assertThat(s.unsolicited).hasSize(1);
        CompletableFuture<SmtpReply> rcpt = send(SmtpPhase.RCPT, "RCPT", Duration.ofSeconds(3));
        assertThat(rcpt).isNotDone();
        s.serverSends("550 5.1.1 no\r\n");
        assertThat(rcpt.join().code()).isEqualTo(550);
    }

    @Test
    void aFloodOfRepliesIsReportedOnceAndNothingIsMatchedAfterTheSessionGivesUp() {
        CompletableFuture<SmtpReply> noop = send(SmtpPhase.RSET, "RSET", Duration.ofSeconds(3));
        s.serverSends("250 ok\r\n" + "250 more\r\n".repeat(500));

        assertThat(noop.join().text()).isEqualTo("ok");
        assertThat(s.unsolicited).as("one report for the read, whatever its size").hasSize(1);
        // What SmtpSession does with the report: nothing said afterwards is matched to anything.
        s.ctx.wire.failAll(ProbeStatus.PROTOCOL_ERROR, "unsolicited");
        CompletableFuture<SmtpReply> quit = send(SmtpPhase.QUIT, "QUIT", Duration.ofSeconds(3));
        s.serverSends("250 still more\r\n".repeat(10));
        assertThat(failureOf(quit).status).isEqualTo(ProbeStatus.CONNECTION_CLOSED);
        assertThat(s.unsolicited).hasSize(1);
        assertThat(s.clientWrote()).isEqualTo("RSET\r\n");
    }

    @Test
    void aReplyAfterItsExchangeTimedOutIsUnsolicitedNotTheNextAnswer() {
        CompletableFuture<SmtpReply> mail = send(SmtpPhase.MAIL, "MAIL", Duration.ofSeconds(3));
        s.advance(Duration.ofSeconds(3));
        assertThat(failureOf(mail).status).isEqualTo(ProbeStatus.TIMEOUT);

        s.serverSends("250 late\r\n");
        assertThat(s.unsolicited).extracting(SmtpReply::text).containsExactly("late");
    }

    // ---------------------------------------------------------------- deadlines

    @Test
    void anExchangeTimesOutAfterItsOwnTimeout() {
        CompletableFuture<SmtpReply> greeting = s.ctx.wire.expect(SmtpPhase.BANNER, Duration.ofSeconds(2));
        s.advance(Duration.ofMillis(1999));
        assertThat(greeting).isNotDone();
        s.advance(Duration.ofMillis(1));

        ExchangeFailure f = failureOf(greeting);
        assertThat(f.status).isEqualTo(ProbeStatus.TIMEOUT);
        assertThat(f.phase).isEqualTo(SmtpPhase.BANNER);
        assertThat(f.getMessage()).isEqualTo("no reply within 2000 ms");
        assertThat(s.listener.events()).contains("phaseFailed BANNER TIMEOUT");
    }

    @Test
    void eachPipelinedExchangeGetsItsOwnDeadlineOnceItIsTheOldest() {
        List<CompletableFuture<SmtpReply>> replies = s.ctx.wire.pipeline(List.of(
                new Outgoing(SmtpPhase.RCPT, SmtpCommand.of("RCPT", "TO:<b@x.test>"), "RCPT", Duration.ofSeconds(1)),
                new Outgoing(SmtpPhase.DATA, SmtpCommand.of("DATA"), "DATA", Duration.ofSeconds(5))));
        s.advance(Duration.ofMillis(900));
        s.serverSends("250 ok\r\n");
        // DATA's 5 s run from the RCPT reply, not from the write: at 0.9 + 4.9 s it is still waiting.
        s.advance(Duration.ofMillis(4900));
        assertThat(replies.get(1)).isNotDone();
        s.advance(Duration.ofMillis(100));

        assertThat(failureOf(replies.get(1)).getMessage()).isEqualTo("no reply within 5000 ms");
    }

    @Test
    void aTimeoutFailsTheExchangesBehindTheOldestToo() {
        List<CompletableFuture<SmtpReply>> replies = s.ctx.wire.pipeline(List.of(
                command(SmtpPhase.MAIL, "MAIL FROM:<a@probe.test>"), command(SmtpPhase.RCPT, "RCPT TO:<b@x.test>")));
        s.advance(Duration.ofSeconds(3));

        assertThat(failureOf(replies.get(0)).getMessage()).startsWith("no reply within");
        assertThat(failureOf(replies.get(1)).getMessage()).isEqualTo("not answered: an earlier command failed");
        assertThat(s.listener.events()).endsWith("phaseFailed MAIL TIMEOUT", "phaseFailed RCPT TIMEOUT");
    }

    @Test
    void anAnsweredExchangeNeverTimesOutLater() {
        CompletableFuture<SmtpReply> mail = send(SmtpPhase.MAIL, "MAIL", Duration.ofSeconds(1));
        s.serverSends("250 ok\r\n");
        s.advance(Duration.ofSeconds(10));

        assertThat(mail).isCompleted();
        assertThat(s.listener.events()).doesNotContain("phaseFailed MAIL TIMEOUT");
    }

    // ---------------------------------------------------------------- the connection

    @Test
    void aClosedConnectionFailsWhatIsWaitingAndSaysWhetherAReplyWasCutShort() {
        CompletableFuture<SmtpReply> ehlo = send(SmtpPhase.EHLO, "EHLO", Duration.ofSeconds(3));
        s.serverSends("250-mx.example.test\r\n250-PIPE");
        s.channel.close();

        ExchangeFailure f = failureOf(ehlo);
        assertThat(f.status).isEqualTo(ProbeStatus.CONNECTION_CLOSED);
        assertThat(f.getMessage()).isEqualTo("the server closed the connection in the middle of a reply");
        assertThat(s.idleFailures).isEmpty();
    }

    @Test
    void aClosedConnectionWithNothingWaitingIsAnIdleFailure() {
        s.channel.close();
        assertThat(s.idleFailures).containsExactly("CONNECTION_CLOSED: the server closed the connection");
    }

    @Test
    void aSecretEchoedBackIsScrubbedBeforeAnythingKeepsIt() {
        EmbeddedSession withSecret = EmbeddedSession.of(EmbeddedSession.request()
                .credential(new dev.smtpprobe.model.Credential.Password("alice", "hunter2-secret")));
        CompletableFuture<SmtpReply> auth = withSecret.ctx.wire.send(Outgoing.command(SmtpPhase.AUTH,
                SmtpCommand.authWithSecret("PLAIN", "AGFsaWNlAGh1bnRlcjItc2VjcmV0"), Duration.ofSeconds(3)));
        withSecret.serverSends("535 5.7.8 bad credentials AGFsaWNlAGh1bnRlcjItc2VjcmV0 (hunter2-secret)\r\n");

        assertThat(auth.join().text()).isEqualTo("5.7.8 bad credentials <redacted> (<redacted>)");
        assertThat(withSecret.transcript()).contains("AUTH PLAIN <redacted>").doesNotContain("hunter2")
                .doesNotContain("AGFsaWNlAGh1bnRlcjItc2VjcmV0");
        assertThat(withSecret.timeline.steps()).singleElement().extracting(st -> st.reply().orElseThrow().text(),
                InstanceOfAssertFactories.STRING).doesNotContain("hunter2");
    }
}
