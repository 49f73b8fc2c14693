package dev.smtpprobe.model;

import java.time.Instant;
import java.util.List;

/** What a report shows of one certificate of the peer's chain. */
public record CertificateSummary(
        String subject,
        String issuer,
        List<String> subjectAltNames,
        Instant notBefore,
        Instant notAfter,
        String publicKeyAlgorithm,
        int publicKeyBits,
        String signatureAlgorithm,
        String sha256Fingerprint,
        boolean selfSigned) {

    public CertificateSummary {
        subjectAltNames = List.copyOf(subjectAltNames);
    }
}
