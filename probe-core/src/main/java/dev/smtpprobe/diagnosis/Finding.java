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
 * @param code the catalog entry's code: the reply code a server sent, or, when {@code observed}, the number the catalog
 *             gives a failure the probe saw itself (111, 441...), which no server sent
 * @param enhancedCode the RFC 3463 code when the server gave one
 * @param host the host (and address) the finding is about; empty for domain-wide findings
 * @param phase the phase it happened in; empty for findings about DNS posture
 * @param observed true when no server said this: the probe observed it (a timeout, a refused connection, a DNS answer)
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
        Optional<SmtpPhase> phase,
        boolean observed) {

    /** A finding about what a server said or what the posture shows: its code, if any, came from a server. */
    public Finding(String id, Severity severity, Category category, Optional<Integer> code,
            Optional<String> enhancedCode, String title, String detail, String remedy, Actor actor,
            Optional<String> host, Optional<SmtpPhase> phase) {
        this(id, severity, category, code, enhancedCode, title, detail, remedy, actor, host, phase, false);
    }

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

    /** The reply code a server sent, when this finding rests on one. */
    public Optional<Integer> replyCode() {
        return observed ? Optional.empty() : code;
    }

    /** The same finding at another severity, with another detail (the engine caps findings about a backup MX). */
    public Finding with(Severity newSeverity, String newDetail) {
        return new Finding(id, newSeverity, category, code, enhancedCode, title, newDetail, remedy, actor, host, phase,
                observed);
    }
}
