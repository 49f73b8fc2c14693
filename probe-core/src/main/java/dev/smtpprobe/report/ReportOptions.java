package dev.smtpprobe.report;

/**
 * What the user asked the reports to include.
 *
 * @param transcript include the (already redacted) conversation transcript
 * @param color use ANSI colours in the text report (the CLI sets this from isatty and --no-color)
 * @param verbose text report: list every step and every note; Nagios: add one long-output line per finding
 */
public record ReportOptions(boolean transcript, boolean color, boolean verbose) {

    public static final ReportOptions DEFAULTS = new ReportOptions(false, false, true);

    public ReportOptions withTranscript(boolean v) {
        return new ReportOptions(v, color, verbose);
    }

    public ReportOptions withColor(boolean v) {
        return new ReportOptions(transcript, v, verbose);
    }

    public ReportOptions withVerbose(boolean v) {
        return new ReportOptions(transcript, color, v);
    }
}
