package dev.smtpprobe.report;

import dev.smtpprobe.model.Printable;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.Finding;
import dev.smtpprobe.diagnosis.Observations;
import dev.smtpprobe.diagnosis.Severity;
import dev.smtpprobe.diagnosis.TimeThresholds;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmugglingResult;
import dev.smtpprobe.model.CertificateSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The monitoring-plugins output format (Nagios, Icinga, Checkmk):
 * {@code SMTP OK - summary | connect=0.012s;;;0 ... total=0.310s;;;0 cert_days=87;14:;0:}
 * followed by optional long-output lines, one per finding. The exit code is {@code verdict.exitCode()}.
 */
public final class NagiosReport {

    private final ReportOptions options;
    private final TimeThresholds thresholds;

    public NagiosReport(ReportOptions options) {
        this(options, TimeThresholds.NONE);
    }

    /** With response-time thresholds: their findings come from {@link TimeThresholds#apply}; perfdata shows them. */
    public NagiosReport(ReportOptions options, TimeThresholds thresholds) {
        this.options = options;
        this.thresholds = java.util.Objects.requireNonNull(thresholds);
    }

    public String render(ProbeResult result, Diagnosis diagnosis) {
        StringBuilder out = new StringBuilder();
        out.append("SMTP ").append(diagnosis.verdict().name()).append(" - ").append(clean(diagnosis.summary()));
        List<String> perf = perfdata(result, thresholds);
        if (!perf.isEmpty()) {
            out.append(" | ").append(String.join(" ", perf));
        }
        out.append('\n');
        // The smuggling test is asked for explicitly: its outcome per sequence is always in the long output.
        for (SmugglingResult t : result.smugglingResults()) {
            out.append("smuggling ").append(t.sequence().label()).append(": ").append(t.verdict().id()).append(" - ")
                    .append(clean(t.detail())).append('\n');
        }
        if (options.verbose()) {
            for (Finding f : diagnosis.findings()) {
                if (f.severity() == Severity.INFO && diagnosis.findings().size() > 10) {
                    continue;
                }
                out.append(f.severity().name()).append(": ").append(clean(f.title())).append(" - ")
                        .append(clean(f.detail())).append('\n');
            }
        }
        return out.toString();
    }

    /** Time per phase of the session the verdict rests on, the total, and days to certificate expiry. */
    static List<String> perfdata(ProbeResult result) {
        return perfdata(result, TimeThresholds.NONE);
    }

    /**
     * Perfdata in the monitoring-plugins syntax {@code label=value[unit];warn;crit;min}: a time threshold {@code 5}
     * alerts outside 0..5 s, a certificate threshold {@code 14:} below 14 days.
     */
    static List<String> perfdata(ProbeResult result, TimeThresholds thresholds) {
        List<String> perf = new ArrayList<>();
        Optional<SessionResult> primary = Observations.primarySession(result);
        if (primary.isPresent()) {
            for (Map.Entry<SmtpPhase, Duration> e : Timings.perPhase(primary.get()).entrySet()) {
                perf.add(label(e.getKey()) + "=" + seconds(e.getValue()) + "s;"
                        + limit(thresholds.warnPhase().get(e.getKey())) + ";"
                        + limit(thresholds.critPhase().get(e.getKey())) + ";0");
            }
        }
        perf.add("total=" + seconds(result.elapsed()) + "s;" + limit(thresholds.warnTotal().orElse(null)) + ";"
                + limit(thresholds.critTotal().orElse(null)) + ";0");
        List<SmugglingResult> smuggling = result.smugglingResults();
        if (!smuggling.isEmpty()) {
            // Critical from the first sequence taken as end of data ("0": anything outside 0..0 alerts).
            perf.add("smuggling_vulnerable=" + smuggling.stream().filter(SmugglingResult::vulnerable).count() + ";;0;0;"
                    + smuggling.size());
        }
        Optional<CertificateSummary> leaf = primary.flatMap(Observations::leaf);
        leaf.ifPresent(c -> perf.add("cert_days=" + Observations.daysToExpiry(c, Observations.probeTime(result))
                // Range syntax of the monitoring-plugins guidelines: "14:" alerts below 14, "3:" below 3, as
                // --cert-warn-days and --cert-crit-days asked.
                + ";" + result.transport().certWarnDays() + ":;" + result.transport().certCritDays() + ":"));
        return perf;
    }

    private static String limit(Duration d) {
        return d == null ? "" : seconds(d);
    }

    private static String label(SmtpPhase phase) {
        return phase == SmtpPhase.TLS_HANDSHAKE ? "tls" : phase.id();
    }

    private static String seconds(Duration d) {
        long nanos = d == null ? 0 : d.toNanos();
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }

    /**
     * The plugin format reserves '|' for perfdata and ends the first line at a newline; the rest is escaped like
     * every other output (monitoring web interfaces show it, and so do terminals).
     */
    private String clean(String text) {
        return Printable.escape(options.secrets().scrub(text).replace('|', '/').replaceAll("[\\r\\n]+", " "));
    }
}
