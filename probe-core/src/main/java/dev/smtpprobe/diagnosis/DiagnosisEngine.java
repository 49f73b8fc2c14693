package dev.smtpprobe.diagnosis;

import dev.smtpprobe.model.Printable;
import dev.smtpprobe.model.SecretScrubber;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.catalog.Category;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.CertificateSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a probe's observations into findings and a verdict. Stateless and thread-safe: build one and share it.
 *
 * <p>The verdict is the worst severity that matters for what the user asked. Mail reaches a domain as long as
 * one of its MX hosts accepts it, so when some host accepted the probe, a failure on another host (a dead
 * backup MX) is capped at WARNING; when none did, it stays CRITICAL. Security findings (STARTTLS injection)
 * are never capped.
 */
public final class DiagnosisEngine {

    /** The rule id of findings about our own failures; alone, they make the verdict UNKNOWN, not CRITICAL. */
    public static final String INTERNAL_ERROR_ID = "internal-error";

    private static final Set<String> NEVER_CAPPED = Set.of("starttls-injection");

    private final List<Rule> rules;

    public DiagnosisEngine(ReplyClassifier classifier) {
        this(Rules.all(classifier));
    }

    /** An engine with a custom rule list (for example {@code Rules.all(c)} plus site-specific rules). */
    public DiagnosisEngine(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The engine with the standard rules and the standard reply catalog. */
    public static DiagnosisEngine standard() {
        ReplyClassifier classifier = Objects.requireNonNull(ReplyClassifier.standard(),
                "the reply catalog is not available on the class path");
        return new DiagnosisEngine(classifier);
    }

    public Diagnosis diagnose(ProbeResult result) {
        return diagnose(result, SecretScrubber.NONE);
    }

    /**
     * Diagnoses a result with the credential of its probe removed first, from the observations and again from
     * every finding (a server that echoes the AUTH blob must not get it quoted). Finding texts and the summary are
     * {@linkplain Printable#escape escaped}: they quote servers, and are printed by every report and by library users.
     */
    public Diagnosis diagnose(ProbeResult probe, SecretScrubber secrets) {
        ProbeResult result = secrets.scrub(probe);
        List<Finding> raw = new ArrayList<>();
        for (Rule rule : rules) {
            for (Finding f : rule.apply(result)) {
                raw.add(clean(f, secrets));
            }
        }
        Set<String> acceptingHosts = new HashSet<>();
        for (SessionResult s : result.sessions()) {
            if (Observations.accepted(s)) {
                acceptingHosts.add(Observations.hostLabel(s));
            }
        }
        Optional<SessionResult> primary = Observations.primarySession(result);
        List<Finding> findings = new ArrayList<>(raw.size());
        for (Finding f : raw) {
            findings.add(capIfAnotherHostAccepted(f, acceptingHosts, primary));
        }
        // Stable sort: within one severity, findings keep rule order, then session order.
        findings.sort(Comparator.comparing(Finding::severity).reversed());
        Verdict verdict = verdict(findings);
        return new Diagnosis(verdict, Printable.escape(secrets.scrub(summary(result, verdict, findings, primary))),
                findings);
    }

    private static Finding clean(Finding f, SecretScrubber secrets) {
        return new Finding(f.id(), f.severity(), f.category(), f.code(), f.enhancedCode().map(Printable::escape),
                text(f.title(), secrets), text(f.detail(), secrets), text(f.remedy(), secrets), f.actor(),
                f.host().map(Printable::escape), f.phase(), f.observed());
    }

    private static String text(String s, SecretScrubber secrets) {
        return Printable.escape(secrets.scrub(s));
    }

    private static Finding capIfAnotherHostAccepted(Finding f, Set<String> acceptingHosts,
            Optional<SessionResult> primary) {
        boolean aboutOneSession = f.host().isPresent()
                && f.phase().map(p -> p.ordinal() >= SmtpPhase.CONNECT.ordinal()).orElse(false);
        if (f.severity() != Severity.CRITICAL || acceptingHosts.isEmpty() || !aboutOneSession
                || acceptingHosts.contains(f.host().get()) || NEVER_CAPPED.contains(f.id())) {
            return f;
        }
        String accepter = primary.map(Observations::hostLabel).orElse("another host");
        return f.with(Severity.WARNING, sentence(f.detail()) + " Mail still flows: " + accepter + " accepted the probe.");
    }

    /**
     * " (550 5.1.1)" for a server's reply; " (no server reply; probe saw: catalog 111)" for what the probe observed, so
     * a number no server sent never reads like one; empty when the finding has no code.
     */
    public static String codeNote(Finding f) {
        if (f.code().isEmpty()) {
            return "";
        }
        if (f.observed()) {
            return " (no server reply; catalog " + f.code().get() + ")";
        }
        return " (" + f.code().get() + f.enhancedCode().map(e -> " " + e).orElse("") + ")";
    }

    private static String sentence(String text) {
        String t = text.strip();
        return t.endsWith(".") || t.endsWith("!") || t.endsWith("?") ? t : t + ".";
    }

    /**
     * The probe's own failures (a bug, or a local cause such as an unreachable resolver: category local-error) say
     * nothing about the target, so alone they make the verdict UNKNOWN, never CRITICAL.
     */
    public static boolean aboutTheProbeItself(Finding f) {
        return f.id().equals(INTERNAL_ERROR_ID) || f.category() == Category.LOCAL_ERROR;
    }

    private static Verdict verdict(List<Finding> findings) {
        boolean internal = false;
        boolean warning = false;
        for (Finding f : findings) {
            if (f.severity() == Severity.CRITICAL) {
                if (!aboutTheProbeItself(f)) {
                    return Verdict.CRITICAL;
                }
                internal = true;
            } else if (f.severity() == Severity.WARNING) {
                warning = true;
            }
        }
        if (internal) {
            return Verdict.UNKNOWN;
        }
        return warning ? Verdict.WARNING : Verdict.OK;
    }

    /** One sentence: the worst problem when there is one, else who accepted and how securely. */
    private static String summary(ProbeResult result, Verdict verdict, List<Finding> findings,
            Optional<SessionResult> primary) {
        if (verdict != Verdict.OK) {
            Finding worst = findings.get(0);
            StringBuilder s = new StringBuilder(worst.title());
            worst.host().ifPresent(h -> s.append(" on ").append(h));
            worst.phase().ifPresent(p -> s.append(" at ").append(p.id()));
            s.append(codeNote(worst));
            long others = findings.stream().filter(f -> f.severity() != Severity.INFO).count() - 1;
            if (primary.isPresent() && Observations.accepted(primary.get())
                    && !worst.host().equals(Optional.of(Observations.hostLabel(primary.get())))) {
                s.append("; ").append(Observations.hostLabel(primary.get())).append(" accepted the probe");
            }
            if (others > 0) {
                s.append(" (+").append(others).append(" more)");
            }
            return s.toString();
        }
        if (primary.isEmpty()) {
            return "Nothing to probe for " + result.target().input();
        }
        SessionResult session = primary.get();
        Optional<QuitAfter> stop = session.request().options().quitAfter();
        if (stop.isPresent() && stop.get().compareTo(QuitAfter.EHLO) <= 0 && session.tls().isEmpty()) {
            // Stopped before TLS or any envelope: nothing was accepted or refused, the server only answered.
            return session.hostName() + " answered; stopped after " + stop.get().name().toLowerCase(Locale.ROOT)
                    + " as asked";
        }
        StringBuilder s = new StringBuilder(session.hostName()).append(" accepted the probe");
        if (session.tls().isPresent()) {
            s.append("; ").append(session.tls().get().protocol());
            Optional<CertificateSummary> leaf = Observations.leaf(session);
            if (leaf.isPresent()) {
                long days = Observations.daysToExpiry(leaf.get(), Observations.probeTime(result));
                s.append(session.tls().get().trust().trusted() ? ", certificate valid " : ", certificate expires in ")
                        .append(days).append(days == 1 ? " day" : " days");
            }
        } else {
            s.append(session.capabilitiesBeforeTls().startTls() ? "; TLS offered but not used" : "; no TLS offered");
        }
        return s.toString();
    }
}
