package dev.smtpprobe.drift;

import dev.smtpprobe.catalog.Actor;
import dev.smtpprobe.catalog.Category;
import dev.smtpprobe.diagnosis.Finding;
import dev.smtpprobe.diagnosis.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Compares a run with the previous run of the same target. Each change is a finding (id {@code drift-KIND}) and
 * a {@link Change#kind() kind} for a metric. Most changes are INFO: they are news, not faults. A certificate from a
 * different issuer is a WARNING (pinning, DANE 2 x x and MTA-STS senders may notice); a renewal by the same issuer
 * is INFO; an MX set that changed is a WARNING, as it is rarely intended and often a hijack's first sign.
 */
public final class DriftDetector {

    /** One change: a bounded kind (a metric tag) and the finding that words it. */
    public record Change(String kind, Finding finding) {
    }

    private DriftDetector() {
    }

    public static List<Change> compare(Snapshot before, Snapshot now) {
        List<Change> out = new ArrayList<>();
        if (!before.mx().equals(now.mx())) {
            out.add(change("mx", Severity.WARNING, "MX set changed",
                    "The MX hosts were " + listed(before.mx()) + " and are now " + listed(now.mx()) + diff(before.mx(), now.mx()) + ".",
                    "If nobody changed the MX records on purpose, check the zone and its registrar account now."));
        }
        if (!before.addresses().equals(now.addresses())) {
            out.add(change("addresses", Severity.INFO, "Mail server addresses changed",
                    "The addresses were " + listed(before.addresses()) + " and are now " + listed(now.addresses())
                            + diff(before.addresses(), now.addresses()) + ".",
                    "Nothing, if the move was planned; otherwise check the A/AAAA records."));
        }
        if (!before.certificateSha256().isEmpty() && !now.certificateSha256().isEmpty()
                && !before.certificateSha256().equals(now.certificateSha256())) {
            if (!before.certificateIssuer().equals(now.certificateIssuer())) {
                out.add(change("certificate_issuer", Severity.WARNING, "Certificate issuer changed",
                        "The certificate was issued by " + before.certificateIssuer() + " and is now issued by "
                                + now.certificateIssuer() + " (expires " + now.certificateNotAfter() + ").",
                        "Check that the change was intended, and update TLSA records (DANE 2 x x) and any pinning."));
            } else {
                out.add(change("certificate_renewed", Severity.INFO, "Certificate renewed",
                        "A new certificate from the same issuer (" + now.certificateIssuer() + ") replaced the old one; "
                                + "it expired " + before.certificateNotAfter() + " and the new one expires "
                                + now.certificateNotAfter() + ".",
                        "Nothing, unless TLSA 3 1 x records pin the old key: then publish the new one."));
            }
        }
        if (!before.tlsProtocol().equals(now.tlsProtocol()) || !before.tlsCipher().equals(now.tlsCipher())) {
            out.add(change("tls", Severity.INFO, "TLS protocol or cipher changed",
                    "TLS was " + tls(before) + " and is now " + tls(now) + ".",
                    "Nothing, if the server's TLS settings were changed on purpose."));
        }
        if (!before.extensions().equals(now.extensions())) {
            out.add(change("extensions", Severity.INFO, "SMTP extensions changed",
                    "The server offered " + listed(before.extensions()) + " and now offers " + listed(now.extensions())
                            + diff(before.extensions(), now.extensions()) + ".",
                    "Nothing, if the mail server was upgraded or reconfigured on purpose."));
        }
        if (!before.banner().equals(now.banner())) {
            out.add(change("banner", Severity.INFO, "Banner changed",
                    "The greeting was \"" + before.banner() + "\" and is now \"" + now.banner() + "\".",
                    "Nothing, if the mail server was replaced or upgraded on purpose."));
        }
        if (!before.verdict().isEmpty() && !before.verdict().equals(now.verdict())) {
            out.add(change("verdict", Severity.INFO, "Verdict changed from " + before.verdict() + " to " + now.verdict(),
                    "The previous probe (" + before.probedAt() + ") was " + before.verdict() + "; this one is "
                            + now.verdict() + ".",
                    "See the other findings for why."));
        }
        return out;
    }

    private static Change change(String kind, Severity severity, String title, String detail, String remedy) {
        return new Change(kind, new Finding("drift-" + kind.replace('_', '-'), severity, Category.OK, Optional.empty(),
                Optional.empty(), title, detail, remedy, Actor.RECEIVING_ADMIN, Optional.empty(), Optional.empty()));
    }

    private static String tls(Snapshot s) {
        return s.tlsProtocol().isEmpty() ? "not used" : s.tlsProtocol() + " " + s.tlsCipher();
    }

    private static String listed(List<String> items) {
        return items.isEmpty() ? "none" : String.join(", ", items);
    }

    private static String diff(List<String> before, List<String> now) {
        TreeSet<String> added = new TreeSet<>(now);
        added.removeAll(before);
        TreeSet<String> removed = new TreeSet<>(before);
        removed.removeAll(now);
        StringBuilder b = new StringBuilder();
        if (!added.isEmpty()) {
            b.append(" (added ").append(String.join(", ", added));
        }
        if (!removed.isEmpty()) {
            b.append(b.length() == 0 ? " (" : "; ").append("removed ").append(String.join(", ", removed));
        }
        return b.length() == 0 ? "" : b.append(')').toString();
    }
}
