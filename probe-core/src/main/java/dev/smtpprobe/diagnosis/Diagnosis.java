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
}
