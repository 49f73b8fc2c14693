package dev.smtpprobe.smtp;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the Message-ID header of a message about to be sent, so a report can name it. */
public final class MessageIds {
    // Only the header section: a "Message-ID:" line in the body is not the message's id.
    private static final Pattern HEADER = Pattern.compile("(?im)^Message-ID:[ \\t]*<([^>\\r\\n]{1,500})>");

    private MessageIds() {
    }

    public static Optional<String> of(String message) {
        int end = message.indexOf("\r\n\r\n");
        String headers = end < 0 ? message : message.substring(0, end);
        Matcher m = HEADER.matcher(headers);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
