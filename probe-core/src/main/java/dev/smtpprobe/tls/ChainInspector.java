package dev.smtpprobe.tls;

import dev.smtpprobe.model.ChainReport;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * Judges the shape of a presented chain, after capture: its order, whether an issuer is missing (a chain that only
 * validates for clients that fetch intermediates through AIA, which MTAs never do: reported, never fetched), and
 * weak keys and signatures on the leaf and intermediates.
 */
public final class ChainInspector {
    /** RSA keys below this many bits are weak (NIST SP 800-131A; CAs have not issued them since 2014). */
    public static final int MIN_RSA_BITS = 2048;

    private ChainInspector() {
    }

    public static ChainReport inspect(List<X509Certificate> chain, TrustEvaluator anchors) {
        if (chain.isEmpty()) {
            return ChainReport.NONE;
        }
        boolean ordered = true;
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!chain.get(i).getIssuerX500Principal().equals(chain.get(i + 1).getSubjectX500Principal())) {
                ordered = false;
            }
        }
        return new ChainReport(ordered, missingIssuer(chain, anchors), weaknesses(chain));
    }

    /** Follows issuer links from the leaf through what was sent; the top must be self-signed or an anchor's. */
    static Optional<String> missingIssuer(List<X509Certificate> chain, TrustEvaluator anchors) {
        X509Certificate top = chain.get(0);
        for (int hops = 0; hops < chain.size(); hops++) {
            X509Certificate current = top;
            Optional<X509Certificate> issuer = chain.stream()
                    .filter(c -> c != current && c.getSubjectX500Principal().equals(current.getIssuerX500Principal()))
                    .findFirst();
            if (issuer.isEmpty()) {
                break;
            }
            top = issuer.get();
        }
        if (CertificateInspector.selfSigned(top) || !anchors.hasAnchors() || anchors.issuedByAnchor(top)) {
            return Optional.empty();
        }
        if (chain.size() == 1 && top.getSubjectX500Principal().equals(top.getIssuerX500Principal())) {
            return Optional.empty();
        }
        return Optional.of(top.getIssuerX500Principal().getName(X500Principal.RFC2253));
    }

    static List<String> weaknesses(List<X509Certificate> chain) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            String which = i == 0 ? "the server's certificate" : "intermediate " + i + " ("
                    + c.getSubjectX500Principal().getName(X500Principal.RFC2253) + ")";
            if (c.getPublicKey() instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                out.add(which + " has a " + rsa.getModulus().bitLength() + "-bit RSA key");
            }
            // A root's own signature is never checked by clients, so only issued certificates count here.
            String sig = c.getSigAlgName().toUpperCase(Locale.ROOT);
            if (!CertificateInspector.selfSigned(c) && (sig.contains("SHA1") || sig.contains("MD5"))) {
                out.add(which + " is signed with " + c.getSigAlgName());
            }
        }
        return out;
    }
}
