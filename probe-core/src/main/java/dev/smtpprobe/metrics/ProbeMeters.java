package dev.smtpprobe.metrics;

/**
 * Meter names and tag keys, in one place so dashboards and code agree. Tag values come from closed sets
 * (phase ids, outcome words, code classes, DNS record types): never a host, domain, address, recipient or
 * reply text, which would make the number of time series unbounded and leak data into monitoring.
 */
public final class ProbeMeters {
    /** Timer: one whole probe. Tag {@code status} (and {@code target} in serve mode, as on every meter). */
    public static final String PROBE = "smtp.probe";
    /** Timer: one phase of one session. Tags {@code phase}, {@code outcome}, {@code family}. */
    public static final String PHASE = "smtp.probe.phase";
    /** Counter: replies received. Tags {@code phase}, {@code code.class}, {@code category}. */
    public static final String REPLIES = "smtp.probe.replies";
    /** Timer: one DNS lookup. Tags {@code type}, {@code outcome}. */
    public static final String DNS = "smtp.probe.dns";
    /** Gauge: probes started and not yet ended. */
    public static final String ACTIVE = "smtp.probe.active";

    /** Gauge: the last probe's verdict as a Nagios code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). */
    public static final String VERDICT = "smtp.probe.verdict";
    /** Gauge: MX hosts the last probe found. */
    public static final String MX_HOSTS = "smtp.probe.mx.hosts";
    /** Gauge, unit days: until the earliest-expiring leaf certificate of the last probe expires. */
    public static final String CERTIFICATE_DAYS = "smtp.probe.certificate.expiry";

    public static final String TAG_PHASE = "phase";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_CODE_CLASS = "code.class";
    public static final String TAG_STATUS = "status";
    public static final String TAG_TYPE = "type";
    /** ipv4 or ipv6. */
    public static final String TAG_FAMILY = "family";
    /** A catalog category id ({@code Category#id()}). */
    public static final String TAG_CATEGORY = "category";
    /** The configured target's name, in serve mode only: chosen by the operator, so bounded. */
    public static final String TAG_TARGET = "target";

    private ProbeMeters() {
    }
}
