package dev.smtpprobe.report;

import static dev.smtpprobe.diagnosis.Observed.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.model.ProbeResult;
import org.junit.jupiter.api.Test;

class TextReportTest {

    private final ReplyClassifier classifier = ReplyClassifier.standard();
    private final DiagnosisEngine engine = new DiagnosisEngine(classifier);

    private String render(ProbeResult r, ReportOptions options) {
        return new TextReport(classifier, options).render(r, engine.diagnose(r));
    }

    @Test
    void firstLineIsTheVerdictAndItsReason() {
        assertThat(render(Scenarios.ok(), ReportOptions.DEFAULTS).lines().findFirst().orElseThrow())
                .isEqualTo("OK  mx1.example.com accepted the probe; TLSv1.3, certificate valid 87 days");
        assertThat(render(Scenarios.greylisted(), ReportOptions.DEFAULTS).lines().findFirst().orElseThrow())
                .startsWith("WARNING  ").contains("mx1.example.com").contains("450");
        assertThat(render(Scenarios.nullMxDomain(), ReportOptions.DEFAULTS).lines().findFirst().orElseThrow())
                .startsWith("CRITICAL  Domain accepts no mail");
    }

    @Test
    void showsDnsPlanStepTableTlsPostureAndFindingsWithRemedies() {
        String text = render(Scenarios.ok(), ReportOptions.DEFAULTS);
        assertThat(text).containsPattern("(?m)^\\s+10\\s+mx1\\.example\\.com\\s+192\\.0\\.2\\.1$");
        assertThat(text).containsPattern("(?m)^\\s+rcpt\\s+RCPT TO:<postmaster@example\\.com>\\s+250 2\\.1\\.5\\s+.+\\s+12$");
        assertThat(text).contains("TLSv1.3").contains("TLS_AES_256_GCM_SHA384").contains("CN=mx1.example.com")
                .contains("CN=Example Test CA").contains("87 days to expiry").contains("name matches");
        assertThat(text).containsPattern("(?m)^\\s+spf\\s+pass\\s+SPF record is valid$");

        String grey = render(Scenarios.greylisted(), ReportOptions.DEFAULTS);
        assertThat(grey).contains("rcpt-deferred").contains("Fix: ");
    }

    @Test
    void fitsInOneHundredColumnsAfterTheFirstLine() {
        for (ProbeResult r : Scenarios.all().values()) {
            String text = render(r, ReportOptions.DEFAULTS.withTranscript(true));
            text.lines().skip(1).forEach(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(100));
        }
    }

    @Test
    void colourOnlyWhenAsked() {
        assertThat(render(Scenarios.greylisted(), ReportOptions.DEFAULTS)).doesNotContain("\u001b[");
        String coloured = render(Scenarios.greylisted(), ReportOptions.DEFAULTS.withColor(true));
        assertThat(coloured).startsWith("\u001b[33m\u001b[1mWARNING\u001b[0m");
    }

    @Test
    void transcriptOnlyWhenAskedAndRedacted() {
        assertThat(render(Scenarios.ok(), ReportOptions.DEFAULTS)).doesNotContain("Transcript");
        String text = render(Scenarios.ok(), ReportOptions.DEFAULTS.withTranscript(true));
        assertThat(text).contains("Transcript").contains("C: EHLO probe.example.net").contains("C: AUTH PLAIN <redacted>");
        assertThat(text).doesNotContain(SECRET).doesNotContain(Scenarios.SECRET_BASE64);
    }
}
