package dev.smtpprobe.session;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SmtpPhase;
import java.util.Objects;

/**
 * An exchange that got no usable reply: the phase step that awaited it stops, and the session records why.
 * Stackless: it is a verdict on the server, not a bug to trace.
 */
final class ExchangeFailure extends RuntimeException {
    final ProbeStatus status;
    final SmtpPhase phase;

    ExchangeFailure(ProbeStatus status, SmtpPhase phase, String message) {
        super(Objects.requireNonNull(message), null, false, false);
        this.status = Objects.requireNonNull(status);
        this.phase = Objects.requireNonNull(phase);
    }
}
