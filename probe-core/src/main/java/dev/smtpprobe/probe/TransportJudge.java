package dev.smtpprobe.probe;

import dev.smtpprobe.model.DaneVerdict;
import dev.smtpprobe.model.DnssecResult;
import dev.smtpprobe.model.HostTransport;
import dev.smtpprobe.model.MtaStsPolicy;
import dev.smtpprobe.model.MtaStsResult;
import dev.smtpprobe.model.MtaStsVerdict;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.TlsaLookup;
import dev.smtpprobe.model.TlsMode;
import dev.smtpprobe.model.TlsSessionInfo;
import dev.smtpprobe.tls.ChainInspector;
import dev.smtpprobe.tls.DaneMatcher;
import dev.smtpprobe.tls.TrustEvaluator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Judges each session the way two strict senders would: a DANE-validating MTA (RFC 7672) and an MTA-STS sender
 * (RFC 8461), from what DNS said before connecting and the chain the session captured. Pure: no I/O, so it can
 * run on whatever thread completes the probe.
 */
final class TransportJudge {
    private TransportJudge() {
    }

    /**
     * @param domain the next-hop domain (the probe target's domain)
     * @param mxDnssec the DNSSEC status of the MX RRset, when known
     */
    static HostTransport judge(SessionResult session, String domain, Optional<DnssecResult> mxDnssec,
            Optional<TlsaLookup> tlsa, Optional<MtaStsResult> mtaSts, TrustEvaluator anchors, Instant now) {
        List<X509Certificate> chain = session.tls().map(TlsSessionInfo::peerCertificates).orElse(List.of());
        String address = session.address().getAddress() != null
                ? dev.smtpprobe.model.Addresses.text(session.address().getAddress())
                : session.address().getHostString();
        return new HostTransport(session.hostName(), address, dane(session, domain, mxDnssec, tlsa, now),
                mtaSts(session, mtaSts), ChainInspector.inspect(chain, anchors));
    }

    static DaneVerdict dane(SessionResult session, String domain, Optional<DnssecResult> mxDnssec,
            Optional<TlsaLookup> lookup, Instant now) {
        Optional<String> presented = session.tls().flatMap(t -> t.peerCertificates().stream().findFirst())
                .map(c -> DaneMatcher.daneEeRecord(c).toString());
        if (lookup.isEmpty()) {
            return new DaneVerdict(DaneVerdict.Outcome.NOT_USED, "no TLSA lookup was made for this host",
                    Optional.empty(), presented);
        }
        TlsaLookup t = lookup.get();
        if (t.tlsaDnssec().status() == DnssecResult.Status.BOGUS || t.failure().isPresent()) {
            return new DaneVerdict(DaneVerdict.Outcome.DEFERS, "the TLSA lookup of " + t.tlsaName() + " failed ("
                    + t.failure().orElse(t.tlsaDnssec().toString()) + "): DANE senders treat the host as "
                    + "unreachable (RFC 7672 §2.1.1)", Optional.empty(), presented);
        }
        if (t.records().isEmpty()) {
            return new DaneVerdict(DaneVerdict.Outcome.NOT_USED, "no TLSA record at " + t.tlsaName()
                    + ": opportunistic TLS", Optional.empty(), presented);
        }
        switch (t.tlsaDnssec().status()) {
            case INSECURE:
                return new DaneVerdict(DaneVerdict.Outcome.NOT_USED, "the TLSA records are in an unsigned zone, "
                        + "so DANE senders ignore them: opportunistic TLS", Optional.empty(), presented);
            case INDETERMINATE:
                return new DaneVerdict(DaneVerdict.Outcome.UNKNOWN, "the DNSSEC status of the TLSA records could "
                        + "not be judged (" + t.tlsaDnssec().reason() + ")", Optional.empty(), presented);
            default:
                break;
        }
        if (!t.addressDnssec().secure()) {
            return new DaneVerdict(DaneVerdict.Outcome.NOT_USED, "the address records of " + t.host()
                    + " are not DNSSEC-secure, so DANE senders do not look for TLSA (RFC 7672 §2.2.2)",
                    Optional.empty(), presented);
        }
        if (session.tls().isEmpty()) {
            boolean reachedEhlo = !session.capabilitiesBeforeTls().extensions().isEmpty();
            if (session.tlsMode() == TlsMode.STARTTLS && reachedEhlo && !session.capabilitiesBeforeTls().startTls()) {
                return new DaneVerdict(DaneVerdict.Outcome.DEFERS, "secure TLSA records commit " + t.host()
                        + " to TLS, but it does not offer STARTTLS: DANE senders never fall back to clear text "
                        + "(RFC 7672 §2.2)", Optional.empty(), presented);
            }
            if (!reachedEhlo && session.failure().isPresent()) {
                return new DaneVerdict(DaneVerdict.Outcome.UNKNOWN, "the session ended before TLS ("
                        + session.failure().get().message() + ")", Optional.empty(), presented);
            }
            return new DaneVerdict(DaneVerdict.Outcome.DEFERS, "secure TLSA records require TLS, and no TLS session "
                    + "was established" + session.failure().map(f -> " (" + f.message() + ")").orElse(""),
                    Optional.empty(), presented);
        }
        List<String> names = referenceNames(t, domain, mxDnssec);
        DaneMatcher.Match match = DaneMatcher.match(session.tls().get().peerCertificates(), t.records(), names, now);
        if (match.usable().isEmpty()) {
            return new DaneVerdict(DaneVerdict.Outcome.DELIVERS, "TLS was used; the TLSA records are all unusable "
                    + "(RFC 7672 §3.1.3), so nothing is authenticated", Optional.empty(), presented);
        }
        if (match.authenticated()) {
            return new DaneVerdict(DaneVerdict.Outcome.DELIVERS, match.reason(), match.matched(), presented);
        }
        return new DaneVerdict(DaneVerdict.Outcome.DEFERS, match.reason() + ": DANE senders defer all mail to "
                + t.host(), Optional.empty(), presented);
    }

    /** RFC 7672 §3.2.2: the TLSA base domain, then the MX host, then the next-hop domain when the MX RRset is secure. */
    private static List<String> referenceNames(TlsaLookup t, String domain, Optional<DnssecResult> mxDnssec) {
        Set<String> names = new LinkedHashSet<>();
        names.add(t.baseDomain());
        names.add(t.host());
        if (mxDnssec.map(DnssecResult::secure).orElse(false)) {
            names.add(domain);
        }
        return new ArrayList<>(names);
    }

    static MtaStsVerdict mtaSts(SessionResult session, Optional<MtaStsResult> result) {
        Optional<MtaStsPolicy> policy = result.flatMap(MtaStsResult::activePolicy);
        if (policy.isEmpty()) {
            String why = result.map(r -> switch (r.fetch()) {
                case NOT_ANNOUNCED -> "no MTA-STS policy is announced";
                case FETCH_FAILED, INVALID -> "the announced policy could not be used, so senders without a cached "
                        + "copy act as if there were none";
                case FETCHED -> "the policy's mode is none";
            }).orElse("MTA-STS was not checked");
            return new MtaStsVerdict(MtaStsVerdict.Outcome.NOT_USED, why, List.of());
        }
        MtaStsPolicy p = policy.get();
        List<String> failures = new ArrayList<>();
        if (p.matchingPattern(session.hostName()).isEmpty()) {
            failures.add(session.hostName() + " matches no mx pattern of the policy (" + String.join(", ", p.mx())
                    + ")");
        }
        if (session.tls().isEmpty()) {
            boolean reachedEhlo = !session.capabilitiesBeforeTls().extensions().isEmpty();
            if (!reachedEhlo && session.failure().isPresent() && failures.isEmpty()) {
                return new MtaStsVerdict(MtaStsVerdict.Outcome.UNKNOWN, "the session ended before TLS ("
                        + session.failure().get().message() + ")", List.of());
            }
            failures.add(reachedEhlo && !session.capabilitiesBeforeTls().startTls()
                    ? session.hostName() + " does not offer STARTTLS"
                    : "no TLS session was established with " + session.hostName());
        } else if (!session.tls().get().trust().trusted()) {
            var trust = session.tls().get().trust();
            failures.add("the certificate of " + session.hostName() + " is not valid for it ("
                    + (!trust.chainValid() ? trust.chainProblem().orElse("untrusted chain")
                            : "the name does not match") + ")");
        }
        if (failures.isEmpty()) {
            return new MtaStsVerdict(MtaStsVerdict.Outcome.DELIVERS, session.hostName() + " matches \""
                    + p.matchingPattern(session.hostName()).get() + "\", offers STARTTLS and presents a valid "
                    + "certificate for its name", List.of());
        }
        if (p.mode() == MtaStsPolicy.Mode.ENFORCE) {
            return new MtaStsVerdict(MtaStsVerdict.Outcome.REFUSES, "the policy is enforce and "
                    + String.join("; ", failures), failures);
        }
        return new MtaStsVerdict(MtaStsVerdict.Outcome.DELIVERS_TESTING, "the policy is testing, so mail is "
                + "delivered, but under enforce it would not be: " + String.join("; ", failures), failures);
    }

}
