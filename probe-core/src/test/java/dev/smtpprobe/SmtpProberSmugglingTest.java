package dev.smtpprobe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.MockSmtpServer.DataEnding;
import dev.smtpprobe.fixtures.RecordedCommand;
import dev.smtpprobe.fixtures.RecordedMessage;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.fixtures.SmtpDispatcher;
import dev.smtpprobe.fixtures.SocketEffect;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.SmugglingResult;
import dev.smtpprobe.model.SmugglingResult.Verdict;
import dev.smtpprobe.model.SmugglingSequence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The SMTP smuggling session against fixture servers that end data where a vulnerable server does, where RFC 5321
 * says, or that refuse bare line ends: the verdict per sequence, and a conversation that stays in step throughout.
 */
class SmtpProberSmugglingTest extends SessionTestSupport {

    private static final String MESSAGE = "Message-ID: <first@probe.test>\r\nSubject: smtp-probe test\r\n\r\n"
            + "hello\r\n.a line with a leading dot\r\nlast line\r\n";
    /** The sequences a server that takes a bare LF as a line end (Postfix before the fix) ends data at. */
    private static final Set<SmugglingSequence> LF_ENDS = EnumSet.of(SmugglingSequence.LF_LF,
            SmugglingSequence.LF_CRLF, SmugglingSequence.CRLF_LF);

    private SessionResult smuggle(SmugglingSequence sequence) throws Exception {
        return run(request().recipients(List.of("bob@example.test")).message(MESSAGE).smuggling(sequence).build());
    }

    private List<RecordedCommand> commandsUntilQuit() {
        List<RecordedCommand> out = new ArrayList<>();
        RecordedCommand c;
        do {
            c = server.takeCommand();
            out.add(c);
        } while (!c.verb().equals("QUIT"));
        return out;
    }

    private static SmugglingResult test(SessionResult r) {
        assertThat(r.smuggling()).as("smuggling result").isPresent();
        return r.smuggling().get();
    }

    @ParameterizedTest
    @EnumSource(SmugglingSequence.class)
    void aServerThatEndsDataAtTheSequenceAnswersTheSmuggledTransactionAndIsFlagged(SmugglingSequence sequence)
            throws Exception {
        server.dataEnding(DataEnding.ANY_LINE_END).start();

        SessionResult r = smuggle(sequence);

        SmugglingResult t = test(r);
        assertThat(t.verdict()).as("%s\n%s", t, transcriptText(r)).isEqualTo(Verdict.ACCEPTED_AS_END_OF_DATA);
        assertThat(t.replies()).extracting(SmtpReply::code).containsExactly(250, 250, 250, 354, 250);
        assertThat(t.detail()).contains("answered 5 times", sequence.label());
        // The extra replies were the evidence, not a desync: the session ends cleanly with QUIT answered.
        assertThat(r.failure()).isEmpty();
        assertThat(r.politeEnd()).isTrue();
        assertThat(commandsUntilQuit()).extracting(RecordedCommand::verb)
                .containsExactly("EHLO", "MAIL", "RCPT", "DATA", "MAIL", "RCPT", "DATA", "QUIT");
        RecordedMessage first = server.takeMessage();
        assertThat(first.lines()).as("dot-stuffed, then unstuffed").contains("hello", ".a line with a leading dot");
        RecordedMessage second = server.takeMessage();
        assertThat(second.text()).contains("Subject: smtp-probe smuggling test, sequence " + sequence.shortName());
        assertThat(second.forwardPaths()).containsExactly("TO:<bob@example.test>");
    }

    @ParameterizedTest
    @EnumSource(SmugglingSequence.class)
    void aServerThatReadsOnlyCrLfDotCrLfTakesTheWholeThingAsOneMessage(SmugglingSequence sequence) throws Exception {
        server.dataEnding(DataEnding.CRLF_ONLY).start();

        SessionResult r = smuggle(sequence);

        SmugglingResult t = test(r);
        assertThat(t.verdict()).as("%s\n%s", t, transcriptText(r)).isEqualTo(Verdict.TREATED_AS_DATA);
        assertThat(t.replies()).extracting(SmtpReply::code).containsExactly(250);
        assertThat(r.failure()).isEmpty();
        assertThat(r.politeEnd()).isTrue();
        assertThat(r.queueId()).isPresent();
        RecordedMessage only = server.takeMessage();
        assertThat(only.text()).as("the sequence and what follows it arrived as data")
                .contains("MAIL FROM:<sender@probe.test>", "smtp-probe smuggling test, sequence " + sequence.shortName());
        assertThat(commandsUntilQuit()).extracting(RecordedCommand::verb)
                .containsExactly("EHLO", "MAIL", "RCPT", "DATA", "QUIT");
    }

    @ParameterizedTest
    @EnumSource(SmugglingSequence.class)
    void aServerThatRefusesBareLineEndsPasses(SmugglingSequence sequence) throws Exception {
        server.dataEnding(DataEnding.REFUSE_BARE).start();

        SessionResult r = smuggle(sequence);

        SmugglingResult t = test(r);
        assertThat(t.verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(t.replies()).extracting(SmtpReply::code).containsExactly(550);
        assertThat(t.detail()).contains("bare");
        assertThat(r.politeEnd()).isTrue();
    }

    @Test
    void aServerThatRefusesAndHangsUpPassesToo() throws Exception {
        server.dataEnding(DataEnding.REFUSE_BARE_AND_CLOSE).start();

        SessionResult r = smuggle(SmugglingSequence.LF_CRLF);

        assertThat(test(r).verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(test(r).replies()).extracting(SmtpReply::code).containsExactly(550);
    }

    @ParameterizedTest
    @EnumSource(SmugglingSequence.class)
    void aServerThatTakesABareLfAsALineEndIsFlaggedForTheLfSequencesOnly(SmugglingSequence sequence) throws Exception {
        server.start(); // the fixture's default: CRLF or a bare LF ends a line

        SmugglingResult t = test(smuggle(sequence));

        assertThat(t.vulnerable()).as("%s", t).isEqualTo(LF_ENDS.contains(sequence));
    }

    @Test
    void repliesThatArriveTogetherInOneReadAreStillCountedAndNotTakenForUnsolicited() throws Exception {
        server.dataEnding(DataEnding.ANY_LINE_END).batchPipelinedReplies().start();

        SessionResult r = smuggle(SmugglingSequence.LF_CRLF);

        assertThat(test(r).verdict()).as(transcriptText(r)).isEqualTo(Verdict.ACCEPTED_AS_END_OF_DATA);
        assertThat(r.failure()).isEmpty();
        assertThat(r.politeEnd()).isTrue();
    }

    @Test
    void aServerThatFloodsRepliesIsCutOffWithAFindingNotAHang() throws Exception {
        SmtpDispatcher verbs = server.verbDispatcher();
        server.dispatcher(new SmtpDispatcher() {
            @Override
            public Reply dispatch(RecordedCommand command) {
                return verbs.dispatch(command);
            }

            @Override
            public Reply endOfData(RecordedMessage message) {
                return Reply.raw("250 ok\r\n".repeat(100));
            }
        }).dataEnding(DataEnding.CRLF_ONLY).start();

        SessionResult r = smuggle(SmugglingSequence.LF_LF);

        SmugglingResult t = test(r);
        assertThat(t.verdict()).isEqualTo(Verdict.ACCEPTED_AS_END_OF_DATA);
        assertThat(t.replies()).hasSizeLessThanOrEqualTo(32);
        assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR));
    }

    @Test
    void aServerThatNeverAnswersTheMessageIsInconclusiveWithinTheTimeout() throws Exception {
        SmtpDispatcher verbs = server.verbDispatcher();
        server.dispatcher(new SmtpDispatcher() {
            @Override
            public Reply dispatch(RecordedCommand command) {
                return verbs.dispatch(command);
            }

            @Override
            public Reply endOfData(RecordedMessage message) {
                return Reply.effectOnly(SocketEffect.stall());
            }
        }).dataEnding(DataEnding.CRLF_ONLY).start();
        long start = System.nanoTime();

        SessionResult r = smuggle(SmugglingSequence.LF_CRLF);

        assertThat(test(r).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.TIMEOUT);
            assertThat(f.phase()).isEqualTo(SmtpPhase.MESSAGE);
        });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aRefusedRecipientMeansTheTestWasNotRun() throws Exception {
        server.rejectRecipient("bob@example.test", Reply.of(550, "5.1.1 no such user")).start();

        SmugglingResult t = test(smuggle(SmugglingSequence.LF_CRLF));

        assertThat(t.verdict()).isEqualTo(Verdict.NOT_RUN);
        assertThat(t.detail()).contains("refused the recipient");
        assertThat(server.takeCommand().verb()).isEqualTo("EHLO");
    }

    @Test
    void theSessionOptionsRefuseTheTestWithoutAMessageOrANamedRecipient() throws Exception {
        server.start();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> request().recipients(List.of("bob@example.test"))
                .smuggling(SmugglingSequence.LF_LF).build()).hasMessageContaining("--send");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> request().message(MESSAGE)
                .smuggling(SmugglingSequence.LF_LF).build()).hasMessageContaining("--rcpt");
    }
}
