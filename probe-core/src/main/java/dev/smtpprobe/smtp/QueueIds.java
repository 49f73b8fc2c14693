package dev.smtpprobe.smtp;

import dev.smtpprobe.model.SmtpReply;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the queue id a server gives in its 250 after the message; formats differ by MTA, so several shapes. */
public final class QueueIds {
    private QueueIds() {
    }

    private static final List<Pattern> PATTERNS = List.of(
            // Postfix, Sendmail-ish: "2.0.0 Ok: queued as 4Xb1Zt0Q2Fz9"
            Pattern.compile("queued as\\s+<?([A-Za-z0-9][A-Za-z0-9._@\\-]*)>?", Pattern.CASE_INSENSITIVE),
            // Exim: "OK id=1qRYxa-0005Ha-2L"
            Pattern.compile("\\bid=([A-Za-z0-9][A-Za-z0-9._\\-]*)", Pattern.CASE_INSENSITIVE),
            // Gmail: "2.0.0 OK  1700000000 abc.123 - gsmtp"
            Pattern.compile("\\bOK\\s+\\d{9,}\\s+(\\S+)\\s+-\\s+gsmtp", Pattern.CASE_INSENSITIVE),
            // Sendmail: "2.0.0 3AB12cDe012345 Message accepted for delivery"
            Pattern.compile("^(?:\\d\\.\\d{1,3}\\.\\d{1,3}\\s+)?([A-Za-z0-9]{10,})\\s+Message accepted", Pattern.CASE_INSENSITIVE),
            // Exchange Online: "2.6.0 <msgid@host> [InternalId=123, Hostname=...] Queued mail for delivery"
            Pattern.compile("InternalId=(\\d+)", Pattern.CASE_INSENSITIVE),
            // Generic: "queued (id ABC123)" or "Queued ABC123"
            Pattern.compile("\\bqueued\\s+\\(?(?:id\\s+)?([A-Z0-9]{6,})\\)?", Pattern.CASE_INSENSITIVE));

    public static Optional<String> parse(SmtpReply reply) {
        if (!reply.isPositive()) {
            return Optional.empty();
        }
        String text = reply.text();
        for (Pattern p : PATTERNS) {
            Matcher m = p.matcher(text);
            if (m.find()) {
                String id = m.group(1).replaceAll("[.,;)]+$", "");
                if (!id.isEmpty()) {
                    return Optional.of(id);
                }
            }
        }
        return Optional.empty();
    }
}
