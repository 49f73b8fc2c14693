package dev.smtpprobe.diagnosis;

/** The probe's overall outcome, with the monitoring-plugins exit code that goes with it (a public contract). */
public enum Verdict {
    OK(0), WARNING(1), CRITICAL(2), UNKNOWN(3);

    private final int exitCode;

    Verdict(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
