package dev.smtpprobe.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Observed;
import dev.smtpprobe.diagnosis.Severity;
import dev.smtpprobe.diagnosis.Verdict;
import dev.smtpprobe.model.CertificateSummary;
import dev.smtpprobe.model.MxPlan;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.TlsSessionInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftTest {

    private final DiagnosisEngine engine = new DiagnosisEngine(ReplyClassifier.standard());
    private final ProbeTarget target = Observed.domain("example.com");
    @TempDir
    Path dir;

    private static TlsSessionInfo tls(String issuer, String fingerprint, Instant notAfter) {
        CertificateSummary leaf = new CertificateSummary("CN=mx1.example.com", issuer, List.of("mx1.example.com"),
                notAfter.minus(Duration.ofDays(90)), notAfter, "RSA", 2048, "SHA256withRSA", fingerprint, false);
        return new TlsSessionInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384", "mx1.example.com", List.of(), List.of(leaf),
                Observed.trusted());
    }

    private ProbeResult run(MxPlan plan, TlsSessionInfo tls) {
        return Observed.probe(target, plan, Observed.session("mx1.example.com", "192.0.2.1").opening().tls(tls)
                .mailAndRcpt("postmaster@example.com", dev.smtpprobe.model.SmtpReply.of(250, "ok")).quit().build());
    }

    private Snapshot snapshot(ProbeResult r) {
        return Snapshot.of("example.com", r, engine.diagnose(r));
    }

    @Test
    void twoRunsWithANewCertificateFromAnotherIssuerAndAChangedMxSet() throws Exception {
        StateStore store = new StateStore(dir.resolve("state"));
        Instant expiry = Observed.NOW.plus(Duration.ofDays(60));
        ProbeResult first = run(Observed.mxPlan("example.com", Observed.mx(10, "mx1.example.com", "192.0.2.1")),
                tls("CN=Old CA", "AA:AA", expiry));
        ProbeResult second = run(Observed.mxPlan("example.com", Observed.mx(10, "mx1.example.com", "192.0.2.1"),
                Observed.mx(20, "mx9.attacker.example", "198.51.100.9")), tls("CN=New CA", "BB:BB", expiry.plusSeconds(86400)));

        assertThat(store.record(snapshot(first))).isEmpty();
        List<DriftDetector.Change> changes = store.record(snapshot(second));

        assertThat(changes).extracting(DriftDetector.Change::kind).containsExactly("mx", "addresses", "certificate_issuer");
        assertThat(changes.get(0).finding().severity()).isEqualTo(Severity.WARNING);
        assertThat(changes.get(0).finding().detail()).contains("added mx9.attacker.example");
        assertThat(changes.get(2).finding().id()).isEqualTo("drift-certificate-issuer");
        assertThat(changes.get(2).finding().severity()).isEqualTo(Severity.WARNING);

        Diagnosis d = engine.diagnose(second).plus(changes.stream().map(DriftDetector.Change::finding).toList());
        assertThat(d.verdict()).isEqualTo(Verdict.WARNING);
        // The state was replaced atomically: one file, no temporary left behind.
        try (var files = Files.list(dir.resolve("state"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("example.com.json");
        }
        assertThat(store.read("example.com").orElseThrow().certificateIssuer()).isEqualTo("CN=New CA");
        // Unchanged third run: nothing to report.
        assertThat(store.record(snapshot(second))).isEmpty();
    }

    @Test
    void aRenewalByTheSameIssuerIsInfo() {
        Instant expiry = Observed.NOW.plus(Duration.ofDays(40));
        MxPlan plan = Observed.mxPlan("example.com", Observed.mx(10, "mx1.example.com", "192.0.2.1"));
        List<DriftDetector.Change> changes = DriftDetector.compare(snapshot(run(plan, tls("CN=R3", "AA", expiry))),
                snapshot(run(plan, tls("CN=R3", "BB", expiry.plus(Duration.ofDays(90))))));
        assertThat(changes).extracting(DriftDetector.Change::kind).containsExactly("certificate_renewed");
        assertThat(changes.get(0).finding().severity()).isEqualTo(Severity.INFO);
    }

    @Test
    void anUnreadableStateFileIsNoPreviousRun() throws Exception {
        StateStore store = new StateStore(dir);
        Files.writeString(store.fileOf("example.com"), "{not json");
        assertThat(store.read("example.com")).isEmpty();
        assertThat(store.fileOf("../etc/passwd").getParent()).isEqualTo(dir);
    }
}
