package dev.smtpprobe.catalog;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SmtpPhase;
import java.util.Optional;

/** How one client-observed status (at one phase, or at any) maps onto the catalog (from client-observations.tsv). */
record ObservationMapping(ProbeStatus status, Optional<SmtpPhase> phase, int code, Category category, Actor actor,
        boolean retryable, String remedy) {

    /** The key a mapping is found under: {@code TIMEOUT@banner}, or the status name alone. */
    String key() {
        return key(status, phase);
    }

    static String key(ProbeStatus status, Optional<SmtpPhase> phase) {
        return phase.map(p -> status.name() + "@" + p.id()).orElse(status.name());
    }
}
