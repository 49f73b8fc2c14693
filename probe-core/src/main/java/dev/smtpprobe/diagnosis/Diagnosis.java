package dev.smtpprobe.diagnosis;

import java.util.List;
import java.util.Objects;

/**
 * The findings of one probe and the verdict drawn from them.
 *
 * @param summary the one sentence that follows the verdict on the first line of the text report
 * @param findings worst first
 */
public record Diagnosis(Verdict verdict, String summary, List<Finding> findings) {
    public Diagnosis {
        Objects.requireNonNull(verdict);
        Objects.requireNonNull(summary);
        findings = List.copyOf(findings);
    }

    /**
     * This diagnosis with more findings (thresholds, drift): worst first again, and the verdict raised to the worst
     * added severity (OK to WARNING, OK or WARNING to CRITICAL; UNKNOWN stays). The summary follows a raised verdict.
     */
    public Diagnosis plus(List<Finding> added) {
        if (added.isEmpty()) {
            return this;
        }
        List<Finding> all = new java.util.ArrayList<>(findings);
        all.addAll(added);
        all.sort(java.util.Comparator.comparing(Finding::severity).reversed());
        Finding worst = added.stream().max(java.util.Comparator.comparing(Finding::severity)).orElseThrow();
        Verdict raised = switch (worst.severity()) {
            case CRITICAL -> Verdict.CRITICAL;
            case WARNING -> Verdict.WARNING;
            case INFO -> Verdict.OK;
        };
        boolean raise = verdict != Verdict.UNKNOWN && raised.ordinal() > verdict.ordinal();
        String newSummary = raise ? worst.title() + worst.host().map(h -> " on " + h).orElse("") + "." : summary;
        return new Diagnosis(raise ? raised : verdict, newSummary, all);
    }
}
