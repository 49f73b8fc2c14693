package dev.smtpprobe.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.HeldCertificate;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.model.TlsaRecord;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 7672 §3 matching rules, on certificates generated at test time. */
class DaneMatcherTest {
    private static final TestCertificates.Authority CA = TestCertificates.newAuthority("DANE test CA");
    private static final TestCertificates.Authority INTERMEDIATE = CA.newIntermediate("DANE test intermediate");

    private static String sha(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }

    @Test
    void daneEeMatchesAnExpiredSelfSignedCertificateForAnotherName() throws Exception {
        HeldCertificate expired = TestCertificates.selfSigned("wrong.example.test");
        HeldCertificate old = CA.issueExpired("other.example.test");
        for (HeldCertificate cert : List.of(expired, old)) {
            TlsaRecord r = DaneMatcher.daneEeRecord(cert.certificate());
            DaneMatcher.Match m = DaneMatcher.match(cert.chain(), List.of(r), List.of("mx.example.test"), Instant.now());
            assertThat(m.authenticated()).as(m.reason()).isTrue();
            assertThat(m.matched()).contains(r);
            assertThat(m.reason()).contains("names and dates are not checked");
        }
    }

    @Test
    void everySelectorAndMatchingTypeIsUnderstood() throws Exception {
        HeldCertificate leaf = CA.issue("mx.example.test");
        byte[] der = leaf.certificate().getEncoded();
        byte[] spki = leaf.certificate().getPublicKey().getEncoded();
        List<TlsaRecord> forms = List.of(
                new TlsaRecord(3, 0, 0, HexFormat.of().formatHex(der)),
                new TlsaRecord(3, 0, 1, sha("SHA-256", der)),
                new TlsaRecord(3, 0, 2, sha("SHA-512", der)),
                new TlsaRecord(3, 1, 0, HexFormat.of().formatHex(spki)),
                new TlsaRecord(3, 1, 1, sha("SHA-256", spki)),
                new TlsaRecord(3, 1, 2, sha("SHA-512", spki)));
        for (TlsaRecord r : forms) {
            assertThat(DaneMatcher.match(leaf.chain(), List.of(r), List.of(), Instant.now()).authenticated())
                    .as("%s", r).isTrue();
        }
    }

    @Test
    void daneTaMatchesTheIssuerAndChecksTheName() throws Exception {
        HeldCertificate leaf = INTERMEDIATE.leaf("mx.example.test").issue();
        TlsaRecord ta = new TlsaRecord(2, 0, 1, sha("SHA-256", INTERMEDIATE.certificate().getEncoded()));
        DaneMatcher.Match good = DaneMatcher.match(leaf.chain(), List.of(ta), List.of("mx.example.test"), Instant.now());
        assertThat(good.authenticated()).as(good.reason()).isTrue();
        DaneMatcher.Match wrongName = DaneMatcher.match(leaf.chain(), List.of(ta), List.of("mail.example.test"),
                Instant.now());
        assertThat(wrongName.authenticated()).isFalse();
        assertThat(wrongName.reason()).contains("names none of mail.example.test");
    }

    @Test
    void daneTaDoesNotMatchTheLeafAndAMismatchSaysSo() throws Exception {
        HeldCertificate leaf = CA.issue("mx.example.test");
        TlsaRecord leafAsTa = new TlsaRecord(2, 1, 1, DaneMatcher.spkiSha256(leaf.certificate()));
        DaneMatcher.Match m = DaneMatcher.match(leaf.chain(), List.of(leafAsTa), List.of("mx.example.test"), Instant.now());
        assertThat(m.authenticated()).isFalse();
        assertThat(m.reason()).contains("no TLSA record matches");
    }

    @Test
    void pkixUsagesAreUnusableForSmtp() throws Exception {
        HeldCertificate leaf = CA.issue("mx.example.test");
        TlsaRecord pkixEe = new TlsaRecord(1, 1, 1, DaneMatcher.spkiSha256(leaf.certificate()));
        DaneMatcher.Match m = DaneMatcher.match(leaf.chain(), List.of(pkixEe), List.of("mx.example.test"), Instant.now());
        assertThat(m.usable()).isEmpty();
        assertThat(m.authenticated()).isFalse();
        assertThat(m.reason()).contains("no usable TLSA record");
    }
}
