package dev.smtpprobe.tls;

import dev.smtpprobe.model.CertificateSummary;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * Summarises certificates for reports: the JDK's X.509 support, and Bouncy Castle's ASN.1 parser for what the JDK
 * does not expose (the TLS Feature extension of RFC 7633). No provider-specific type leaks out.
 */
public final class CertificateInspector {
    private CertificateInspector() {
    }

    public static List<CertificateSummary> summarize(List<X509Certificate> chain) {
        List<CertificateSummary> out = new ArrayList<>(chain.size());
        for (X509Certificate c : chain) {
            out.add(summarize(c));
        }
        return List.copyOf(out);
    }

    public static CertificateSummary summarize(X509Certificate cert) {
        return new CertificateSummary(
                cert.getSubjectX500Principal().getName(X500Principal.RFC2253),
                cert.getIssuerX500Principal().getName(X500Principal.RFC2253),
                subjectAltNames(cert),
                cert.getNotBefore().toInstant(),
                cert.getNotAfter().toInstant(),
                cert.getPublicKey().getAlgorithm(),
                keyBits(cert.getPublicKey()),
                cert.getSigAlgName(),
                sha256Fingerprint(cert),
                selfSigned(cert),
                DaneMatcher.spkiSha256(cert),
                mustStaple(cert),
                cert.getBasicConstraints() >= 0);
    }

    /** The TLS Feature extension (RFC 7633), id-pe-tlsfeature. */
    static final String TLS_FEATURE_OID = "1.3.6.1.5.5.7.1.24";
    /** The status_request TLS extension number: what "must-staple" asks for. */
    private static final int STATUS_REQUEST = 5;

    /** True when the certificate requires a stapled OCSP response (TLS Feature with status_request). */
    public static boolean mustStaple(X509Certificate cert) {
        byte[] value = cert.getExtensionValue(TLS_FEATURE_OID);
        if (value == null) {
            return false;
        }
        try {
            ASN1Sequence features = ASN1Sequence.getInstance(JcaX509ExtensionUtils.parseExtensionValue(value));
            for (ASN1Encodable f : features) {
                if (f instanceof ASN1Integer i && i.intValueExact() == STATUS_REQUEST) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** SANs as "DNS:name" or "IP:address" (other types by their number), in certificate order. */
    public static List<String> subjectAltNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans == null) {
                return List.of();
            }
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                Object value = san.get(1);
                String prefix = type == 2 ? "DNS:" : type == 7 ? "IP:" : type == 1 ? "EMAIL:" : type == 6 ? "URI:" : type + ":";
                out.add(prefix + (value instanceof String ? value : "<binary>"));
            }
        } catch (CertificateParsingException e) {
            out.add("<unparseable: " + e.getMessage() + ">");
        }
        return List.copyOf(out);
    }

    static int keyBits(PublicKey key) {
        if (key instanceof RSAPublicKey) {
            return ((RSAPublicKey) key).getModulus().bitLength();
        }
        if (key instanceof ECPublicKey) {
            return ((ECPublicKey) key).getParams().getOrder().bitLength();
        }
        if (key instanceof DSAPublicKey) {
            return ((DSAPublicKey) key).getParams().getP().bitLength();
        }
        String alg = key.getAlgorithm();
        if (alg.equalsIgnoreCase("Ed25519") || alg.equalsIgnoreCase("X25519")) {
            return 255;
        }
        if (alg.equalsIgnoreCase("Ed448") || alg.equalsIgnoreCase("X448")) {
            return 448;
        }
        if (alg.equalsIgnoreCase("EdDSA")) {
            return key.getEncoded().length > 60 ? 448 : 255;
        }
        return 0;
    }

    /** Lower-case hex SHA-256 of the DER encoding, as DANE's matching type 1 and most tools print it. */
    public static String sha256Fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return "";
        }
    }

    static boolean selfSigned(X509Certificate cert) {
        if (!cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
            return false;
        }
        try {
            cert.verify(cert.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
