package dev.smtpprobe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.RecordedCommand;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.fixtures.SocketEffect;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.model.ExtensionUse;
import dev.smtpprobe.model.ExtensionUse.DsnRequest;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.RecipientResult;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SessionOptions.EnvelopeMode;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.StartTlsPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The envelope over a socket: the MAIL/RCPT parameters the offered extensions call for, the envelope modes, and
 * replies that do not fit what was asked.
 */
class SmtpProberEnvelopeTest extends SessionTestSupport {

    private static final List<String> TWO = List.of("bob@example.test", "carol@example.test");

    @TempDir
    Path tmp;

    private List<RecordedCommand> commandsUntilQuiet() {
        List<RecordedCommand> out = new ArrayList<>();
        Optional<RecordedCommand> c;
        while ((c = server.pollCommand(Duration.ofMillis(300))).isPresent()) {
            out.add(c.get());
        }
        return out;
    }

    private static List<String> verbs(List<RecordedCommand> commands) {
        return commands.stream().map(RecordedCommand::verb).toList();
    }

    private static List<SessionNote.Kind> noteKinds(SessionResult r) {
        return r.notes().stream().map(SessionNote::kind).toList();
    }

    private static RecordedCommand first(List<RecordedCommand> commands, String verb) {
        return commands.stream().filter(c -> c.verb().equals(verb)).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------- SMTPUTF8, DSN, REQUIRETLS

    @Test
    void aNonAsciiRecipientWithoutSmtpUtf8IsNeverSent() throws Exception {
        server.start();
        SessionResult r = run(request().recipients(List.of("ålice@example.test")).build());

        assertThat(verbs(commandsUntilQuiet())).containsExactly("EHLO", "QUIT");
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.EXTENSION_UNAVAILABLE);
            assertThat(f.phase()).isEqualTo(SmtpPhase.MAIL);
        });
        assertThat(noteKinds(r)).containsExactly(SessionNote.Kind.SMTPUTF8_NOT_OFFERED);
        assertThat(r.recipients()).singleElement().satisfies(x -> {
            assertThat(x.address()).isEqualTo("ålice@example.test");
            assertThat(x.notTried()).isPresent();
        });
        assertThat(r.politeEnd()).isTrue();
        listener.assertPaired();
    }

    @Test
    void aNonAsciiRecipientWithSmtpUtf8OfferedAsksForItOnMail() throws Exception {
        server.addEhloExtensions("SMTPUTF8");
        server.start();
        SessionResult r = run(request().recipients(List.of("ålice@example.test")).build());

        List<RecordedCommand> sent = commandsUntilQuiet();
        assertThat(first(sent, "MAIL").rawLine()).isEqualTo("MAIL FROM:<sender@probe.test> SMTPUTF8");
        assertThat(first(sent, "RCPT").rawLine()).isEqualTo("RCPT TO:<ålice@example.test>");
        assertThat(r.failure()).isEmpty();
        assertThat(r.recipients()).singleElement().satisfies(x -> assertThat(x.accepted()).isTrue());
    }

    @Test
    void dsnParametersGoOnMailAndEachRcptWhenOffered() throws Exception {
        server.addEhloExtensions("DSN");
        server.start();
        SessionResult r = run(request().recipients(TWO)
                .extensions(ExtensionUse.DEFAULTS.withDsn(new DsnRequest("FAILURE,DELAY", "HDRS"))).build());

        List<RecordedCommand> sent = commandsUntilQuiet();
        assertThat(first(sent, "MAIL").rawLine())
                .matches("MAIL FROM:<sender@probe\\.test> RET=HDRS ENVID=[0-9a-f-]{36}");
        assertThat(sent).filteredOn(c -> c.verb().equals("RCPT")).extracting(RecordedCommand::rawLine)
                .containsExactly("RCPT TO:<bob@example.test> NOTIFY=FAILURE,DELAY",
                        "RCPT TO:<carol@example.test> NOTIFY=FAILURE,DELAY");
        assertThat(r.failure()).isEmpty();
        assertThat(r.notes()).isEmpty();
    }

    @Test
    void dsnNotOfferedIsNotedAndTheEnvelopeGoesWithoutIt() throws Exception {
        server.start();
        SessionResult r = run(request().recipients(TWO).extensions(ExtensionUse.DEFAULTS.withDsn(DsnRequest.DEFAULT))
                .build());

        List<RecordedCommand> sent = commandsUntilQuiet();
        assertThat(first(sent, "MAIL").rawLine()).isEqualTo("MAIL FROM:<sender@probe.test>");
        assertThat(first(sent, "RCPT").rawLine()).isEqualTo("RCPT TO:<bob@example.test>");
        assertThat(noteKinds(r)).containsExactly(SessionNote.Kind.DSN_NOT_OFFERED);
        assertThat(r.failure()).isEmpty();
    }

    @Test
    void requireTlsWithoutTlsStopsBeforeMail() throws Exception {
        server.addEhloExtensions("REQUIRETLS");
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.NEVER).recipients(TWO)
                .message("Subject: x\r\n\r\nbody\r\n").extensions(ExtensionUse.DEFAULTS.withRequireTls(true)).build());

        assertThat(verbs(commandsUntilQuiet())).containsExactly("EHLO", "QUIT");
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.EXTENSION_UNAVAILABLE);
            assertThat(f.phase()).isEqualTo(SmtpPhase.MAIL);
        });
        assertThat(noteKinds(r)).containsExactly(SessionNote.Kind.REQUIRETLS_NOT_OFFERED);
        assertThat(r.delivery()).isEmpty();
        listener.assertPaired();
    }

    @Test
    void requireTlsOverTlsWhenOfferedGoesOnMail() throws Exception {
        TestCertificates.Authority ca = TestCertificates.newAuthority("requiretls CA");
        server.startTls(ca.issue("localhost")).addEhloExtensions("REQUIRETLS");
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.REQUIRE).caFile(ca.writePem(tmp.resolve("ca.pem")))
                .recipients(List.of("bob@example.test")).extensions(ExtensionUse.DEFAULTS.withRequireTls(true))
                .build());

        RecordedCommand mail = first(commandsUntilQuiet(), "MAIL");
        assertThat(mail.tlsActive()).isTrue();
        assertThat(mail.rawLine()).isEqualTo("MAIL FROM:<sender@probe.test> REQUIRETLS");
        assertThat(r.failure()).isEmpty();
    }

    @Test
    void an8BitBodyAsksForBody8BitMimeWhenOffered() throws Exception {
        server.start();
        SessionResult r = run(request().recipients(List.of("bob@example.test"))
                .message("Subject: greeting\r\n\r\nGrüße\r\n").build());

        assertThat(first(commandsUntilQuiet(), "MAIL").rawLine()).startsWith("MAIL FROM:<sender@probe.test> BODY=8BITMIME");
        assertThat(r.failure()).isEmpty();
        assertThat(server.takeMessage().lines()).containsExactly("Subject: greeting", "", "Grüße");
    }

    @Test
    void an8BitBodyWithout8BitMimeIsNoted() throws Exception {
        server.ehloExtensions("PIPELINING", "ENHANCEDSTATUSCODES");
        server.start();
        SessionResult r = run(request().recipients(List.of("bob@example.test"))
                .message("Subject: greeting\r\n\r\nGrüße\r\n").build());

        assertThat(first(commandsUntilQuiet(), "MAIL").rawLine()).isEqualTo("MAIL FROM:<sender@probe.test>");
        assertThat(noteKinds(r)).containsExactly(SessionNote.Kind.EIGHTBITMIME_NOT_OFFERED);
    }

    // ---------------------------------------------------------------- envelope modes

    @Test
    void aCatchAllCheckAsksForAMadeUpRecipientLastAndMarksIt() throws Exception {
        server.start();
        SessionResult r = run(request().envelope(EnvelopeMode.CATCH_ALL_CHECK)
                .recipients(List.of("bob@example.test")).build());

        List<RecordedCommand> rcpts = commandsUntilQuiet().stream().filter(c -> c.verb().equals("RCPT")).toList();
        assertThat(rcpts).hasSize(2);
        assertThat(rcpts.get(1).rawLine()).matches("RCPT TO:<smtp-probe-nonexistent-[0-9a-f]{12}@example\\.test>");
        assertThat(r.recipients()).extracting(RecipientResult::probe).containsExactly(false, true);
        assertThat(r.recipients().get(1).address()).startsWith("smtp-probe-nonexistent-").endsWith("@example.test");
        assertThat(r.recipients().get(1).accepted()).as("this server accepts anything").isTrue();
        assertThat(r.failure()).isEmpty();
    }

    @Test
    void aRelayTestNeverSendsDataAndEndsWithRsetAndQuit() throws Exception {
        server.start();
        SessionResult r = run(request().envelope(EnvelopeMode.RELAY_TEST).mailFrom("outside@elsewhere.test")
                .recipients(List.of("victim@far-away.test")).build());

        assertThat(verbs(commandsUntilQuiet())).containsExactly("EHLO", "MAIL", "RCPT", "RSET", "QUIT");
        assertThat(r.recipients()).singleElement().satisfies(x -> assertThat(x.accepted()).isTrue());
        assertThat(r.delivery()).isEmpty();
        assertThat(r.politeEnd()).isTrue();
        listener.assertPaired();
    }

    // ---------------------------------------------------------------- 421

    @ParameterizedTest(name = "pipelining {0}")
    @ValueSource(booleans = {true, false})
    void a421ToTheFirstRcptLeavesTheRestNotTriedAndSendsNoQuit(boolean pipelining) throws Exception {
        // The server says it is closing but keeps the socket open: a QUIT would wait for nothing.
        server.rejectRecipient("bob@example.test", Reply.builder().code(421).line("4.7.0 too many errors")
                .effect(SocketEffect.stall()).build());
        server.start();
        SessionResult r = run(request().recipients(List.of("bob@example.test", "carol@example.test",
                "dave@example.test")).extensions(ExtensionUse.DEFAULTS.withPipelining(pipelining)).build());

        List<String> verbs = verbs(commandsUntilQuiet());
        assertThat(verbs).doesNotContain("QUIT", "RSET", "DATA");
        assertThat(verbs).startsWith("EHLO", "MAIL", "RCPT");
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.RCPT);
            assertThat(f.reply().map(SmtpReply::code)).contains(421);
        });
        assertThat(r.recipients()).hasSize(3);
        assertThat(r.recipients().get(0).reply().map(SmtpReply::code)).contains(421);
        assertThat(r.recipients().subList(1, 3)).allSatisfy(x -> {
            assertThat(x.reply()).isEmpty();
            assertThat(x.notTried()).hasValueSatisfying(why -> assertThat(why).contains("421"));
        });
        assertThat(r.politeEnd()).isFalse();
        listener.assertPaired();
    }

    // ---------------------------------------------------------------- replies that do not fit

    @Test
    void a354ToRcptIsAProtocolError() throws Exception {
        server.on("RCPT", Reply.of(354, "go ahead"));
        server.start();
        SessionResult r = run(request().recipients(TWO).extensions(ExtensionUse.DEFAULTS.withPipelining(false))
                .build());

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR);
            assertThat(f.phase()).isEqualTo(SmtpPhase.RCPT);
        });
        assertThat(noteKinds(r)).containsExactly(SessionNote.Kind.WRONG_CLASS_REPLY);
        assertThat(r.recipients()).noneSatisfy(x -> assertThat(x.accepted()).isTrue());
        assertThat(verbs(commandsUntilQuiet())).containsExactly("EHLO", "MAIL", "RCPT", "QUIT");
        listener.assertPaired();
    }

    @Test
    void a250ToStartTlsIsAProtocolErrorAndNothingElseIsSaid() throws Exception {
        server.ehloExtensions("PIPELINING", "STARTTLS");
        server.on("STARTTLS", Reply.of(250, "2.0.0 sure"));
        server.start();
        SessionResult r = run(request().recipients(TWO).build());

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR);
            assertThat(f.phase()).isEqualTo(SmtpPhase.STARTTLS);
        });
        assertThat(noteKinds(r)).containsExactly(SessionNote.Kind.WRONG_CLASS_REPLY);
        assertThat(r.tls()).isEmpty();
        assertThat(verbs(commandsUntilQuiet())).containsExactly("EHLO", "STARTTLS", "QUIT");
    }

    @ParameterizedTest(name = "pipelining {0}")
    @ValueSource(booleans = {true, false})
    void a250ToDataIsAProtocolErrorAndTheMessageIsNotSent(boolean pipelining) throws Exception {
        server.on("DATA", Reply.of(250, "2.0.0 ok"));
        server.start();
        SessionResult r = run(request().recipients(TWO).message("Subject: x\r\n\r\nbody\r\n")
                .extensions(ExtensionUse.DEFAULTS.withPipelining(pipelining)).build());

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR);
            assertThat(f.phase()).isEqualTo(SmtpPhase.DATA);
        });
        assertThat(noteKinds(r)).containsExactly(SessionNote.Kind.WRONG_CLASS_REPLY);
        assertThat(r.delivery()).isEmpty();
        assertThat(verbs(commandsUntilQuiet())).endsWith("DATA", "QUIT");
        listener.assertPaired();
    }

    @Test
    void anEnhancedCodeThatContradictsTheBasicCodeIsNotedAndTheBasicCodeDecides() throws Exception {
        server.rejectRecipient("bob@example.test", Reply.of(250, "5.1.1 ok, or is it?"));
        server.rejectRecipient("carol@example.test", Reply.of(550, "2.1.5 refused, or is it?"));
        server.start();
        SessionResult r = run(request().recipients(TWO).build());

        assertThat(r.failure()).isEmpty();
        assertThat(r.recipients()).extracting(RecipientResult::accepted).containsExactly(true, false);
        assertThat(r.notes()).extracting(SessionNote::kind).containsExactly(SessionNote.Kind.ENHANCED_CODE_MISMATCH,
                SessionNote.Kind.ENHANCED_CODE_MISMATCH);
        assertThat(r.notes()).allSatisfy(n -> assertThat(n.phase()).isEqualTo(SmtpPhase.RCPT));
        assertThat(r.notes().get(0).detail()).contains("250").contains("5.1.1");
        listener.assertPaired();
    }
}
