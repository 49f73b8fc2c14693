package dev.smtpprobe.diagnosis;

import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.catalog.Actor;
import dev.smtpprobe.catalog.Category;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing the user should know: what is wrong (or notable), who must act, and what to do.
 *
 * @param id stable rule id (for example "starttls-missing"), for scripts and suppression lists
 * @param code the catalog entry's code (a reply code, or a client-observed code such as 111)
 * @param enhancedCode the RFC 3463 code when the server gave one
 * @param host the host (and address) the finding is about; empty for domain-wide findings
 * @param phase the phase it happened in; empty for findings about DNS posture
 */
public record Finding(
        String id,
        Severity severity,
        Category category,
        Optional<Integer> code,
        Optional<String> enhancedCode,
        String title,
        String detail,
        String remedy,
        Actor actor,
        Optional<String> host,
        Optional<SmtpPhase> phase) {

    public Finding {
        Objects.requireNonNull(id);
        Objects.requireNonNull(severity);
        Objects.requireNonNull(category);
        Objects.requireNonNull(code);
        Objects.requireNonNull(enhancedCode);
        Objects.requireNonNull(title);
        Objects.requireNonNull(detail);
        Objects.requireNonNull(remedy);
        Objects.requireNonNull(actor);
        Objects.requireNonNull(host);
        Objects.requireNonNull(phase);
    }
}
