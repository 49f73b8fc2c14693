package dev.smtpprobe.model;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Facts of an established TLS session, kept for the report (like OkHttp's Handshake).
 *
 * @param protocol for example TLSv1.3
 * @param cipherSuite the negotiated suite name
 * @param sniHostName the server name sent in the ClientHello (empty for IP literals)
 * @param peerCertificates the chain as the peer sent it, leaf first (for DANE and re-checks; not serialized)
 * @param chain the same chain summarised for reports
 * @param trust the verdict on the chain and name
 */
public record TlsSessionInfo(
        String protocol,
        String cipherSuite,
        String sniHostName,
        List<X509Certificate> peerCertificates,
        List<CertificateSummary> chain,
        TrustCheck trust) {

    public TlsSessionInfo {
        peerCertificates = List.copyOf(peerCertificates);
        chain = List.copyOf(chain);
    }
}
