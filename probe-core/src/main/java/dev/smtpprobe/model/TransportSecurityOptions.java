package dev.smtpprobe.model;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the probe judges transport security: DNSSEC validation for DANE, certificate expiry thresholds and the
 * MTA-STS policy fetch.
 *
 * @param dnssec validate DNSSEC locally (the default) or trust the resolver's AD bit
 * @param trustAnchorFile DS or DNSKEY records (master-file syntax) to use instead of the IANA root trust anchor
 *        shipped with the probe: private roots and tests
 * @param certWarnDays a certificate closer than this to expiry is a warning
 * @param certCritDays a certificate closer than this to expiry is critical
 * @param mtaStsTimeout time limit for fetching the MTA-STS policy (connect, TLS and the whole response)
 * @param mtaStsPolicyPortForTesting the port to fetch the MTA-STS policy from instead of 443. Only for tests and
 *        the offline demo, whose policy servers run on ephemeral loopback ports: RFC 8461 §3.3 fixes the port.
 */
public record TransportSecurityOptions(
        DnssecMode dnssec,
        Optional<Path> trustAnchorFile,
        int certWarnDays,
        int certCritDays,
        Duration mtaStsTimeout,
        OptionalInt mtaStsPolicyPortForTesting) {

    public enum DnssecMode {
        /** dnsjava's ValidatingResolver over the configured resolvers, from the trust anchor up. */
        VALIDATE,
        /** Trust the AD bit of the configured resolver (a validating resolver the user runs). */
        RESOLVER_AD
    }

    public static final TransportSecurityOptions DEFAULTS = new TransportSecurityOptions(DnssecMode.VALIDATE,
            Optional.empty(), 14, 3, Duration.ofSeconds(20), OptionalInt.empty());

    public TransportSecurityOptions {
        Objects.requireNonNull(dnssec);
        Objects.requireNonNull(trustAnchorFile);
        Objects.requireNonNull(mtaStsTimeout);
        Objects.requireNonNull(mtaStsPolicyPortForTesting);
        if (certCritDays < 0 || certWarnDays < certCritDays || certWarnDays > 3650) {
            throw new IllegalArgumentException("certificate thresholds need 0 <= critical (" + certCritDays
                    + ") <= warning (" + certWarnDays + ") <= 3650 days");
        }
        if (mtaStsTimeout.isNegative() || mtaStsTimeout.isZero()) {
            throw new IllegalArgumentException("MTA-STS timeout must be positive: " + mtaStsTimeout);
        }
        mtaStsPolicyPortForTesting.ifPresent(p -> {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port out of range: " + p);
            }
        });
    }

    public TransportSecurityOptions withDnssec(DnssecMode v) {
        return new TransportSecurityOptions(v, trustAnchorFile, certWarnDays, certCritDays, mtaStsTimeout,
                mtaStsPolicyPortForTesting);
    }

    public TransportSecurityOptions withTrustAnchorFile(Path v) {
        return new TransportSecurityOptions(dnssec, Optional.ofNullable(v), certWarnDays, certCritDays,
                mtaStsTimeout, mtaStsPolicyPortForTesting);
    }

    public TransportSecurityOptions withCertificateDays(int warn, int crit) {
        return new TransportSecurityOptions(dnssec, trustAnchorFile, warn, crit, mtaStsTimeout,
                mtaStsPolicyPortForTesting);
    }

    public TransportSecurityOptions withMtaStsTimeout(Duration v) {
        return new TransportSecurityOptions(dnssec, trustAnchorFile, certWarnDays, certCritDays, v,
                mtaStsPolicyPortForTesting);
    }

    public TransportSecurityOptions withMtaStsPolicyPortForTesting(int port) {
        return new TransportSecurityOptions(dnssec, trustAnchorFile, certWarnDays, certCritDays, mtaStsTimeout,
                OptionalInt.of(port));
    }
}
