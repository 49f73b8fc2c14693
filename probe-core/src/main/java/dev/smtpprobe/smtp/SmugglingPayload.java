package dev.smtpprobe.smtp;

import dev.smtpprobe.model.SmugglingSequence;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The bytes of one SMTP smuggling test, written raw after the 354 to DATA: the test message (dot-stuffed here,
 * its last line end left off), the non-standard sequence exactly as given, a second transaction (MAIL, RCPT, DATA
 * and a short message saying what it is), and the real end of data {@code <CR><LF>.<CR><LF>}. A server that reads
 * RFC 5321's end of data only sees one message holding some odd text; one that takes the sequence as the end of
 * data sees two transactions, and answers the second.
 *
 * <p>Never through {@link SmtpCommandEncoder}: its dot-stuffing normalises every line end to CRLF, which would
 * "fix" the very sequence under test.
 */
public final class SmugglingPayload {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;
    private final String smuggledMessageId;

    private SmugglingPayload(byte[] bytes, String smuggledMessageId) {
        this.bytes = bytes;
        this.smuggledMessageId = smuggledMessageId;
    }

    /**
     * @param message the test message, CRLF line ends
     * @param sequence what goes right after its last line
     * @param mailFrom the reverse-path of the smuggled transaction (empty: the null sender)
     * @param recipient its one forward-path: the recipient the user named
     * @param ehloName names the smuggled message's Message-ID domain when there is no sender
     */
    public static SmugglingPayload of(String message, SmugglingSequence sequence, String mailFrom, String recipient,
            String ehloName, ZonedDateTime now) {
        String id = "smtp-probe-smuggled." + HexFormat.of().formatHex(randomBytes()) + "@"
                + (mailFrom.contains("@") ? mailFrom.substring(mailFrom.lastIndexOf('@') + 1) : ehloName);
        String name = sequence.shortName();
        String smuggled = "From: " + (mailFrom.isEmpty() ? "<>" : "<" + mailFrom + ">") + "\r\n"
                + "To: <" + recipient + ">\r\n"
                + "Subject: smtp-probe smuggling test, sequence " + name + "\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).format(now) + "\r\n"
                + "Message-ID: <" + id + ">\r\n"
                + "\r\n"
                + "smtp-probe smuggling test, sequence " + name + ".\r\n"
                + "This harmless message was hidden inside another one, behind " + sequence.label() + ".\r\n"
                + "If it arrived on its own, the receiving server took that sequence as the end of data\r\n"
                + "and can be used to smuggle spoofed mail past SPF and DMARC (SMTP smuggling).\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length() + smuggled.length() + 128);
        byte[] first = SmtpCommandEncoder.dotStuff(message);
        // dotStuff ends with CRLF "." CRLF: the last line's CRLF and the terminator are left off.
        out.write(first, 0, first.length - 5);
        out.writeBytes(sequence.bytes());
        out.writeBytes(("MAIL FROM:<" + mailFrom + ">\r\n" + "RCPT TO:<" + recipient + ">\r\n" + "DATA\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(SmtpCommandEncoder.dotStuff(smuggled));
        return new SmugglingPayload(out.toByteArray(), id);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int octets() {
        return bytes.length;
    }

    /** The Message-ID of the smuggled message: find it in the recipient's mailbox to see it was delivered. */
    public String smuggledMessageId() {
        return smuggledMessageId;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }
}
