package dev.smtpprobe.model;

import java.util.List;
import java.util.Objects;

/**
 * One check of the domain's mail DNS posture (SPF, DMARC, MTA-STS, TLS-RPT, TLSA, reverse DNS).
 * Generic on purpose: the report and the diagnosis treat every check alike.
 *
 * @param id stable id: "spf", "dmarc", "mta-sts", "tls-rpt", "tlsa", "ptr"
 * @param subject the name or address checked (for example "_dmarc.example.com" or "192.0.2.1")
 * @param status the outcome
 * @param summary one sentence for humans
 * @param records the records found, verbatim
 * @param remedy what to do when the status is not PASS; empty otherwise
 */
public record PostureCheck(String id, String subject, Status status, String summary, List<String> records, String remedy) {
    public enum Status {
        /** Present and well-formed. */
        PASS,
        /** Worth knowing, nothing to fix (for example: no MTA-STS, which is optional). */
        INFO,
        /** Present but weak or questionable (for example DMARC p=none). */
        WARN,
        /** Present but broken (syntax error, two SPF records, over the lookup limit). */
        FAIL,
        /** Absent where a mail domain should have it. */
        MISSING,
        /** The lookup itself failed (SERVFAIL, timeout). */
        ERROR
    }

    public PostureCheck {
        Objects.requireNonNull(id);
        Objects.requireNonNull(subject);
        Objects.requireNonNull(status);
        Objects.requireNonNull(summary);
        records = List.copyOf(records);
        Objects.requireNonNull(remedy);
    }
}
