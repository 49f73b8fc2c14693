package dev.smtpprobe.catalog;

import dev.smtpprobe.model.EnhancedStatus;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one line of a mail log says about a delivery, beyond the server reply it may quote: the recipient, whether
 * the message was delivered, deferred or bounced, the DSN code the MTA logged, and the reason text when no server
 * reply is quoted at all (a connection that timed out, a domain that did not resolve). Knows the log dialects of
 * Postfix ({@code to=<...>, dsn=4.4.1, status=deferred (...)}), Sendmail ({@code dsn=5.1.1, stat=User unknown}),
 * Exim ({@code ** addr}, {@code == addr ... defer (110)}), qmail ({@code (#5.1.2)}) and Exchange message tracking
 * (CSV with FAIL/DEFER events); anything else is still searched for a reply.
 *
 * @param recipient the recipient address the line is about, when it names one
 * @param disposition what became of the delivery attempt the line records
 * @param dsn the enhanced status the MTA logged for it (Postfix and Sendmail {@code dsn=}, qmail {@code (#x.y.z)},
 *            a leading {@code 5.2.2 ...}), when there is one
 * @param reason the part of the line that explains the result (Postfix's parenthesised reason, Sendmail's stat=,
 *               Exim's text after the router and transport), or the whole line
 * @param reply the server reply the line quotes ("550 5.1.1 <bob@...>: User unknown"), when it quotes one
 */
public record MailLogLine(Optional<String> recipient, Disposition disposition, Optional<EnhancedStatus> dsn,
        String reason, Optional<String> reply) {

    /** What became of one delivery attempt. */
    public enum Disposition {
        DELIVERED, DEFERRED, BOUNCED,
        /** This server refused a message offered to it (Postfix "NOQUEUE: reject:", Exim "rejected RCPT"). */
        REJECTED_HERE,
        /** The line names no result (a connection log line, a notice): only a quoted reply's class can tell. */
        UNKNOWN;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>,;:\"'()\\[\\]]+@[^\\s<>,;:\"'()\\[\\]]+");
    private static final Pattern POSTFIX_TO = Pattern.compile("\\bto=<([^>]*)>");
    private static final Pattern SENDMAIL_TO = Pattern.compile("\\bto=<?([^\\s,<>]+@[^\\s,<>]+)>?,");
    // Exim main log: date time [pid] message-id flag address; flags ** bounced, == deferred, => -> delivered.
    private static final Pattern EXIM = Pattern.compile(
            "\\b[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4} (\\*\\*|==|=>|->) (?:<)?([^\\s<>]+)(?:>)?(.*)$");
    private static final Pattern RECIPIENT_WORD = Pattern.compile(
            "(?i)\\b(?:rcpt|recipient|recipients|to|for|delivery to|message to)\\b[=: ]+<?(" + ADDRESS.pattern() + ")");
    private static final Pattern POSTFIX_STATUS = Pattern.compile(
            "\\bstatus=(sent|deferred|bounced|expired|undeliverable|deliverable)\\b(?:\\s*\\((.*)\\))?\\s*$");
    private static final Pattern SENDMAIL_STAT = Pattern.compile("\\bstat=(.*)$");
    private static final Pattern DSN_FIELD = Pattern.compile("\\bdsn=([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");
    // qmail ends its notices with the enhanced code in parentheses: "Sorry, I couldn't find any host named x. (#5.1.2)".
    private static final Pattern QMAIL_DSN = Pattern.compile("\\(#([245])\\.(\\d{1,3})\\.(\\d{1,3})\\)");
    // Sendmail-style DSN text and bounce logs: "5.2.2 <bob@example.org>... Mailbox Full", also after a keyword.
    private static final Pattern LEADING_DSN = Pattern.compile(
            "^(?:.*?\\b(?:said|reply|reason|diagnostic-code|status|error|message)\\s*[:=]\\s*(?:smtp;\\s*|x-[\\w-]+;\\s*)?"
                    + "[\\[\"'(]*)?"
                    + "#?([245])\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d.])\\s*(.*)$",
            Pattern.CASE_INSENSITIVE);
    // The receiving side's own refusals: Postfix smtpd "NOQUEUE: reject: RCPT from ...", Exim "rejected RCPT <x>:".
    private static final Pattern REJECTED_HERE = Pattern.compile(
            "\\b(?:NOQUEUE: reject|[0-9A-F]{6,}: reject|milter-reject):|\\brejected (?:RCPT|MAIL|EHLO|HELO|after DATA)\\b");
    // Exchange message tracking CSV: ...,FAIL,... or DEFER/DELIVER/SEND events.
    private static final Pattern EXCHANGE_EVENT = Pattern.compile(",(FAIL|DEFER|DELIVER|SEND|DSN),");

    public MailLogLine {
        Objects.requireNonNull(recipient);
        Objects.requireNonNull(disposition);
        Objects.requireNonNull(dsn);
        Objects.requireNonNull(reason);
        Objects.requireNonNull(reply);
    }

    /** The recipient's domain in lower case, when a recipient is known. */
    public Optional<String> recipientDomain() {
        return recipient.filter(r -> r.lastIndexOf('@') > 0 && r.lastIndexOf('@') < r.length() - 1)
                .map(r -> r.substring(r.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT))
                .map(d -> d.endsWith(".") ? d.substring(0, d.length() - 1) : d);
    }

    /** Reads what it can; never fails. */
    public static MailLogLine parse(String line) {
        String s = line == null ? "" : line.strip();
        Optional<String> recipient = Optional.empty();
        Disposition disposition = Disposition.UNKNOWN;
        String reason = s;

        Matcher m = POSTFIX_TO.matcher(s);
        if (m.find()) {
            recipient = nonEmpty(m.group(1));
        } else if ((m = SENDMAIL_TO.matcher(s)).find()) {
            recipient = nonEmpty(m.group(1));
        }
        Matcher exim = EXIM.matcher(s);
        if (exim.find()) {
            if (recipient.isEmpty() && exim.group(2).contains("@")) {
                recipient = Optional.of(exim.group(2));
            }
            disposition = switch (exim.group(1)) {
                case "**" -> Disposition.BOUNCED;
                case "==" -> Disposition.DEFERRED;
                default -> Disposition.DELIVERED;
            };
            reason = exim.group(3).strip();
        }
        m = POSTFIX_STATUS.matcher(s);
        if (m.find()) {
            disposition = switch (m.group(1)) {
                case "sent", "deliverable" -> Disposition.DELIVERED;
                case "deferred" -> Disposition.DEFERRED;
                default -> Disposition.BOUNCED;
            };
            if (m.group(2) != null) {
                reason = m.group(2).strip();
            }
        } else if ((m = SENDMAIL_STAT.matcher(s)).find()) {
            String stat = m.group(1).strip();
            reason = stat;
            if (stat.regionMatches(true, 0, "Sent", 0, 4)) {
                disposition = Disposition.DELIVERED;
            } else if (stat.regionMatches(true, 0, "Deferred", 0, 8)) {
                disposition = Disposition.DEFERRED;
                reason = stat.substring(8).replaceFirst("^[:\\s]+", "");
            }
        }
        Matcher ex = EXCHANGE_EVENT.matcher(s);
        if (disposition == Disposition.UNKNOWN && ex.find()) {
            disposition = switch (ex.group(1)) {
                case "FAIL", "DSN" -> Disposition.BOUNCED;
                case "DEFER" -> Disposition.DEFERRED;
                default -> Disposition.DELIVERED;
            };
        }
        if (recipient.isEmpty()) {
            m = RECIPIENT_WORD.matcher(s);
            if (m.find()) {
                recipient = Optional.of(m.group(1));
            }
        }
        if (disposition == Disposition.UNKNOWN && REJECTED_HERE.matcher(s).find()) {
            disposition = Disposition.REJECTED_HERE;
        }
        Optional<EnhancedStatus> dsn = dsn(s, DSN_FIELD).or(() -> dsn(s, QMAIL_DSN));
        if (dsn.isEmpty()) {
            Matcher lead = LEADING_DSN.matcher(reason);
            if (lead.matches()) {
                dsn = status(lead.group(1), lead.group(2), lead.group(3));
            }
        }
        if (disposition == Disposition.UNKNOWN && dsn.isPresent() && dsn.get().statusClass() != 2) {
            // A DSN code with no result word still says it: 4.x.x is a delay, 5.x.x a failure.
            disposition = dsn.get().statusClass() == 4 ? Disposition.DEFERRED : Disposition.BOUNCED;
        }
        // The reason part first, so Postfix's own wrapper ("... (in reply to RCPT TO command)") stays outside.
        Optional<String> reply = ReplyTextParser.find(reason).or(() -> ReplyTextParser.find(s))
                .map(f -> (f.code() + " " + f.text()).strip());
        if (disposition == Disposition.UNKNOWN && reply.isPresent()) {
            int cls = reply.get().charAt(0) - '0';
            disposition = cls == 2 ? Disposition.DELIVERED : cls == 4 ? Disposition.DEFERRED
                    : cls == 5 ? Disposition.BOUNCED : Disposition.UNKNOWN;
        }
        return new MailLogLine(recipient.map(MailLogLine::stripAngles), disposition, dsn, reason, reply);
    }

    /** The enhanced status at the start of a text ("5.2.2 <bob@...>... Mailbox Full"), with what follows it. */
    static Optional<LeadingStatus> leadingStatus(String text) {
        Matcher lead = LEADING_DSN.matcher(text == null ? "" : text.strip());
        if (!lead.matches()) {
            return Optional.empty();
        }
        return status(lead.group(1), lead.group(2), lead.group(3)).map(st -> new LeadingStatus(st, lead.group(4)));
    }

    record LeadingStatus(EnhancedStatus status, String rest) {
    }

    private static Optional<EnhancedStatus> dsn(String s, Pattern p) {
        Matcher m = p.matcher(s);
        return m.find() ? status(m.group(1), m.group(2), m.group(3)) : Optional.empty();
    }

    private static Optional<EnhancedStatus> status(String cls, String subject, String detail) {
        try {
            return Optional.of(new EnhancedStatus(Integer.parseInt(cls), Integer.parseInt(subject),
                    Integer.parseInt(detail)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
    }

    private static String stripAngles(String s) {
        String t = s.strip();
        if (t.startsWith("<") && t.endsWith(">")) {
            t = t.substring(1, t.length() - 1);
        }
        return t;
    }
}
