package dev.smtpprobe.diagnosis;

import dev.smtpprobe.model.ProbeResult;
import java.util.List;

/**
 * One diagnostic rule: a pure function from a probe's observations to the findings it implies.
 * Rules never do I/O and never throw for odd input; "now" is the probe's own start time, so a rule gives
 * the same answer for the same observations whenever it runs.
 */
@FunctionalInterface
public interface Rule {
    List<Finding> apply(ProbeResult result);
}
