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
}
