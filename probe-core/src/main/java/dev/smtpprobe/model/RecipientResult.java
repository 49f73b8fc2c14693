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
 * @param messageReply under LMTP, the reply for this recipient after the message (RFC 2033 section 4.2: one per
 *        accepted recipient, in RCPT order); empty under SMTP, whose one reply covers every recipient
 */
public record RecipientResult(String address, boolean probe, Optional<SmtpReply> reply, Optional<String> notTried,
        Optional<SmtpReply> messageReply) {
    public RecipientResult {
        Objects.requireNonNull(address);
        Objects.requireNonNull(reply);
        Objects.requireNonNull(notTried);
        Objects.requireNonNull(messageReply);
    }

    /** A recipient before any message: its RCPT reply, or why it was not tried. */
    public RecipientResult(String address, boolean probe, Optional<SmtpReply> reply, Optional<String> notTried) {
        this(address, probe, reply, notTried, Optional.empty());
    }

    /** The same recipient with the reply it got after the message (LMTP). */
    public RecipientResult withMessageReply(SmtpReply after) {
        return new RecipientResult(address, probe, reply, notTried, Optional.of(after));
    }

    public boolean accepted() {
        return reply.map(SmtpReply::isPositive).orElse(false);
    }
}
