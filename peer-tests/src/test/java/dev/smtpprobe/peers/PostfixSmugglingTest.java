package dev.smtpprobe.peers;

import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.BARE_NEWLINE_ALLOWED;
import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.BARE_NEWLINE_FORBIDDEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smtpprobe.SmtpProber;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Finding;
import dev.smtpprobe.diagnosis.Verdict;
import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.fixtures.peers.PostfixPeer;
import dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario;
import dev.smtpprobe.fixtures.peers.RealPeerTest;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmugglingResult;
import dev.smtpprobe.model.SmugglingSequence;
import dev.smtpprobe.model.Timeouts;
import dev.smtpprobe.probe.TargetParser;
import dev.smtpprobe.probe.TestMessage;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --smuggling-test} against a real Postfix: the listener with {@code smtpd_forbid_bare_newline = no} takes a
 * bare LF as a line end, so every sequence with a bare LF around the dot ends data there (CVE-2023-51764); the one
 * with {@code = yes} never does. Through the library and through the command line.
 */
@RealPeerTest("postfix")
class PostfixSmugglingTest {
    /** What Postfix, which ends lines at LF and never at a bare CR, takes as the end of data when bare LF is allowed. */
    private static final Set<SmugglingSequence> BARE_LF = EnumSet.of(SmugglingSequence.LF_LF,
            SmugglingSequence.LF_CRLF, SmugglingSequence.CRLF_LF);

    private static SmtpProber prober;

    @BeforeAll
    static void startProber() {
        prober = SmtpProber.builder().listener(ProbeEventListener.NONE).threads(1).build();
    }

    @AfterAll
    static void closeProber() {
        prober.close();
    }

    private static ProbeResult probe(PostfixPeer postfix, Scenario scenario) throws Exception {
        String rcpt = postfix.mailbox("bob");
        TestMessage message = TestMessage.compose("probe@client.test", List.of(rcpt), "probe.test",
                ZonedDateTime.now(), List.of(), java.util.Optional.empty(), OptionalLong.empty());
        ProbeRequest request = ProbeRequest.builder(TargetParser.parseServer(postfix.server(scenario), 25))
                .ehloName("probe.test").mailFrom("probe@client.test").recipients(List.of(rcpt))
                .message(message.content()).timeouts(Timeouts.uniform(Duration.ofSeconds(5), Duration.ofSeconds(20)))
                .smugglingTest().build();
        return prober.probe(request).get(120, TimeUnit.SECONDS);
    }

    private static Map<SmugglingSequence, SmugglingResult.Verdict> verdicts(ProbeResult result) {
        Map<SmugglingSequence, SmugglingResult.Verdict> out = new LinkedHashMap<>();
        result.smugglingResults().forEach(t -> out.put(t.sequence(), t.verdict()));
        return out;
    }

    private static String evidence(ProbeResult result) {
        return result.smugglingResults().stream().map(t -> t.sequence().label() + " " + t.verdict().id() + " "
                + t.replies().stream().map(r -> r.code() + " " + r.text()).toList()).collect(Collectors.joining("\n"));
    }

    @Test
    void withBareNewlinesAllowedTheLfSequencesEndDataAndAreCritical(PostfixPeer postfix) throws Exception {
        ProbeResult result = probe(postfix, BARE_NEWLINE_ALLOWED);
        Diagnosis d = DiagnosisEngine.standard().diagnose(result);
        System.out.println("Postfix " + postfix.postfixVersion() + ", smtpd_forbid_bare_newline = no:\n" + evidence(result));

        assertThat(result.smuggling()).hasSize(SmugglingSequence.values().length);
        for (Map.Entry<SmugglingSequence, SmugglingResult.Verdict> e : verdicts(result).entrySet()) {
            assertThat(e.getValue()).as("%s\n%s", e.getKey(), evidence(result)).isEqualTo(BARE_LF.contains(e.getKey())
                    ? SmugglingResult.Verdict.ACCEPTED_AS_END_OF_DATA : SmugglingResult.Verdict.TREATED_AS_DATA);
        }
        SmugglingResult lfCrLf = result.smugglingResults().get(SmugglingSequence.LF_CRLF.ordinal());
        assertThat(lfCrLf.replies().get(0).text()).contains("queued");
        assertThat(lfCrLf.replies().get(1).text()).contains("2.1.0");
        assertThat(result.smuggling()).allMatch(SessionResult::politeEnd);
        assertThat(d.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(d.findings()).filteredOn(f -> f.severity() == dev.smtpprobe.diagnosis.Severity.CRITICAL)
                .extracting(Finding::id).containsExactlyInAnyOrder("smtp-smuggling-lf-lf", "smtp-smuggling-lf-crlf",
                        "smtp-smuggling-crlf-lf");
        assertThat(d.findings()).filteredOn(f -> f.id().equals("smtp-smuggling-lf-crlf")).singleElement()
                .satisfies(f -> {
                    assertThat(f.title()).contains("CVE-2023-51764");
                    assertThat(f.remedy()).startsWith("Postfix:");
                });
    }

    @Test
    void withBareNewlinesForbiddenNoSequenceEndsData(PostfixPeer postfix) throws Exception {
        ProbeResult result = probe(postfix, BARE_NEWLINE_FORBIDDEN);
        Diagnosis d = DiagnosisEngine.standard().diagnose(result);
        System.out.println("Postfix " + postfix.postfixVersion() + ", smtpd_forbid_bare_newline = yes:\n" + evidence(result));

        assertThat(result.smuggling()).hasSize(SmugglingSequence.values().length);
        assertThat(result.smugglingResults()).as(evidence(result)).noneMatch(SmugglingResult::vulnerable)
                .allMatch(t -> t.verdict() == SmugglingResult.Verdict.REFUSED
                        || t.verdict() == SmugglingResult.Verdict.TREATED_AS_DATA);
        assertThat(d.findings()).extracting(Finding::id).noneMatch(id -> id.startsWith("smtp-smuggling-l")
                || id.startsWith("smtp-smuggling-c")).contains("smtp-smuggling-resisted");
    }

    @Test
    void theCommandLineTellsTheTwoListenersApart(PostfixPeer postfix) {
        Cli allowed = Cli.probe(postfix.server(BARE_NEWLINE_ALLOWED), "--from", "probe@client.test", "--rcpt",
                postfix.mailbox("bob"), "--send", "--smuggling-test", "--format", "json");
        Cli forbidden = Cli.probe(postfix.server(BARE_NEWLINE_FORBIDDEN), "--from", "probe@client.test", "--rcpt",
                postfix.mailbox("bob"), "--send", "--smuggling-test", "--format", "json");

        assertThat(allowed.exitCode()).as("%s", allowed).isEqualTo(2);
        assertThat(vulnerable(allowed.json())).containsExactly("lf-lf", "lf-crlf", "crlf-lf");
        assertThat(forbidden.exitCode()).as("%s", forbidden).isLessThan(2);
        assertThat(vulnerable(forbidden.json())).isEmpty();
        assertThat(forbidden.json().at("/smuggling/vulnerable").asBoolean()).isFalse();
    }

    private static List<String> vulnerable(JsonNode json) {
        return StreamSupport.stream(json.at("/smuggling/sequences").spliterator(), false)
                .filter(s -> s.at("/vulnerable").asBoolean()).map(s -> s.at("/sequence").asText()).toList();
    }
}
