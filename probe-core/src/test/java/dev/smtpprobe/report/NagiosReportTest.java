package dev.smtpprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Verdict;
import dev.smtpprobe.model.ProbeResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class NagiosReportTest {

    private final DiagnosisEngine engine = new DiagnosisEngine(ReplyClassifier.standard());

    private List<String> render(ProbeResult r) {
        return new NagiosReport(ReportOptions.DEFAULTS).render(r, engine.diagnose(r)).lines().toList();
    }

    @Test
    void statusLineFollowsThePluginFormatWithPerfdata() {
        String first = render(Scenarios.ok()).get(0);
        assertThat(first).matches("SMTP OK - [^|]+ \\| \\S+(?: \\S+)*");
        assertThat(first).startsWith("SMTP OK - mx1.example.com accepted the probe");
        String perf = first.substring(first.indexOf(" | ") + 3);
        assertThat(perf.split(" ")).allMatch(p -> p.matches("[a-z_]+=-?[0-9.]+s?(;@?~?-?[0-9.]*:?-?[0-9.]*){0,2}(;-?[0-9.]*){0,2}"));
        assertThat(perf).contains("connect=0.008s;;;0").contains("banner=0.012s;;;0").contains("tls=0.012s;;;0")
                .contains("total=0.420s;;;0").endsWith("cert_days=87;14:;3:");
    }

    @Test
    void everyVerdictHasItsStatusWordAndFindingsFollowAsLongOutput() {
        for (ProbeResult r : Scenarios.all().values()) {
            Diagnosis d = engine.diagnose(r);
            List<String> lines = render(r);
            assertThat(lines.get(0)).startsWith("SMTP " + d.verdict().name() + " - ");
            assertThat(lines).hasSize(1 + d.findings().size());
            assertThat(lines.get(0).chars().filter(c -> c == '|').count()).isEqualTo(1);
        }
        List<String> dead = render(Scenarios.deadBackupMx());
        assertThat(dead.get(1)).startsWith("WARNING: Connection refused - mx2.example.com");
    }

    @Test
    void criticalWithoutAnySessionStillGivesTotalTime() {
        List<String> lines = render(Scenarios.nullMxDomain());
        assertThat(lines.get(0)).startsWith("SMTP CRITICAL - Domain accepts no mail").endsWith("| total=0.420s;;;0");
        assertThat(engine.diagnose(Scenarios.nullMxDomain()).verdict()).isEqualTo(Verdict.CRITICAL);
    }

    @Test
    void timeThresholdsShowInPerfdataInRangeSyntaxAndRaiseTheStatus() {
        ProbeResult r = Scenarios.ok();
        dev.smtpprobe.diagnosis.TimeThresholds t = new dev.smtpprobe.diagnosis.TimeThresholds(
                java.util.Optional.of(java.time.Duration.ofMillis(300)), java.util.Optional.of(java.time.Duration.ofSeconds(2)),
                java.util.Map.of(dev.smtpprobe.model.SmtpPhase.BANNER, java.time.Duration.ofSeconds(1)),
                java.util.Map.of(dev.smtpprobe.model.SmtpPhase.BANNER, java.time.Duration.ofSeconds(3)));
        String first = new NagiosReport(ReportOptions.DEFAULTS, t).render(r, t.apply(r, engine.diagnose(r)))
                .lines().findFirst().orElseThrow();
        assertThat(first).startsWith("SMTP WARNING - The probe took 0.420 s")
                .contains("banner=0.012s;1.000;3.000;0").contains("total=0.420s;0.300;2.000;0")
                .contains("connect=0.008s;;;0");
    }

    @Test
    void anExpiredCertificateIsCritical() {
        ProbeResult r = dev.smtpprobe.diagnosis.Observed.probe(dev.smtpprobe.diagnosis.Observed.domain("example.com"),
                dev.smtpprobe.diagnosis.Observed.mxPlan("example.com",
                        dev.smtpprobe.diagnosis.Observed.mx(10, "mx1.example.com", "192.0.2.1")),
                dev.smtpprobe.diagnosis.Observed.session("mx1.example.com", "192.0.2.1")
                        .tls(dev.smtpprobe.diagnosis.Observed.tls("mx1.example.com",
                                dev.smtpprobe.diagnosis.Observed.NOW.minus(java.time.Duration.ofDays(2)),
                                new dev.smtpprobe.model.TrustCheck(false, java.util.Optional.of("expired"), true, true, false)))
                        .accepted().build());
        String first = render(r).get(0);
        assertThat(first).startsWith("SMTP CRITICAL - Certificate expired").contains("cert_days=-2;14:;3:");
    }
}
