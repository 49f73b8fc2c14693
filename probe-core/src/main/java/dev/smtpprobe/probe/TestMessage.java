package dev.smtpprobe.probe;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The message {@code --send} delivers: small, plain, clearly a test, with a unique Message-ID so the user can find
 * it in the receiving side's logs. Users may add headers, supply the body, or pad it to a size (to test a size
 * limit). Lines end in CRLF; dot-stuffing is the encoder's job, not this one's.
 */
public record TestMessage(String messageId, String content) {

    private static final Pattern HEADER = Pattern.compile("[!-9;-~]+:[ \\t]?[^\\r\\n]*");
    /** Headers the generator writes itself; a user header of the same name would make the message ambiguous. */
    private static final List<String> OWN = List.of("date", "message-id", "mime-version", "content-type");
    /** The largest message --size may ask for: enough to exceed any sane SIZE limit, bounded in memory. */
    public static final long MAX_SIZE = 64L * 1024 * 1024;

    public static TestMessage generate(String from, List<String> recipients, String ehloName, ZonedDateTime now) {
        return compose(from, recipients, ehloName, now, List.of(), Optional.empty(), OptionalLong.empty());
    }

    /**
     * @param headers extra header lines ({@code Name: value}); a Subject, From or To among them replaces ours
     * @param body the body to send instead of ours (any line ends; non-ASCII is sent as UTF-8)
     * @param size pad the body with filler lines until the whole message has about this many octets
     * @throws IllegalArgumentException for a malformed header or a size out of range
     */
    public static TestMessage compose(String from, List<String> recipients, String ehloName, ZonedDateTime now,
            List<String> headers, Optional<String> body, OptionalLong size) {
        for (String h : headers) {
            if (!HEADER.matcher(h).matches()) {
                throw new IllegalArgumentException("--header takes 'Name: value' on one line, not '" + h + "'");
            }
            String name = h.substring(0, h.indexOf(':')).toLowerCase(Locale.ROOT);
            if (OWN.contains(name)) {
                throw new IllegalArgumentException("--header cannot replace the " + name + " header the probe writes");
            }
        }
        if (size.isPresent() && (size.getAsLong() < 1 || size.getAsLong() > MAX_SIZE)) {
            throw new IllegalArgumentException("--size must be between 1 and " + MAX_SIZE + " octets");
        }
        String idDomain = ehloName.startsWith("[") ? "smtp-probe.invalid" : ehloName;
        String messageId = UUID.randomUUID() + "@" + idDomain;
        String sender = from.isEmpty() ? "<>" : from;
        String text = body.orElse("") ;
        boolean utf8 = !StandardCharsets.US_ASCII.newEncoder().canEncode(text);
        List<String> lines = new ArrayList<>();
        lines.add("Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).format(now));
        addUnlessGiven(lines, headers, "From", from.isEmpty() ? "smtp-probe <postmaster@" + idDomain + ">" : from);
        addUnlessGiven(lines, headers, "To", recipients.isEmpty() ? "undisclosed-recipients:;"
                : String.join(", ", recipients));
        addUnlessGiven(lines, headers, "Subject", "smtp-probe test message " + messageId.substring(0, 8));
        lines.add("Message-ID: <" + messageId + ">");
        lines.add("MIME-Version: 1.0");
        lines.add("Content-Type: text/plain; charset=" + (utf8 ? "utf-8" : "us-ascii"));
        if (headers.stream().noneMatch(h -> h.regionMatches(true, 0, "Auto-Submitted:", 0, 15))) {
            lines.add("Auto-Submitted: auto-generated");
        }
        lines.add("X-Mailer: smtp-probe");
        lines.addAll(headers);
        StringBuilder m = new StringBuilder();
        for (String line : lines) {
            m.append(line).append("\r\n");
        }
        m.append("\r\n");
        if (body.isPresent()) {
            String crlf = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n");
            m.append(crlf);
            if (!crlf.isEmpty() && !crlf.endsWith("\r\n")) {
                m.append("\r\n");
            }
        } else {
            m.append("This is a delivery test sent by smtp-probe.\r\n");
            m.append("Envelope sender: ").append(sender).append("\r\n");
            m.append("It needs no reply and may be deleted.\r\n");
        }
        if (size.isPresent()) {
            pad(m, size.getAsLong());
        }
        return new TestMessage(messageId, m.toString());
    }

    private static void addUnlessGiven(List<String> lines, List<String> headers, String name, String value) {
        boolean given = headers.stream().anyMatch(h -> h.regionMatches(true, 0, name + ":", 0, name.length() + 1));
        if (!given) {
            lines.add(name + ": " + value);
        }
    }

    /** Filler lines of 76 characters (well inside RFC 5321's 998) until the message reaches {@code target} octets. */
    private static void pad(StringBuilder m, long target) {
        String filler = "smtp-probe size test: this line only pads the message to the size asked for......";
        filler = filler.substring(0, 76);
        long octets = m.toString().getBytes(StandardCharsets.UTF_8).length;
        while (octets + filler.length() + 2 <= target) {
            m.append(filler).append("\r\n");
            octets += filler.length() + 2;
        }
        long rest = target - octets;
        if (rest >= 3) {
            m.append("x".repeat((int) (rest - 2))).append("\r\n");
        }
    }
}
