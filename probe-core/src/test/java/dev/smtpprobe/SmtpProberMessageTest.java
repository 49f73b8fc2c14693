package dev.smtpprobe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.RecordedCommand;
import dev.smtpprobe.fixtures.RecordedMessage;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SessionOptions.EnvelopeMode;
import dev.smtpprobe.model.SessionOptions.Protocol;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The message over a socket: BDAT chunks (RFC 3030), SIZE (RFC 1870) and LMTP's reply per recipient (RFC 2033). */
class SmtpProberMessageTest extends SessionTestSupport {

    private static final List<String> BOB = List.of("bob@example.test");

    private List<RecordedCommand> commandsUntilQuiet() {
        List<RecordedCommand> out = new ArrayList<>();
        Optional<RecordedCommand> c;
        while ((c = server.pollCommand(Duration.ofMillis(300))).isPresent()) {
            out.add(c.get());
        }
        return out;
    }

    /** A message of about {@code kib} KiB: headers, then numbered 76-character lines, one with a leading dot. */
    private static String bigMessage(int kib) {
        StringBuilder sb = new StringBuilder("Message-ID: <big@probe.test>\r\nSubject: big\r\n\r\n.dot line\r\n");
        for (int i = 0; sb.length() < kib * 1024; i++) {
            sb.append(String.format("%06d ", i)).append("x".repeat(69)).append("\r\n");
        }
        return sb.toString();
    }

    @Test
    void aMessageBiggerThanOneChunkGoesAsSeveralBdatChunksEachAnswered() throws Exception {
        server.addEhloExtensions("CHUNKING");
        server.start();
        String message = bigMessage(150);

        SessionResult r = run(request().recipients(BOB).message(message).build());

        List<String> lines = commandsUntilQuiet().stream().map(RecordedCommand::rawLine).toList();
        int octets = message.length();
        int last = octets - 2 * 65536;
        assertThat(lines).containsExactly("EHLO probe.test", "MAIL FROM:<sender@probe.test> SIZE=" + octets,
                "RCPT TO:<bob@example.test>", "BDAT 65536", "BDAT 65536", "BDAT " + last + " LAST", "QUIT");
        RecordedMessage received = server.takeMessage();
        assertThat(String.join("\r\n", received.lines()) + "\r\n").as("counted, not dot-stuffed").isEqualTo(message);
        assertThat(r.failure()).isEmpty();
        assertThat(r.delivery()).hasValueSatisfying(d -> {
            assertThat(d.method()).isEqualTo("BDAT");
            assertThat(d.chunks()).isEqualTo(3);
            assertThat(d.octets()).isEqualTo(octets);
            assertThat(d.queueId()).contains(received.queueId());
            assertThat(d.messageId()).contains("big@probe.test");
        });
        assertThat(r.steps()).filteredOn(s -> s.phase() == SmtpPhase.MESSAGE).hasSize(3);
        listener.assertPaired();
    }

    @Test
    void aBdatChunkRefusedMidwayEndsWithRsetAndTheRefusal() throws Exception {
        AtomicInteger chunk = new AtomicInteger();
        server.addEhloExtensions("CHUNKING");
        server.on("BDAT", c -> chunk.incrementAndGet() == 2 ? Reply.of(552, "5.3.4 Message too big for system")
                : Reply.of(250, "2.0.0 chunk ok"));
        server.start();

        SessionResult r = run(request().recipients(BOB).message(bigMessage(150)).build());

        assertThat(commandsUntilQuiet()).extracting(RecordedCommand::verb)
                .containsExactly("EHLO", "MAIL", "RCPT", "BDAT", "BDAT", "RSET", "QUIT");
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.MESSAGE);
            assertThat(f.reply().map(SmtpReply::code)).contains(552);
        });
        assertThat(r.politeEnd()).isTrue();
        listener.assertPaired();
    }

    @Test
    void chunkingTurnedOffSendsData() throws Exception {
        server.addEhloExtensions("CHUNKING");
        server.start();
        SessionResult r = run(request().recipients(BOB).message("Subject: x\r\n\r\nbody\r\n")
                .extensions(dev.smtpprobe.model.ExtensionUse.DEFAULTS.withChunking(false)).build());

        assertThat(commandsUntilQuiet()).extracting(RecordedCommand::verb).contains("DATA").doesNotContain("BDAT");
        assertThat(r.delivery().orElseThrow().method()).isEqualTo("DATA");
    }

    @Test
    void aMessageOverTheAnnouncedSizeIsNotedAndTheServersRefusalRecorded() throws Exception {
        server.ehloExtensions("PIPELINING", "SIZE 1000", "ENHANCEDSTATUSCODES");
        server.on("MAIL", Reply.of(552, "5.3.4 Message size exceeds fixed limit"));
        server.on("RCPT", Reply.of(503, "5.5.1 Error: need MAIL command"));
        server.on("DATA", Reply.of(503, "5.5.1 Error: need RCPT command"));
        server.start();
        String message = bigMessage(2);

        SessionResult r = run(request().recipients(BOB).message(message).build());

        assertThat(server.takeCommand().verb()).isEqualTo("EHLO");
        assertThat(server.takeCommand().rawLine()).isEqualTo("MAIL FROM:<sender@probe.test> SIZE=" + message.length());
        assertThat(r.notes()).extracting(SessionNote::kind).containsExactly(SessionNote.Kind.SIZE_EXCEEDS_LIMIT);
        assertThat(r.notes().get(0).detail()).contains(message.length() + " octets").contains("limit of 1000");
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.MAIL);
            assertThat(f.reply().map(SmtpReply::code)).contains(552);
        });
        assertThat(r.recipients()).singleElement().satisfies(x -> assertThat(x.notTried()).isPresent());
        assertThat(r.delivery()).isEmpty();
        listener.assertPaired();
    }

    @Test
    void lmtpSaysLhloAndReadsAReplyPerAcceptedRecipient() throws Exception {
        server.lmtp().lmtpRecipientReply("carol@example.test", Reply.of(452, "4.2.2 Mailbox full"));
        server.rejectRecipient("nobody@example.test", Reply.of(550, "5.1.1 No such user"));
        server.start();

        SessionResult r = run(request().protocol(Protocol.LMTP)
                .recipients(List.of("bob@example.test", "nobody@example.test", "carol@example.test"))
                .message("Subject: lmtp\r\n\r\nbody\r\n").build());

        assertThat(commandsUntilQuiet()).extracting(RecordedCommand::verb)
                .containsExactly("LHLO", "MAIL", "RCPT", "RCPT", "RCPT", "DATA", "QUIT");
        assertThat(r.steps()).filteredOn(s -> s.phase() == SmtpPhase.MESSAGE)
                .extracting(s -> s.reply().orElseThrow().code()).containsExactly(250, 452);
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.MESSAGE);
            assertThat(f.reply().map(SmtpReply::code)).contains(452);
        });
        assertThat(r.delivery()).hasValueSatisfying(d -> assertThat(d.queueId()).isPresent());
        assertThat(r.politeEnd()).isTrue();
        listener.assertPaired();
    }

    @Test
    void lmtpRecordsWhichRecipientTheRefusalWasFor() throws Exception {
        server.lmtp().lmtpRecipientReply("carol@example.test", Reply.of(452, "4.2.2 Mailbox full"));
        server.start();
        SessionResult r = run(request().protocol(Protocol.LMTP)
                .recipients(List.of("bob@example.test", "carol@example.test"))
                .message("Subject: lmtp\r\n\r\nbody\r\n").build());

        assertThat(r.failure().orElseThrow().message())
                .contains("refused the message for carol@example.test").doesNotContain("bob@");
        assertThat(r.failure().orElseThrow().reply().orElseThrow().code()).isEqualTo(452);
        assertThat(r.politeEnd()).isTrue();
        assertThat(r.recipients()).extracting(rr -> rr.address() + " " + rr.messageReply().map(m -> m.code()).orElse(0))
                .containsExactly("bob@example.test 250", "carol@example.test 452");
    }

    @Test
    void lmtpWithACatchAllCountsTheProbeRecipientsReplyToo() throws Exception {
        // The server accepts the made-up recipient as well, so it answers the message once per recipient: twice.
        server.lmtp();
        server.start();

        SessionResult r = run(request().protocol(Protocol.LMTP).envelope(EnvelopeMode.CATCH_ALL_CHECK)
                .recipients(BOB).message("Subject: lmtp\r\n\r\nbody\r\n").build());

        assertThat(r.failure()).isEmpty();
        assertThat(r.steps()).filteredOn(s -> s.phase() == SmtpPhase.MESSAGE).hasSize(2);
        assertThat(r.politeEnd()).isTrue();
        listener.assertPaired();
    }
}
