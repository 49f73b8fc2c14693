package dev.smtpprobe.probe;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The message {@code --send} delivers: small, plain, clearly a test, with a unique Message-ID so the user can find
 * it in the receiving side's logs. Lines end in CRLF; dot-stuffing is the encoder's job, not this one's.
 */
public record TestMessage(String messageId, String content) {

    public static TestMessage generate(String from, List<String> recipients, String ehloName, ZonedDateTime now) {
        String idDomain = ehloName.startsWith("[") ? "smtp-probe.invalid" : ehloName;
        String messageId = UUID.randomUUID() + "@" + idDomain;
        String sender = from.isEmpty() ? "<>" : from;
        StringBuilder m = new StringBuilder();
        m.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).format(now)).append("\r\n");
        m.append("From: ").append(from.isEmpty() ? "smtp-probe <postmaster@" + idDomain + ">" : from).append("\r\n");
        m.append("To: ").append(recipients.isEmpty() ? "undisclosed-recipients:;" : String.join(", ", recipients)).append("\r\n");
        m.append("Subject: smtp-probe test message ").append(messageId, 0, 8).append("\r\n");
        m.append("Message-ID: <").append(messageId).append(">\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: text/plain; charset=us-ascii\r\n");
        m.append("Auto-Submitted: auto-generated\r\n");
        m.append("X-Mailer: smtp-probe\r\n");
        m.append("\r\n");
        m.append("This is a delivery test sent by smtp-probe.\r\n");
        m.append("Envelope sender: ").append(sender).append("\r\n");
        m.append("It needs no reply and may be deleted.\r\n");
        return new TestMessage(messageId, m.toString());
    }
}
