package dev.smtpprobe.tls;

import dev.smtpprobe.model.ErrorText;
import dev.smtpprobe.model.TrustCheck;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * Judges a chain that was already captured: PKIX validation against the JDK trust store or a PEM CA file, and
 * RFC 6125 name matching, each reported separately. It never takes part in the handshake, so a bad certificate
 * can never stop us from seeing it.
 */
public final class TrustEvaluator {

    private static volatile TrustEvaluator jdkDefault;

    private final Optional<X509TrustManager> trustManager;
    private final String loadProblem;

    private TrustEvaluator(X509TrustManager trustManager, String loadProblem) {
        this.trustManager = Optional.ofNullable(trustManager);
        this.loadProblem = loadProblem;
    }

    /** Trust anchors of the JDK (cacerts); loaded once. */
    public static TrustEvaluator jdkDefault() {
        TrustEvaluator e = jdkDefault;
        if (e == null) {
            synchronized (TrustEvaluator.class) {
                e = jdkDefault;
                if (e == null) {
                    e = fromKeyStore(null, "JDK trust store");
                    jdkDefault = e;
                }
            }
        }
        return e;
    }

    /** Trust anchors from a PEM file (one or more certificates). A missing or bad file yields an evaluator that
     * reports the problem as the chain problem, rather than throwing. */
    public static TrustEvaluator fromPemFile(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                return new TrustEvaluator(null, "CA file " + caFile + " holds no certificate");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            return fromKeyStore(ks, "CA file " + caFile);
        } catch (IOException | GeneralSecurityException e) {
            return new TrustEvaluator(null, "cannot read CA file " + caFile + ": " + e.getMessage());
        }
    }

    private static TrustEvaluator fromKeyStore(KeyStore ks, String what) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager) {
                    return new TrustEvaluator((X509TrustManager) tm, null);
                }
            }
            return new TrustEvaluator(null, "no X.509 trust manager for " + what);
        } catch (GeneralSecurityException e) {
            return new TrustEvaluator(null, "cannot load " + what + ": " + e.getMessage());
        }
    }

    /** True when a trust anchor of this evaluator issued {@code cert} (its subject is the issuer, its key verifies). */
    public boolean issuedByAnchor(X509Certificate cert) {
        if (trustManager.isEmpty()) {
            return false;
        }
        for (X509Certificate anchor : trustManager.get().getAcceptedIssuers()) {
            if (anchor.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
                try {
                    cert.verify(anchor.getPublicKey());
                    return true;
                } catch (GeneralSecurityException | RuntimeException e) {
                    // same name, another key: keep looking
                }
            }
        }
        return false;
    }

    /** False when the anchors could not be loaded, so nothing can be said about missing issuers. */
    public boolean hasAnchors() {
        return trustManager.isPresent();
    }

    /** Judges {@code chain} (leaf first) for {@code hostName} at {@code now}. */
    public TrustCheck evaluate(List<X509Certificate> chain, String hostName, Instant now) {
        if (chain.isEmpty()) {
            return new TrustCheck(false, Optional.of("the server sent no certificate"), false, false, false);
        }
        X509Certificate leaf = chain.get(0);
        boolean expired = now.isAfter(leaf.getNotAfter().toInstant());
        boolean notYetValid = now.isBefore(leaf.getNotBefore().toInstant());
        Optional<String> problem = chainProblem(chain);
        return new TrustCheck(problem.isEmpty(), problem, nameMatches(leaf, hostName), expired, notYetValid);
    }

    private Optional<String> chainProblem(List<X509Certificate> chain) {
        if (trustManager.isEmpty()) {
            return Optional.of(loadProblem);
        }
        try {
            // "UNKNOWN" is the auth type the JDK itself passes for TLS 1.3; it keeps the key-usage check lenient.
            trustManager.get().checkServerTrusted(chain.toArray(new X509Certificate[0]), "UNKNOWN");
            return Optional.empty();
        } catch (CertificateException e) {
            return Optional.of(describe(e, chain));
        } catch (RuntimeException e) {
            return Optional.of("validation error: " + ErrorText.describe(e));
        }
    }

    private static String describe(CertificateException e, List<X509Certificate> chain) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof CertificateExpiredException) {
                return "certificate expired: " + t.getMessage();
            }
            if (t instanceof CertificateNotYetValidException) {
                return "certificate not yet valid: " + t.getMessage();
            }
            t = t.getCause();
        }
        X509Certificate leaf = chain.get(0);
        if (chain.size() == 1 && CertificateInspector.selfSigned(leaf)) {
            return "self-signed certificate not in the trust store";
        }
        return "untrusted chain: " + plain(e.getMessage());
    }

    /** JDK messages nest internal class names ("...: sun.security...Exception: unable to find..."); keep the words. */
    static String plain(String message) {
        if (message == null) {
            return "no valid certification path to a trusted root";
        }
        String cleaned = message.replaceAll("(?:[a-z]+\\.)+[A-Za-z]*Exception:\\s*", "");
        if (cleaned.startsWith("PKIX path building failed: ")) {
            cleaned = cleaned.substring("PKIX path building failed: ".length());
        }
        return cleaned.isBlank() ? "no valid certification path to a trusted root" : cleaned;
    }

    /**
     * RFC 6125 matching: DNS SANs with at most one wildcard, which must be the whole left-most label and match
     * exactly one label; IP SANs for IP literals; the subject CN only when the certificate has no DNS or IP SAN.
     */
    public static boolean nameMatches(X509Certificate leaf, String hostName) {
        String host = HostNames.normalize(hostName);
        boolean ipLiteral = HostNames.isIpLiteral(hostName);
        List<String> dnsNames = new ArrayList<>();
        List<String> ipNames = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2 && san.get(1) instanceof String) {
                        dnsNames.add((String) san.get(1));
                    } else if (type == 7 && san.get(1) instanceof String) {
                        ipNames.add((String) san.get(1));
                    }
                }
            }
        } catch (CertificateException e) {
            return false;
        }
        if (ipLiteral) {
            String literal = host.startsWith("ipv6:") ? host.substring(5) : host;
            for (String ip : ipNames) {
                if (sameAddress(literal, ip)) {
                    return true;
                }
            }
            return false;
        }
        if (dnsNames.isEmpty() && ipNames.isEmpty()) {
            return commonName(leaf).map(cn -> dnsNameMatches(cn, host)).orElse(false);
        }
        for (String pattern : dnsNames) {
            if (dnsNameMatches(pattern, host)) {
                return true;
            }
        }
        return false;
    }

    static boolean dnsNameMatches(String pattern, String hostName) {
        String p = HostNames.normalize(pattern);
        String host = HostNames.normalize(hostName);
        if (p.isEmpty() || host.isEmpty()) {
            return false;
        }
        if (!p.startsWith("*.")) {
            return !p.contains("*") && p.equals(host);
        }
        String suffix = p.substring(1); // ".example.com"
        if (suffix.contains("*") || suffix.indexOf('.', 1) < 0) {
            return false; // a second wildcard, or "*.com": never a match
        }
        if (!host.endsWith(suffix)) {
            return false;
        }
        String firstLabel = host.substring(0, host.length() - suffix.length());
        return !firstLabel.isEmpty() && firstLabel.indexOf('.') < 0;
    }

    private static boolean sameAddress(String a, String b) {
        try {
            byte[] x = NetUtil.createByteArrayFromIpAddressString(a);
            byte[] y = NetUtil.createByteArrayFromIpAddressString(b);
            return x != null && y != null && InetAddress.getByAddress(x).equals(InetAddress.getByAddress(y));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Optional<String> commonName(X509Certificate cert) {
        try {
            LdapName name = new LdapName(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
            for (Rdn rdn : name.getRdns()) {
                if (rdn.getType().toUpperCase(Locale.ROOT).equals("CN")) {
                    return Optional.of(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
