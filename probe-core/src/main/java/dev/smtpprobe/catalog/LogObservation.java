package dev.smtpprobe.catalog;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SmtpPhase;
import java.util.Optional;
import java.util.regex.Pattern;

/** A mail-log reason with no server reply, read as the client-observed status it describes (log-observations.tsv). */
record LogObservation(Pattern regex, ProbeStatus status, Optional<SmtpPhase> phase) {
}
