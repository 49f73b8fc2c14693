package dev.smtpprobe.model;

import java.time.Instant;
import java.util.List;

/**
 * What a report shows of one certificate of the peer's chain.
 *
 * @param spkiSha256 SHA-256 of the SubjectPublicKeyInfo, lower-case hex: the data of a DANE "3 1 1" record
 * @param mustStaple the TLS Feature extension asks for OCSP stapling (RFC 7633 "must-staple")
 * @param certificateAuthority basicConstraints says CA
 */
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
        boolean selfSigned,
        String spkiSha256,
        boolean mustStaple,
        boolean certificateAuthority) {

    /** A summary without the SPKI digest and extension flags (for tests and callers that lack the certificate). */
    public CertificateSummary(String subject, String issuer, List<String> subjectAltNames, Instant notBefore,
            Instant notAfter, String publicKeyAlgorithm, int publicKeyBits, String signatureAlgorithm,
            String sha256Fingerprint, boolean selfSigned) {
        this(subject, issuer, subjectAltNames, notBefore, notAfter, publicKeyAlgorithm, publicKeyBits,
                signatureAlgorithm, sha256Fingerprint, selfSigned, "", false, false);
    }

    public CertificateSummary {
        subjectAltNames = List.copyOf(subjectAltNames);
    }
}
