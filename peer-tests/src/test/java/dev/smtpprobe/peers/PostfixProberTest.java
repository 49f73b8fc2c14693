package dev.smtpprobe.peers;

import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.LOGIN_ONLY;
import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.PLAINTEXT;
import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.STARTTLS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.SmtpProber;
import dev.smtpprobe.catalog.Category;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Verdict;
import dev.smtpprobe.fixtures.peers.PostfixPeer;
import dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario;
import dev.smtpprobe.fixtures.peers.RealPeerTest;
import dev.smtpprobe.model.Credential;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.probe.TargetParser;
import dev.smtpprobe.model.Timeouts;
import dev.smtpprobe.probe.TestMessage;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The library ({@link SmtpProber} and the diagnosis) against a real Postfix with Dovecot SASL. */
@RealPeerTest("postfix")
class PostfixProberTest {
    private static final Timeouts QUICK = Timeouts.uniform(Duration.ofSeconds(5), Duration.ofSeconds(20));

    private static SmtpProber prober;

    @BeforeAll
    static void startProber() {
        prober = SmtpProber.builder().listener(ProbeEventListener.NONE).threads(1).build();
    }

    @AfterAll
    static void closeProber() {
        prober.close();
    }

    private static ProbeRequest.Builder request(PostfixPeer postfix, Scenario scenario) {
        return ProbeRequest.builder(TargetParser.parseServer(postfix.server(scenario), 25))
                .caFile(postfix.caCertificate())
                .ehloName("probe.test")
                .mailFrom("probe@client.test")
                .timeouts(QUICK);
    }

    private static ProbeResult probe(ProbeRequest request) throws Exception {
        return prober.probe(request).get(30, TimeUnit.SECONDS);
    }

    private static SessionResult onlySession(ProbeResult result) {
        assertThat(result.sessions()).hasSize(1);
        return result.sessions().get(0);
    }

    @Test
    void whatPostfixSaidBeforeTlsIsReplacedByTheSecondEhlo(PostfixPeer postfix) throws Exception {
        SessionResult s = onlySession(probe(request(postfix, STARTTLS).startTls(StartTlsPolicy.REQUIRE)
                .quitAfter(QuitAfter.TLS).build()));

        assertThat(s.succeeded()).as("%s", s.failure()).isTrue();
        assertThat(s.tls()).isPresent();
        assertThat(s.capabilitiesBeforeTls().startTls()).isTrue();
        assertThat(s.capabilitiesBeforeTls().authMechanisms()).isEmpty();
        assertThat(s.capabilities().startTls()).isFalse();
        assertThat(s.capabilities().authMechanisms())
                .containsExactly("PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256");
        assertThat(s.capabilities().sizeLimit()).hasValue(20000);
        assertThat(s.capabilities().serverName()).isEqualTo(postfix.serverName());
    }

    @Test
    void loginWithLibraryCredentialsWhereOnlyLoginIsOffered(PostfixPeer postfix) throws Exception {
        SessionResult s = onlySession(probe(request(postfix, LOGIN_ONLY)
                .credential(new Credential.Password(postfix.user(), postfix.password()))
                .quitAfter(QuitAfter.AUTH).build()));

        assertThat(s.authenticated()).as("%s", s.steps()).isTrue();
        assertThat(s.steps()).filteredOn(step -> step.phase() == SmtpPhase.AUTH).first()
                .satisfies(step -> assertThat(step.command()).hasValue("AUTH LOGIN"));
        assertThat(s.transcript().toString()).doesNotContain(postfix.password());
    }

    @Test
    void plainAuthWithoutTlsOnlyWhenAllowed(PostfixPeer postfix) throws Exception {
        Credential credentials = new Credential.Password(postfix.user(), postfix.password());

        SessionResult refused = onlySession(probe(request(postfix, PLAINTEXT).credential(credentials)
                .quitAfter(QuitAfter.AUTH).build()));
        SessionResult allowed = onlySession(probe(request(postfix, PLAINTEXT).credential(credentials)
                .allowPlaintextAuth(true).quitAfter(QuitAfter.AUTH).build()));

        assertThat(refused.tls()).isEmpty();
        assertThat(refused.authenticated()).isFalse();
        assertThat(refused.steps()).noneMatch(step -> step.phase() == SmtpPhase.AUTH);
        assertThat(allowed.tls()).isEmpty();
        assertThat(allowed.authenticated()).as("%s", allowed.steps()).isTrue();
    }

    @Test
    void aMessageOverPostfixsSizeLimitIsMessageTooLarge(PostfixPeer postfix) throws Exception {
        TestMessage small = TestMessage.generate("probe@client.test", List.of(postfix.mailbox("bob")), "probe.test",
                ZonedDateTime.now());
        String big = small.content() + ("x".repeat(998) + "\r\n").repeat(20);

        ProbeResult result = probe(request(postfix, STARTTLS).recipients(List.of(postfix.mailbox("bob")))
                .message(big).build());
        Diagnosis diagnosis = DiagnosisEngine.standard().diagnose(result);

        assertThat(onlySession(result).steps()).anySatisfy(step ->
                assertThat(step.reply()).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(552)));
        assertThat(onlySession(result).queueId()).isEmpty();
        assertThat(diagnosis.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(diagnosis.findings()).anySatisfy(f -> assertThat(f.category()).isEqualTo(Category.MESSAGE_TOO_LARGE));
    }
}
