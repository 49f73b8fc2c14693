package dev.smtpprobe.tls;

import dev.smtpprobe.model.CertificateSummary;
import dev.smtpprobe.model.TrustCheck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.HeldCertificate;
import dev.smtpprobe.fixtures.TestCertificates;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustEvaluatorTest {

    @TempDir
    Path tmp;

    @Test
    void wildcardCoversExactlyOneLeftMostLabel() {
        assertThat(TrustEvaluator.dnsNameMatches("*.example.com", "mx.example.com")).isTrue();
        assertThat(TrustEvaluator.dnsNameMatches("*.example.com", "MX.Example.COM")).isTrue();
        assertThat(TrustEvaluator.dnsNameMatches("*.example.com", "a.b.example.com")).isFalse();
        assertThat(TrustEvaluator.dnsNameMatches("*.example.com", "example.com")).isFalse();
        assertThat(TrustEvaluator.dnsNameMatches("*.com", "example.com")).isFalse();
        assertThat(TrustEvaluator.dnsNameMatches("m*.example.com", "mx.example.com")).isFalse();
        assertThat(TrustEvaluator.dnsNameMatches("*.*.example.com", "a.b.example.com")).isFalse();
        assertThat(TrustEvaluator.dnsNameMatches("mx.example.com.", "mx.example.com")).isTrue();
    }

    @Test
    void validChainFromCaFileAndMatchingName() {
        TestCertificates.Authority ca = TestCertificates.newAuthority("unit CA");
        HeldCertificate leaf = ca.issue("mx.example.test", "127.0.0.1");
        TrustEvaluator evaluator = TrustEvaluator.fromPemFile(ca.writePem(tmp.resolve("ca.pem")));

        TrustCheck check = evaluator.evaluate(leaf.chain(), "mx.example.test", Instant.now());
        assertThat(check.trusted()).isTrue();
        assertThat(check.chainProblem()).isEmpty();
        assertThat(evaluator.evaluate(leaf.chain(), "127.0.0.1", Instant.now()).nameMatches()).isTrue();
        assertThat(evaluator.evaluate(leaf.chain(), "[127.0.0.1]", Instant.now()).nameMatches()).isTrue();
        assertThat(evaluator.evaluate(leaf.chain(), "127.0.0.2", Instant.now()).nameMatches()).isFalse();
        assertThat(evaluator.evaluate(leaf.chain(), "other.example.test", Instant.now()).nameMatches()).isFalse();
    }

    @Test
    void intermediateChainValidates() {
        TestCertificates.Authority root = TestCertificates.newAuthority("unit root");
        HeldCertificate leaf = root.newIntermediate("unit intermediate").issue("mx.example.test");
        TrustEvaluator evaluator = TrustEvaluator.fromPemFile(root.writePem(tmp.resolve("root.pem")));
        assertThat(evaluator.evaluate(leaf.chain(), "mx.example.test", Instant.now()).trusted()).isTrue();
    }

    @Test
    void unknownIssuerIsNotTrustedByTheJdkStore() {
        HeldCertificate leaf = TestCertificates.newAuthority("private CA").issue("mx.example.test");
        TrustCheck check = TrustEvaluator.jdkDefault().evaluate(leaf.chain(), "mx.example.test", Instant.now());
        assertThat(check.chainValid()).isFalse();
        assertThat(check.nameMatches()).isTrue();
        assertThat(check.chainProblem()).isPresent();
    }

    @Test
    void notYetValidIsReported() {
        TestCertificates.Authority ca = TestCertificates.newAuthority("unit CA");
        HeldCertificate leaf = ca.issueNotYetValid("mx.example.test");
        TrustCheck check = TrustEvaluator.fromPemFile(ca.writePem(tmp.resolve("ca.pem")))
                .evaluate(leaf.chain(), "mx.example.test", Instant.now());
        assertThat(check.notYetValid()).isTrue();
        assertThat(check.chainValid()).isFalse();
    }

    @Test
    void missingCaFileIsAProblemNotAnException() {
        HeldCertificate leaf = TestCertificates.selfSigned("mx.example.test");
        TrustCheck check = TrustEvaluator.fromPemFile(tmp.resolve("absent.pem"))
                .evaluate(leaf.chain(), "mx.example.test", Instant.now());
        assertThat(check.chainValid()).isFalse();
        assertThat(check.chainProblem()).hasValueSatisfying(p -> assertThat(p).contains("cannot read CA file"));
    }

    @Test
    void inspectorSummarisesTheLeaf() {
        HeldCertificate leaf = TestCertificates.selfSigned("mx.example.test", "192.0.2.1");
        CertificateSummary s = CertificateInspector.summarize(leaf.certificate());
        assertThat(s.subject()).isEqualTo("CN=mx.example.test");
        assertThat(s.subjectAltNames()).containsExactly("DNS:mx.example.test", "IP:192.0.2.1");
        assertThat(s.selfSigned()).isTrue();
        assertThat(s.publicKeyBits()).isPositive();
        assertThat(s.sha256Fingerprint()).hasSize(64);
        assertThat(s.notAfter()).isAfter(s.notBefore());
    }

    @Test
    void sniIsNeverAnIpLiteral() {
        assertThat(HostNames.sniFor("MX.Example.test.")).isEqualTo("mx.example.test");
        assertThat(HostNames.sniFor("127.0.0.1")).isEmpty();
        assertThat(HostNames.sniFor("[::1]")).isEmpty();
    }
}
