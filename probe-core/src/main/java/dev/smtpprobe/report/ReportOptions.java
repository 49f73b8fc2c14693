package dev.smtpprobe.report;

import dev.smtpprobe.model.SecretScrubber;
import java.util.Objects;

/**
 * What the user asked the reports to include.
 *
 * @param transcript include the (already redacted) conversation transcript
 * @param color use ANSI colours in the text report (the CLI sets this from isatty and --no-color)
 * @param verbose text report: list every step and every note; Nagios: add one long-output line per finding
 * @param secrets the credential of the probe, removed again from everything a report shows (a second line of
 *        defence behind the engine and the prober, for a server that echoes it)
 */
public record ReportOptions(boolean transcript, boolean color, boolean verbose, SecretScrubber secrets) {

    public static final ReportOptions DEFAULTS = new ReportOptions(false, false, true, SecretScrubber.NONE);

    public ReportOptions {
        Objects.requireNonNull(secrets);
    }

    public ReportOptions(boolean transcript, boolean color, boolean verbose) {
        this(transcript, color, verbose, SecretScrubber.NONE);
    }

    public ReportOptions withTranscript(boolean v) {
        return new ReportOptions(v, color, verbose, secrets);
    }

    public ReportOptions withColor(boolean v) {
        return new ReportOptions(transcript, v, verbose, secrets);
    }

    public ReportOptions withVerbose(boolean v) {
        return new ReportOptions(transcript, color, v, secrets);
    }

    public ReportOptions withSecrets(SecretScrubber v) {
        return new ReportOptions(transcript, color, verbose, v);
    }
}
