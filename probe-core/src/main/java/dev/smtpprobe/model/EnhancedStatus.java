package dev.smtpprobe.model;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RFC 3463 enhanced status code, class.subject.detail (for example 5.1.1).
 * The class is 2, 4 or 5; subject and detail are 0-999 per the RFC's grammar.
 */
public record EnhancedStatus(int statusClass, int subject, int detail) {

    private static final Pattern LEADING =
            Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})(?=$|[\\s,;:)\\]])");

    public EnhancedStatus {
        if (statusClass != 2 && statusClass != 4 && statusClass != 5) {
            throw new IllegalArgumentException("enhanced status class must be 2, 4 or 5: " + statusClass);
        }
        if (subject < 0 || subject > 999 || detail < 0 || detail > 999) {
            throw new IllegalArgumentException("enhanced status subject/detail out of range");
        }
    }

    /** Parses "5.1.1" exactly. */
    public static Optional<EnhancedStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = LEADING.matcher(text.strip());
        if (!m.find() || m.end() != text.strip().length()) {
            return Optional.empty();
        }
        return Optional.of(fromMatcher(m));
    }

    /** Parses an enhanced code at the start of reply text ("5.1.1 User unknown"), as RFC 2034 places it. */
    public static Optional<EnhancedStatus> parseLeading(String replyText) {
        if (replyText == null) {
            return Optional.empty();
        }
        Matcher m = LEADING.matcher(replyText);
        return m.find() ? Optional.of(fromMatcher(m)) : Optional.empty();
    }

    private static EnhancedStatus fromMatcher(Matcher m) {
        return new EnhancedStatus(
                Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** The subject and detail without the class, for example "1.1", which is how the IANA registry keys them. */
    public String subjectDetail() {
        return subject + "." + detail;
    }

    @Override
    public String toString() {
        return statusClass + "." + subject + "." + detail;
    }
}
