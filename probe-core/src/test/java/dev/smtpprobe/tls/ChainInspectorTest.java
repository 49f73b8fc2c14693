package dev.smtpprobe.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.HeldCertificate;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.model.ChainReport;
import dev.smtpprobe.model.CertificateSummary;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chain shape and certificate weaknesses, on certificates made at test time. */
class ChainInspectorTest {
    private static final TestCertificates.Authority ROOT = TestCertificates.newAuthority("chain test root");
    private static final TestCertificates.Authority INTERMEDIATE = ROOT.newIntermediate("chain test intermediate");

    @Test
    void aChainWithoutItsIntermediateNamesTheMissingIssuer(@TempDir Path dir) {
        TrustEvaluator anchors = TrustEvaluator.fromPemFile(ROOT.writePem(dir.resolve("root.pem")));
        HeldCertificate full = INTERMEDIATE.issue("mx.example.test");
        assertThat(ChainInspector.inspect(full.chain(), anchors).missingIssuer()).isEmpty();
        assertThat(ChainInspector.inspect(full.chain().subList(0, 2), anchors).missingIssuer())
                .as("the root may be left out: it is an anchor").isEmpty();
        ChainReport leafOnly = ChainInspector.inspect(full.leafOnly().chain(), anchors);
        assertThat(leafOnly.missingIssuer()).contains("CN=chain test intermediate");
    }

    @Test
    void aChainOutOfOrderIsNoticed(@TempDir Path dir) {
        TrustEvaluator anchors = TrustEvaluator.fromPemFile(ROOT.writePem(dir.resolve("root.pem")));
        HeldCertificate full = INTERMEDIATE.issue("mx.example.test");
        List<java.security.cert.X509Certificate> shuffled = List.of(full.chain().get(0), full.chain().get(2),
                full.chain().get(1));
        assertThat(ChainInspector.inspect(shuffled, anchors).ordered()).isFalse();
        assertThat(ChainInspector.inspect(full.chain(), anchors).ordered()).isTrue();
    }

    @Test
    void weakRsaKeysAndSha1SignaturesAreWeaknesses(@TempDir Path dir) {
        TrustEvaluator anchors = TrustEvaluator.fromPemFile(ROOT.writePem(dir.resolve("root.pem")));
        HeldCertificate weak = INTERMEDIATE.leaf("mx.example.test").rsa(1024).signatureAlgorithm("SHA1withECDSA").issue();
        List<String> w = ChainInspector.inspect(weak.chain(), anchors).weaknesses();
        assertThat(w).anyMatch(s -> s.contains("1024-bit RSA key")).anyMatch(s -> s.contains("SHA1withECDSA"));
        assertThat(ChainInspector.inspect(INTERMEDIATE.issue("mx.example.test").chain(), anchors).weaknesses()).isEmpty();
    }

    @Test
    void mustStapleWildcardsAndTheSpkiDigestAreSummarised() {
        HeldCertificate staple = INTERMEDIATE.leaf("*.example.test").mustStaple().issue();
        CertificateSummary s = CertificateInspector.summarize(staple.certificate());
        assertThat(s.mustStaple()).isTrue();
        assertThat(s.subjectAltNames()).containsExactly("DNS:*.example.test");
        assertThat(s.spkiSha256()).hasSize(64).isEqualTo(DaneMatcher.spkiSha256(staple.certificate()));
        assertThat(TrustEvaluator.nameMatches(staple.certificate(), "mx.example.test")).isTrue();
        assertThat(CertificateInspector.summarize(INTERMEDIATE.issue("mx.example.test").certificate()).mustStaple())
                .isFalse();
        assertThat(CertificateInspector.summarize(INTERMEDIATE.certificate()).certificateAuthority()).isTrue();
    }
}
