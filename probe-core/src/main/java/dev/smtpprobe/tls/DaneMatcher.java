package dev.smtpprobe.tls;

import dev.smtpprobe.model.TlsaRecord;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Matches a captured chain against TLSA records the way a DANE SMTP client does (RFC 7672 §3, RFC 7671):
 * <ul>
 *   <li>DANE-EE (usage 3) matches the leaf's certificate or key and nothing else: no name check, no expiry check
 *       (the TLSA record's DNSSEC signature is what vouches for it, §3.1.1);</li>
 *   <li>DANE-TA (usage 2) matches a certificate the server sent above the leaf; the path from the leaf to it must
 *       validate with it as the only trust anchor, and the leaf must carry one of the reference names (the TLSA
 *       base domain and the next-hop domain, §3.2.2);</li>
 *   <li>PKIX-TA and PKIX-EE (usages 0 and 1) are unusable for SMTP (§3.1.3), as are unknown selectors and
 *       matching types.</li>
 * </ul>
 */
public final class DaneMatcher {
    private DaneMatcher() {
    }

    /**
     * The outcome of matching.
     *
     * @param authenticated some usable record matched (and, for DANE-TA, the path and name checks passed)
     * @param matched that record
     * @param usable records of usage 2 or 3 with a known selector and matching type of the right length
     * @param reason what happened, in one sentence
     */
    public record Match(boolean authenticated, Optional<TlsaRecord> matched, List<TlsaRecord> usable, String reason) {
    }

    public static List<TlsaRecord> usable(List<TlsaRecord> records) {
        return records.stream().filter(DaneMatcher::isUsable).toList();
    }

    static boolean isUsable(TlsaRecord r) {
        if (r.usage() != 2 && r.usage() != 3) {
            return false;
        }
        if (r.selector() != 0 && r.selector() != 1) {
            return false;
        }
        int bytes = r.data().length() / 2;
        return switch (r.matchingType()) {
            case 0 -> bytes > 0;
            case 1 -> bytes == 32;
            case 2 -> bytes == 64;
            default -> false;
        };
    }

    /**
     * @param chain the certificates the server sent, leaf first
     * @param referenceNames names the leaf must carry for DANE-TA (TLSA base domain first)
     * @param now the time DANE-TA paths are validated at
     */
    public static Match match(List<X509Certificate> chain, List<TlsaRecord> records, List<String> referenceNames,
            Instant now) {
        List<TlsaRecord> usable = usable(records);
        if (usable.isEmpty()) {
            return new Match(false, Optional.empty(), usable, "no usable TLSA record (only PKIX usages 0/1 or "
                    + "unknown parameters): TLS is required but nothing is authenticated");
        }
        if (chain.isEmpty()) {
            return new Match(false, Optional.empty(), usable, "the server presented no certificate");
        }
        List<String> taProblems = new ArrayList<>();
        for (TlsaRecord r : usable) {
            if (r.usage() == 3 && associates(r, chain.get(0))) {
                return new Match(true, Optional.of(r), usable,
                        "DANE-EE record \"" + r + "\" matches the server's " + (r.selector() == 1 ? "key" : "certificate")
                                + " (names and dates are not checked for DANE-EE, RFC 7672 §3.1.1)");
            }
        }
        for (TlsaRecord r : usable) {
            if (r.usage() != 2) {
                continue;
            }
            for (int i = 1; i < chain.size(); i++) {
                if (!associates(r, chain.get(i))) {
                    continue;
                }
                Optional<String> pathProblem = validateFromAnchor(chain.subList(0, i), chain.get(i), now);
                if (pathProblem.isPresent()) {
                    taProblems.add("\"" + r + "\" matches certificate " + (i + 1) + " of the chain, but "
                            + pathProblem.get());
                    continue;
                }
                Optional<String> name = referenceNames.stream()
                        .filter(n -> TrustEvaluator.nameMatches(chain.get(0), n)).findFirst();
                if (name.isEmpty()) {
                    taProblems.add("\"" + r + "\" matches the issuer, but the certificate names none of "
                            + String.join(", ", referenceNames) + " (DANE-TA checks names, RFC 7672 §3.2.2)");
                    continue;
                }
                return new Match(true, Optional.of(r), usable, "DANE-TA record \"" + r + "\" matches certificate "
                        + (i + 1) + " of the chain, which issues the server's certificate for " + name.get());
            }
        }
        if (!taProblems.isEmpty()) {
            return new Match(false, Optional.empty(), usable, String.join("; ", taProblems));
        }
        return new Match(false, Optional.empty(), usable, "no TLSA record matches the certificate chain presented");
    }

    /** True when the record's association data is this certificate's (selector and matching type applied). */
    static boolean associates(TlsaRecord r, X509Certificate cert) {
        try {
            byte[] selected = r.selector() == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
            byte[] data = switch (r.matchingType()) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> null;
            };
            return data != null && MessageDigest.isEqual(data, r.dataBytes());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** SHA-256 of the certificate's SubjectPublicKeyInfo, lower-case hex: the data of a "3 1 1" record. */
    public static String spkiSha256(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
        } catch (GeneralSecurityException e) {
            return "";
        }
    }

    /** The "3 1 1" record for this certificate's key, ready to paste after the TLSA owner name. */
    public static TlsaRecord daneEeRecord(X509Certificate cert) {
        return new TlsaRecord(3, 1, 1, spkiSha256(cert));
    }

    private static Optional<String> validateFromAnchor(List<X509Certificate> belowAnchor, X509Certificate anchor,
            Instant now) {
        try {
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(new ArrayList<>(belowAnchor));
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(path, params);
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            return Optional.of("the path from it to the server's certificate does not validate: "
                    + TrustEvaluator.plain(e.getMessage()));
        }
    }

}
