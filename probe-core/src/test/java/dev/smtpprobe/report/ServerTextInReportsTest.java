package dev.smtpprobe.report;

import static dev.smtpprobe.diagnosis.Observed.domain;
import static dev.smtpprobe.diagnosis.Observed.mx;
import static dev.smtpprobe.diagnosis.Observed.mxPlan;
import static dev.smtpprobe.diagnosis.Observed.probe;
import static dev.smtpprobe.diagnosis.Observed.session;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Finding;
import dev.smtpprobe.model.Printable;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SecretScrubber;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.TranscriptLine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The library path, without the command line: what the diagnosis engine and each renderer make of a result whose
 * server text is hostile, quotes the credential, or whose failure message names a Java exception.
 */
class ServerTextInReportsTest {
    private static final ReplyClassifier CLASSIFIER = ReplyClassifier.standard();
    private static final String PASSWORD = "lib-Pa55word";
    private static final SecretScrubber SECRETS = SecretScrubber.forPassword("me", PASSWORD);
    private static final String BLOB = Base64.getEncoder()
            .encodeToString(("\0me\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));

    private static ProbeResult echoingServer() {
        return probe(domain("example.com"), mxPlan("example.com", mx(10, "mx1.example.com", "192.0.2.10")),
                session("mx1.example.com", "192.0.2.10").opening()
                        .step(SmtpPhase.AUTH, "AUTH PLAIN <redacted>", SmtpReply.of(535, "5.7.8 bad " + BLOB + " \u001b[2J"))
                        .failed(ProbeStatus.REJECTED, SmtpPhase.AUTH, SmtpReply.of(535, "5.7.8 bad " + BLOB + " \u001b[2J"))
                        .transcript(TranscriptLine.Direction.RECEIVED, "535 5.7.8 bad " + BLOB + " \u001b[2J")
                        .build());
    }

    private static ProbeResult closedDuringHandshake() {
        return probe(domain("example.com"), mxPlan("example.com", mx(10, "mx1.example.com", "192.0.2.10")),
                session("mx1.example.com", "192.0.2.10").opening()
                        .failed(ProbeStatus.TLS_HANDSHAKE_FAILED, SmtpPhase.TLS_HANDSHAKE,
                                "TLS handshake failed: StacklessClosedChannelException")
                        .transcript(TranscriptLine.Direction.INFO,
                                "TLS_HANDSHAKE_FAILED at tls: TLS handshake failed: StacklessClosedChannelException")
                        .build());
    }

    @Test
    void findingsQuotingAnEchoedCredentialAreScrubbedAndEscaped() {
        Diagnosis d = new DiagnosisEngine(CLASSIFIER).diagnose(echoingServer(), SECRETS);

        Finding auth = d.findings().stream().filter(f -> f.id().equals("auth-rejected")).findFirst().orElseThrow();
        assertThat(auth.detail()).contains("bad <redacted> \\x1b[2J").doesNotContain(BLOB);
        assertThat(d.findings()).allSatisfy(f -> {
            assertThat(Printable.isPrintable(f.detail())).isTrue();
            assertThat(Printable.isPrintable(f.title())).isTrue();
        });
        assertThat(Printable.isPrintable(d.summary())).isTrue();
    }

    @Test
    void everyRendererScrubsAgainWithTheSecretsOfItsOptions() {
        ProbeResult result = echoingServer();
        Diagnosis unscrubbed = new DiagnosisEngine(CLASSIFIER).diagnose(result);
        ReportOptions options = ReportOptions.DEFAULTS.withTranscript(true).withSecrets(SECRETS);

        List<String> outputs = List.of(new TextReport(CLASSIFIER, options).render(result, unscrubbed),
                new JsonReport(CLASSIFIER, options).render(result, unscrubbed),
                new NagiosReport(options).render(result, unscrubbed));

        assertThat(outputs).allSatisfy(out -> assertThat(out).doesNotContain(BLOB).doesNotContain(PASSWORD)
                .doesNotContain("\u001b"));
    }

    @Test
    void failureMessagesNeverNameJavaClassesInAnyFormat() {
        ProbeResult result = closedDuringHandshake();
        Diagnosis d = new DiagnosisEngine(CLASSIFIER).diagnose(result);
        ReportOptions options = ReportOptions.DEFAULTS.withTranscript(true);

        String text = new TextReport(CLASSIFIER, options).render(result, d);
        JsonNode json = new JsonReport(CLASSIFIER, options).toTree(result, d);
        String nagios = new NagiosReport(options).render(result, d);

        for (String out : List.of(text, json.toString(), nagios)) {
            assertThat(out).doesNotContain("Exception").doesNotContain("java.");
        }
        assertThat(text).contains("TLS handshake failed: the connection was closed");
        assertThat(json.at("/hosts/0/failure/message").asText())
                .isEqualTo("TLS handshake failed: the connection was closed");
    }

    @Test
    void theTextReportsFinalPassKeepsOnlyLineEndsAndOurColours() {
        String painted = "\u001b[1mOK\u001b[0m server said \u001b[2J\u0007\u009b\n";
        assertThat(TextReport.safe(painted, true)).isEqualTo("\u001b[1mOK\u001b[0m server said \\x1b[2J\\x07\\x9b\n");
        assertThat(TextReport.safe(painted, false)).isEqualTo("\\x1b[1mOK\\x1b[0m server said \\x1b[2J\\x07\\x9b\n");
        List<String> lines = new ArrayList<>(List.of(TextReport.safe("a\tb\u202ec", false).split("\n")));
        assertThat(lines).containsExactly("a\\tb\\u202ec");
    }
}
