package dev.smtpprobe.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SmtpPhase;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TimeThresholdsTest {

    private final DiagnosisEngine engine = new DiagnosisEngine(ReplyClassifier.standard());
    private final ProbeResult result = Observed.probe(Observed.domain("example.com"),
            Observed.mxPlan("example.com", Observed.mx(10, "mx1.example.com", "192.0.2.1")),
            Observed.session("mx1.example.com", "192.0.2.1").accepted().build());

    @Test
    void noThresholdsLeaveTheDiagnosisAlone() {
        Diagnosis d = engine.diagnose(result);
        assertThat(TimeThresholds.NONE.apply(result, d)).isSameAs(d);
    }

    @Test
    void aSlowProbeOrPhaseRaisesTheVerdictWithAFinding() {
        Diagnosis base = engine.diagnose(result);
        assertThat(base.verdict()).isEqualTo(Verdict.OK);
        // Observed sessions take 420 ms in all; each step 12 ms.
        TimeThresholds total = new TimeThresholds(Optional.of(Duration.ofMillis(100)), Optional.of(Duration.ofSeconds(5)),
                Map.of(), Map.of());
        Diagnosis warned = total.apply(result, base);
        assertThat(warned.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(warned.findings().get(0).id()).isEqualTo("probe-slow");
        assertThat(warned.summary()).startsWith("The probe took");

        TimeThresholds phase = new TimeThresholds(Optional.empty(), Optional.empty(),
                Map.of(SmtpPhase.BANNER, Duration.ofMillis(5)), Map.of(SmtpPhase.RCPT, Duration.ofMillis(10)));
        Diagnosis critical = phase.apply(result, base);
        assertThat(critical.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(critical.findings()).filteredOn(f -> f.id().equals("phase-slow"))
                .extracting(f -> f.phase().orElseThrow() + ":" + f.severity())
                .contains("BANNER:WARNING", "RCPT:CRITICAL");

        TimeThresholds generous = new TimeThresholds(Optional.of(Duration.ofSeconds(10)), Optional.empty(),
                Map.of(SmtpPhase.BANNER, Duration.ofSeconds(1)), Map.of());
        assertThat(generous.apply(result, base).verdict()).isEqualTo(Verdict.OK);
    }
}
