package dev.smtpprobe.metrics;

/**
 * Meter names and tag keys, in one place so dashboards and code agree. Tag values come from closed sets
 * (phase ids, outcome words, code classes, DNS record types): never a host, domain, address, recipient or
 * reply text, which would make the number of time series unbounded and leak data into monitoring.
 */
public final class ProbeMeters {
    /** Timer: one whole probe. Tag {@code status}. */
    public static final String PROBE = "smtp.probe";
    /** Timer: one phase of one session. Tags {@code phase}, {@code outcome}. */
    public static final String PHASE = "smtp.probe.phase";
    /** Counter: replies received. Tags {@code phase}, {@code code.class}. */
    public static final String REPLIES = "smtp.probe.replies";
    /** Timer: one DNS lookup. Tags {@code type}, {@code outcome}. */
    public static final String DNS = "smtp.probe.dns";
    /** Gauge: probes started and not yet ended. */
    public static final String ACTIVE = "smtp.probe.active";

    public static final String TAG_PHASE = "phase";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_CODE_CLASS = "code.class";
    public static final String TAG_STATUS = "status";
    public static final String TAG_TYPE = "type";

    private ProbeMeters() {
    }
}
