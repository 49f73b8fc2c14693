package dev.smtpprobe.model;

import java.util.List;

/**
 * What is wrong with the certificate chain a server presented, beyond trust (judged in {@link TrustCheck}).
 *
 * @param ordered each certificate is issued by the next one, as TLS 1.2 requires (RFC 5246 §7.4.2)
 * @param missingIssuer the subject of an issuer that was not sent and is not a trust anchor: the chain only
 *        validates for clients that fetch it themselves (AIA), which MTAs do not; empty when complete
 * @param weaknesses weak keys or signatures (RSA below 2048 bits, SHA-1 or MD5 signatures), per certificate
 */
public record ChainReport(boolean ordered, java.util.Optional<String> missingIssuer, List<String> weaknesses) {

    public static final ChainReport NONE = new ChainReport(true, java.util.Optional.empty(), List.of());

    public ChainReport {
        java.util.Objects.requireNonNull(missingIssuer);
        weaknesses = List.copyOf(weaknesses);
    }
}
