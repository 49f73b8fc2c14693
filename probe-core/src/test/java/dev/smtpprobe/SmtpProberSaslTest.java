package dev.smtpprobe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.RecordedCommand;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.fixtures.sasl.SaslServerOptions;
import dev.smtpprobe.fixtures.sasl.SaslServerOptions.ScramServerFinal;
import dev.smtpprobe.model.Credential;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.TranscriptLine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every SASL mechanism the engine speaks against the fixture's independent server, over a socket. The connection is
 * plain with {@code allowPlaintextAuth} so that each test is one quick conversation; TLS around AUTH is
 * {@link SmtpProberAuthTest}'s subject.
 */
class SmtpProberSaslTest extends SessionTestSupport {

    private static final String PASSWORD = "correct-Horse-9-battery";
    private static final String TOKEN = "ya29.a0-token-Not-For-Reports";
    private static final String[] PASSWORD_MECHANISMS = {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"};

    @BeforeEach
    void accounts() {
        server.users(Map.of("alice", PASSWORD)).bearerTokens(Map.of("alice", TOKEN));
    }

    private SessionResult authenticate(Credential credential, String forced) throws Exception {
        return run(request().startTls(StartTlsPolicy.NEVER).allowPlaintextAuth(true).credential(credential)
                .authMechanism(forced).build());
    }

    private List<RecordedCommand> commandsUntilQuiet() {
        List<RecordedCommand> out = new ArrayList<>();
        Optional<RecordedCommand> c;
        while ((c = server.pollCommand(Duration.ofMillis(300))).isPresent()) {
            out.add(c.get());
        }
        return out;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Everything a report could show: transcript, steps, failure (message and reply), notes, the whole record. */
    private static String everything(SessionResult r) {
        return transcriptText(r) + "\n" + r.steps() + "\n" + r.failure() + "\n" + r.notes() + "\n" + r;
    }

    /**
     * No form of the secret, and none of the lines the client sent during AUTH (whatever the mechanism made of the
     * secret), is anywhere in the result; the transcript shows those lines as {@code <redacted>} only.
     */
    private static void assertNoSecret(SessionResult r, List<RecordedCommand> sent) {
        String all = everything(r);
        assertThat(all).doesNotContain(PASSWORD, b64(PASSWORD), b64("\0alice\0" + PASSWORD), TOKEN, b64(TOKEN));
        for (RecordedCommand c : sent) {
            if (c.verb().equals("AUTH") && c.args().contains(" ")) {
                assertThat(all).doesNotContain(c.args().substring(c.args().indexOf(' ') + 1));
            } else if (c.isContinuation() && c.rawLine().length() > 1) {
                assertThat(all).doesNotContain(c.rawLine());
            }
        }
        List<String> sentDuringAuth = r.transcript().stream()
                .filter(t -> t.direction() == TranscriptLine.Direction.SENT)
                .map(TranscriptLine::line)
                .dropWhile(line -> !line.startsWith("AUTH "))
                .takeWhile(line -> !line.startsWith("MAIL") && !line.equals("QUIT"))
                .toList();
        assertThat(sentDuringAuth).isNotEmpty();
        assertThat(sentDuringAuth.get(0)).matches("AUTH [A-Z0-9-]+( <redacted>)?");
        assertThat(sentDuringAuth.subList(1, sentDuringAuth.size()))
                .allSatisfy(line -> assertThat(line).isEqualTo("<redacted>"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"})
    void eachPasswordMechanismAuthenticatesAndLeavesNoSecretBehind(String mechanism) throws Exception {
        server.authMechanisms(PASSWORD_MECHANISMS);
        server.start();
        SessionResult r = authenticate(new Credential.Password("alice", PASSWORD), mechanism);

        List<RecordedCommand> sent = commandsUntilQuiet();
        assertThat(sent).filteredOn(c -> c.verb().equals("AUTH")).singleElement()
                .satisfies(c -> assertThat(c.args()).startsWith(mechanism));
        assertThat(r.failure()).isEmpty();
        assertThat(r.auth()).hasValueSatisfying(a -> {
            assertThat(a.mechanism()).isEqualTo(mechanism);
            assertThat(a.succeeded()).isTrue();
            assertThat(a.serverVerified()).isEqualTo(mechanism.startsWith("SCRAM-"));
        });
        assertNoSecret(r, sent);
        listener.assertPaired();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"XOAUTH2", "OAUTHBEARER"})
    void eachBearerMechanismAuthenticatesAndLeavesNoTokenBehind(String mechanism) throws Exception {
        server.authMechanisms("XOAUTH2", "OAUTHBEARER");
        server.start();
        SessionResult r = authenticate(new Credential.BearerToken("alice", TOKEN), mechanism);

        assertThat(r.failure()).isEmpty();
        assertThat(r.auth()).hasValueSatisfying(a -> {
            assertThat(a.mechanism()).isEqualTo(mechanism);
            assertThat(a.succeeded()).isTrue();
        });
        assertNoSecret(r, commandsUntilQuiet());
        listener.assertPaired();
    }

    @Test
    void theStrongestMechanismBothSidesOfferIsChosenByDefault() throws Exception {
        server.authMechanisms("LOGIN", "PLAIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256");
        server.start();
        SessionResult password = authenticate(new Credential.Password("alice", PASSWORD), null);
        commandsUntilQuiet();
        SessionResult bearer = authenticate(new Credential.BearerToken("alice", TOKEN), null);

        assertThat(password.auth().orElseThrow().mechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(password.authenticated()).isTrue();
        assertThat(bearer.failure()).hasValueSatisfying(f -> assertThat(f.status())
                .isEqualTo(ProbeStatus.AUTH_UNAVAILABLE));
    }

    @Test
    void oauthBearerIsPreferredToXoauth2() throws Exception {
        server.authMechanisms("XOAUTH2", "OAUTHBEARER");
        server.start();
        SessionResult r = authenticate(new Credential.BearerToken("alice", TOKEN), null);
        assertThat(r.auth().orElseThrow().mechanism()).isEqualTo("OAUTHBEARER");
        assertThat(r.authenticated()).isTrue();
    }

    @Test
    void aForcedMechanismIsUsedOverAStrongerOne() throws Exception {
        server.authMechanisms(PASSWORD_MECHANISMS);
        server.start();
        SessionResult r = authenticate(new Credential.Password("alice", PASSWORD), "LOGIN");

        assertThat(commandsUntilQuiet()).filteredOn(c -> c.verb().equals("AUTH")).extracting(RecordedCommand::rawLine)
                .containsExactly("AUTH LOGIN");
        assertThat(r.auth().orElseThrow().mechanism()).isEqualTo("LOGIN");
        assertThat(r.authenticated()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SCRAM-SHA-1", "SCRAM-SHA-256"})
    void aScramServerThatCannotProveItKnowsThePasswordIsUnverified(String mechanism) throws Exception {
        server.authMechanisms(mechanism)
                .saslOptions(SaslServerOptions.builder().scramServerFinal(ScramServerFinal.WRONG_SIGNATURE).build());
        server.start();
        SessionResult r = authenticate(new Credential.Password("alice", PASSWORD), null);

        List<RecordedCommand> sent = commandsUntilQuiet();
        assertThat(sent).extracting(RecordedCommand::rawLine).endsWith("*", "QUIT");
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.AUTH_SERVER_UNVERIFIED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.AUTH);
        });
        assertThat(r.authenticated()).isFalse();
        assertNoSecret(r, sent);
        listener.assertPaired();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "535, 5.7.8 Authentication credentials invalid",
            "534, 5.7.9 Authentication mechanism is too weak",
            "538, 5.7.11 Encryption required for requested authentication mechanism",
            "454, 4.7.0 Temporary authentication failure"})
    void aRefusalAtAuthIsRecordedWithItsReply(int code, String text) throws Exception {
        server.authMechanisms("PLAIN").on("AUTH", Reply.of(code, text));
        server.start();
        SessionResult r = authenticate(new Credential.Password("alice", PASSWORD), null);

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.AUTH);
            assertThat(f.reply().map(SmtpReply::code)).contains(code);
            assertThat(f.message()).contains(String.valueOf(code));
        });
        assertThat(r.auth()).hasValueSatisfying(a -> assertThat(a.succeeded()).isFalse());
        assertThat(commandsUntilQuiet()).extracting(RecordedCommand::verb).endsWith("AUTH", "QUIT");
        assertThat(r.politeEnd()).isTrue();
        listener.assertPaired();
    }

    @Test
    void aServerThatEchoesThePlainBlobInIts535LeavesNoSecretInTheResult() throws Exception {
        server.authMechanisms("PLAIN")
                .on("AUTH", c -> Reply.of(535, "5.7.8 authentication failed for " + c.args() + " (" + PASSWORD + ")"));
        server.start();
        SessionResult r = authenticate(new Credential.Password("alice", PASSWORD), null);

        List<RecordedCommand> sent = commandsUntilQuiet();
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.reply().orElseThrow().text()).isEqualTo(
                    "5.7.8 authentication failed for PLAIN <redacted> (<redacted>)");
            assertThat(f.message()).contains("<redacted>");
        });
        assertThat(transcriptText(r)).contains("RECEIVED 535 5.7.8 authentication failed for PLAIN <redacted>");
        assertNoSecret(r, sent);
    }
}
