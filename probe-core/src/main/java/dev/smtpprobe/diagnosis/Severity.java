package dev.smtpprobe.diagnosis;

/** How much a finding matters. Ordered: a later constant is worse. */
public enum Severity {
    INFO, WARNING, CRITICAL
}
