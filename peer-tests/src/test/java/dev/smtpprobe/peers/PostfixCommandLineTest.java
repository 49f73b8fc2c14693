package dev.smtpprobe.peers;

import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.ENCRYPT;
import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.IMPLICIT_TLS;
import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.LOGIN_ONLY;
import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.REJECT_GREETING;
import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.STARTTLS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smtpprobe.fixtures.peers.PostfixPeer;
import dev.smtpprobe.fixtures.peers.RealPeerTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The {@code smtp-probe} command line against a real Postfix (with Dovecot SASL), each scenario on its own port. */
@RealPeerTest("postfix")
class PostfixCommandLineTest {

    @Test
    void startTlsUpgradesSendsEhloAgainAndVerifiesTheChainWithTheGivenCa(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(STARTTLS), "--ca-file", postfix.caCertificate().toString(),
                "--starttls", "require", "--rcpt", postfix.mailbox("bob"), "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isZero();
        JsonNode json = run.json();
        assertThat(json.at("/verdict").asText()).isEqualTo("OK");
        assertThat(run.steps()).containsSubsequence("ehlo EHLO probe.test -> 250", "starttls STARTTLS -> 220",
                "tls_handshake -> -", "ehlo_tls EHLO probe.test -> 250", "rcpt RCPT TO:<bob@peer.test> -> 250");
        assertThat(json.at("/tls/protocol").asText()).startsWith("TLSv1.");
        assertThat(json.at("/tls/trusted").asBoolean()).isTrue();
        assertThat(json.at("/tls/nameMatches").asBoolean()).isTrue();
        assertThat(json.at("/tls/certificates/0/issuer").asText()).isEqualTo("CN=smtp-probe peers test CA");
        // Postfix offers AUTH only after TLS (smtpd_tls_auth_only): the second EHLO's answer was the one kept.
        assertThat(json.at("/hosts/0/extensions/beforeTls").findValuesAsText("keyword")).contains("STARTTLS").doesNotContain("AUTH");
        assertThat(json.at("/hosts/0/extensions/afterTls").findValuesAsText("keyword")).contains("AUTH").doesNotContain("STARTTLS");
    }

    @Test
    void theGeneratedCertificateIsRejectedWhenTlsIsRequiredWithoutItsCa(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(STARTTLS), "--starttls", "require", "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        assertThat(run.json().at("/tls/trusted").asBoolean()).isFalse();
        assertThat(run.firstProblem().at("/category").asText()).isEqualTo("tls-failure");
    }

    @Test
    void unknownRecipientIsCriticalRecipientUnknown(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(STARTTLS), "--ca-file", postfix.caCertificate().toString(),
                "--rcpt", postfix.mailbox("unknown"), "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        JsonNode problem = run.firstProblem();
        assertThat(run.json().at("/verdict").asText()).isEqualTo("CRITICAL");
        assertThat(problem.at("/category").asText()).isEqualTo("recipient-unknown");
        assertThat(problem.at("/code").asInt()).isEqualTo(550);
        assertThat(problem.at("/enhancedCode").asText()).isEqualTo("5.1.1");
    }

    @Test
    void greylistingIsAWarning(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(STARTTLS), "--ca-file", postfix.caCertificate().toString(),
                "--rcpt", postfix.mailbox("grey"), "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        JsonNode problem = run.firstProblem();
        assertThat(run.json().at("/verdict").asText()).isEqualTo("WARNING");
        assertThat(problem.at("/category").asText()).isEqualTo("greylisted");
        assertThat(problem.at("/code").asInt()).isEqualTo(450);
        assertThat(problem.at("/enhancedCode").asText()).isEqualTo("4.2.0");
    }

    @Test
    void anotherDomainIsRelayDenied(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(STARTTLS), "--ca-file", postfix.caCertificate().toString(),
                "--rcpt", "bob@elsewhere.test", "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        JsonNode problem = run.firstProblem();
        assertThat(problem.at("/category").asText()).isEqualTo("relay-denied");
        assertThat(problem.at("/code").asInt()).isEqualTo(554);
    }

    @Test
    void encryptOnlyListenerAnswers530WithoutStartTls(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(ENCRYPT), "--starttls", "never", "--rcpt", postfix.mailbox("bob"),
                "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        JsonNode problem = run.firstProblem();
        assertThat(problem.at("/category").asText()).isEqualTo("encryption-required");
        assertThat(problem.at("/code").asInt()).isEqualTo(530);
        assertThat(problem.at("/enhancedCode").asText()).isEqualTo("5.7.0");
    }

    @Test
    void encryptOnlyListenerIsFineWithStartTls(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(ENCRYPT), "--ca-file", postfix.caCertificate().toString(),
                "--rcpt", postfix.mailbox("bob"), "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.steps()).contains("rcpt RCPT TO:<bob@peer.test> -> 250");
    }

    @Test
    void implicitTlsHandshakesBeforeTheBanner(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(IMPLICIT_TLS), "--tls", "--ca-file", postfix.caCertificate().toString(),
                "--quit-after", "tls", "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isZero();
        JsonNode json = run.json();
        assertThat(json.at("/hosts/0/tlsMode").asText()).isEqualTo("implicit");
        assertThat(json.at("/tls/protocol").asText()).startsWith("TLSv1.");
        assertThat(json.at("/tls/trusted").asBoolean()).isTrue();
        assertThat(run.steps()).doesNotContain("starttls STARTTLS -> 220");
        assertThat(run.steps().indexOf("tls_handshake -> -")).isLessThan(run.steps().indexOf("banner -> 220"));
    }

    @Test
    void a554GreetingIsCriticalAtTheBanner(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(REJECT_GREETING), "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        JsonNode problem = run.firstProblem();
        assertThat(problem.at("/code").asInt()).isEqualTo(554);
        assertThat(problem.at("/phase").asText()).isEqualTo("banner");
        assertThat(run.steps()).first().isEqualTo("connect -> -");
        assertThat(run.steps()).contains("banner -> 554").noneMatch(s -> s.startsWith("mail "));
    }

    @Test
    void theStrongestMechanismIsScramSha256AndDovecotProvesItKnowsThePassword(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(STARTTLS), "--ca-file", postfix.caCertificate().toString(),
                "-au", postfix.user(), "--auth-password-file", postfix.passwordFile().toString(),
                "--format", "json", "--verbose");

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.json().at("/hosts/0/authenticated").asBoolean()).isTrue();
        assertThat(run.json().at("/hosts/0/auth/mechanism").asText()).isEqualTo("SCRAM-SHA-256");
        assertThat(run.json().at("/hosts/0/auth/serverVerified").asBoolean()).isTrue();
        assertThat(run.steps()).containsSubsequence("auth AUTH SCRAM-SHA-256 <redacted> -> 334",
                "auth <redacted> -> 334", "auth <redacted> -> 235");
        assertThat(run.out() + run.err()).doesNotContain(postfix.password());
    }

    /** Every mechanism Dovecot offers from one plaintext passwd-file entry, each forced as swaks -a would. */
    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"})
    void eachMechanismAuthenticatesWhenForcedAndTheSecretStaysOut(String mechanism, PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(STARTTLS), "--ca-file", postfix.caCertificate().toString(),
                "-au", postfix.user(), "--auth-password-file", postfix.passwordFile().toString(),
                "--auth-mech", mechanism, "--quit-after", "auth", "--format", "json", "--verbose", "--transcript");

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.json().at("/hosts/0/auth/mechanism").asText()).isEqualTo(mechanism);
        assertThat(run.json().at("/hosts/0/authenticated").asBoolean()).isTrue();
        assertThat(run.steps()).anyMatch(s -> s.startsWith("auth ") && s.endsWith("-> 235"));
        String plainToken = Base64.getEncoder().encodeToString(
                ("\0" + postfix.user() + "\0" + postfix.password()).getBytes(StandardCharsets.UTF_8));
        String passwordToken = Base64.getEncoder().encodeToString(postfix.password().getBytes(StandardCharsets.UTF_8));
        assertThat(run.out() + run.err()).doesNotContain(postfix.password()).doesNotContain(plainToken)
                .doesNotContain(passwordToken);
    }

    @Test
    void authLoginSucceedsWhereOnlyLoginIsOffered(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(LOGIN_ONLY), "--ca-file", postfix.caCertificate().toString(),
                "-au", postfix.user(), "--auth-password-file", postfix.passwordFile().toString(), "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.json().at("/hosts/0/authenticated").asBoolean()).isTrue();
        assertThat(run.json().at("/hosts/0/extensions/afterTls").toString()).contains("\"params\":[\"LOGIN\"]");
        assertThat(run.steps()).containsSubsequence("auth AUTH LOGIN -> 334", "auth <redacted> -> 334", "auth <redacted> -> 235");
    }

    @Test
    void aWrongPasswordIsAuthFailed(PostfixPeer postfix, @TempDir Path tmp) throws Exception {
        Path wrong = Files.writeString(tmp.resolve("wrong"), "not-" + postfix.password() + "\n");

        Cli run = Cli.probe(postfix.server(STARTTLS), "--ca-file", postfix.caCertificate().toString(),
                "-au", postfix.user(), "--auth-password-file", wrong.toString(), "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        JsonNode problem = run.firstProblem();
        assertThat(problem.at("/category").asText()).isEqualTo("auth-failed");
        assertThat(problem.at("/code").asInt()).isEqualTo(535);
        assertThat(run.json().at("/hosts/0/authenticated").asBoolean()).isFalse();
    }

    @Test
    void sendReturnsTheQueueIdPostfixLogsTheMessageUnder(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(STARTTLS), "--ca-file", postfix.caCertificate().toString(),
                "-f", "probe@client.test", "--rcpt", postfix.mailbox("bob"), "--send", "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isZero();
        String queueId = run.json().at("/queueId").asText();
        String messageId = run.json().at("/messageId").asText();
        assertThat(queueId).matches("[0-9A-F]{6,}");
        // Postfix offers CHUNKING and PIPELINING: the message goes as one BDAT chunk, its size declared on MAIL.
        assertThat(run.steps()).anyMatch(s -> s.startsWith("mail MAIL FROM:<probe@client.test> SIZE="));
        assertThat(run.steps()).anyMatch(s -> s.startsWith("message BDAT ") && s.contains(" LAST ") && s.endsWith("-> 250"));
        assertThat(run.json().at("/hosts/0/delivery/method").asText()).isEqualTo("BDAT");
        // Postfix's cleanup logs the Message-ID under the queue id it answered with; discard logs the delivery.
        assertThat(postfix.awaitLogLine(l -> l.contains(queueId + ": message-id=<" + messageId + ">"), Duration.ofSeconds(10)))
                .as("cleanup's line for %s in %s", queueId, postfix.maillog()).isPresent();
        assertThat(postfix.awaitLogLine(l -> l.contains(queueId + ": to=<bob@peer.test>") && l.contains("status=sent"),
                Duration.ofSeconds(10))).as("the delivery of %s in %s", queueId, postfix.maillog()).isPresent();
    }

    @Test
    void withoutChunkingTheMessageGoesByDataAndThePipelinedEnvelopeSavesRoundTrips(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(STARTTLS), "--ca-file", postfix.caCertificate().toString(),
                "-f", "probe@client.test", "--rcpt", postfix.mailbox("bob"), "--rcpt", postfix.mailbox("carol"),
                "--send", "--no-chunking", "--format", "json");
        Cli oneByOne = Cli.probe(postfix.server(STARTTLS), "--ca-file", postfix.caCertificate().toString(),
                "-f", "probe@client.test", "--rcpt", postfix.mailbox("bob"), "--rcpt", postfix.mailbox("carol"),
                "--send", "--no-chunking", "--no-pipelining", "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.steps()).contains("data DATA -> 354")
                .anyMatch(s -> s.startsWith("message <message: ") && s.endsWith("-> 250"));
        assertThat(run.json().at("/hosts/0/pipelinedCommands").asInt()).isEqualTo(3); // RCPT, RCPT, DATA behind MAIL
        assertThat(oneByOne.json().at("/hosts/0/pipelinedCommands").asInt()).isZero();
        assertThat(run.json().at("/hosts/0/roundTrips").asInt())
                .isEqualTo(oneByOne.json().at("/hosts/0/roundTrips").asInt() - 3);
    }

    @Test
    void aMessagePaddedPastTheSizeLimitIsRefusedAtMailWithTheLimitExplained(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(STARTTLS), "--ca-file", postfix.caCertificate().toString(),
                "-f", "probe@client.test", "--rcpt", postfix.mailbox("bob"), "--send", "--size", "20480",
                "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        assertThat(run.steps()).anyMatch(s -> s.startsWith("mail MAIL FROM:<probe@client.test> SIZE=2048")
                && s.endsWith("-> 552"));
        assertThat(run.json().at("/hosts/0/notes/0/kind").asText()).isEqualTo("size_exceeds_limit");
        assertThat(run.json().at("/hosts/0/notes/0/detail").asText()).contains("limit of 20000");
        assertThat(run.json().at("/findings").toString()).contains("message-too-large");
    }

    @Test
    void aNonAsciiRecipientIsAskedForWithSmtpUtf8OnMail(PostfixPeer postfix) {
        Cli run = Cli.probe(postfix.server(STARTTLS), "--ca-file", postfix.caCertificate().toString(),
                "-t", "j\u00f6rg@peer.test", "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.steps()).anyMatch(s -> s.startsWith("mail MAIL FROM:<> SMTPUTF8") && s.endsWith("-> 250"));
        assertThat(run.steps()).contains("rcpt RCPT TO:<j\u00f6rg@peer.test> -> 250");
    }
}
