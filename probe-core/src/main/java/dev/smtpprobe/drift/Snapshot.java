package dev.smtpprobe.drift;

import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.Observations;
import dev.smtpprobe.model.Addresses;
import dev.smtpprobe.model.CertificateSummary;
import dev.smtpprobe.model.EhloCapabilities;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.Step;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What one run of a target looked like, as far as drift cares: kept in the state directory and compared with the
 * next run. Sets are sorted so that a reordering is no change. Empty strings where nothing was seen.
 *
 * @param mx MX host names (empty for a server target)
 * @param addresses every address dialled or resolved
 * @param certificateSha256 the leaf's fingerprint, of the session the verdict rests on
 */
public record Snapshot(
        int version,
        String target,
        Instant probedAt,
        List<String> mx,
        List<String> addresses,
        String certificateSha256,
        String certificateIssuer,
        Instant certificateNotAfter,
        String tlsProtocol,
        String tlsCipher,
        List<String> extensions,
        String banner,
        String verdict) {

    static final int VERSION = 1;

    public Snapshot {
        mx = mx == null ? List.of() : List.copyOf(mx);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
        certificateSha256 = nz(certificateSha256);
        certificateIssuer = nz(certificateIssuer);
        tlsProtocol = nz(tlsProtocol);
        tlsCipher = nz(tlsCipher);
        banner = nz(banner);
        verdict = nz(verdict);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    public static Snapshot of(String target, ProbeResult result, Diagnosis diagnosis) {
        TreeSet<String> mx = new TreeSet<>();
        TreeSet<String> addresses = new TreeSet<>();
        result.dns().ifPresent(plan -> {
            for (MxHost h : plan.hosts()) {
                mx.add(h.name().toLowerCase(java.util.Locale.ROOT));
                h.addresses().forEach(a -> addresses.add(Addresses.text(a)));
            }
        });
        for (SessionResult s : result.sessions()) {
            addresses.add(Addresses.text(s.address().getAddress()));
        }
        Optional<SessionResult> primary = Observations.primarySession(result);
        Optional<CertificateSummary> leaf = primary.flatMap(Observations::leaf);
        TreeSet<String> extensions = new TreeSet<>();
        primary.map(SessionResult::capabilities).map(EhloCapabilities::extensions)
                .ifPresent(list -> list.forEach(e -> extensions.add(e.keyword())));
        String banner = primary.flatMap(s -> s.steps().stream().filter(st -> st.phase() == SmtpPhase.BANNER)
                .findFirst()).flatMap(Step::reply).map(r -> r.code() + " " + String.join(" / ", r.lines()))
                .orElse("");
        return new Snapshot(VERSION, target, result.startedAt(), List.copyOf(mx), List.copyOf(addresses),
                leaf.map(CertificateSummary::sha256Fingerprint).orElse(""),
                leaf.map(CertificateSummary::issuer).orElse(""),
                leaf.map(CertificateSummary::notAfter).orElse(null),
                primary.flatMap(SessionResult::tls).map(t -> t.protocol()).orElse(""),
                primary.flatMap(SessionResult::tls).map(t -> t.cipherSuite()).orElse(""),
                List.copyOf(extensions), banner, diagnosis.verdict().name());
    }
}
