package dev.smtpprobe.model;

import java.util.Objects;
import java.util.Optional;

/**
 * What became of one recipient: the server's reply to its RCPT, or why it was never asked about.
 *
 * @param address the forward-path, without angle brackets
 * @param probe this recipient was made up by the probe (the random local part of a catch-all check)
 * @param reply the reply to RCPT; empty when the recipient was not tried
 * @param notTried why the recipient was not tried (the session ended first); empty when it was
 */
public record RecipientResult(String address, boolean probe, Optional<SmtpReply> reply, Optional<String> notTried) {
    public RecipientResult {
        Objects.requireNonNull(address);
        Objects.requireNonNull(reply);
        Objects.requireNonNull(notTried);
    }

    public boolean accepted() {
        return reply.map(SmtpReply::isPositive).orElse(false);
    }
}
