package dev.smtpprobe.report;

import dev.smtpprobe.model.TranscriptLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A second line of defence: the engine redacts secrets when it records them, and reports redact again, so a
 * slip in one place never puts a password into a file that gets pasted into a ticket.
 */
final class Redaction {
    static final String REDACTED = "<redacted>";
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private Redaction() {
    }

    /** "AUTH PLAIN dGVzdAB0ZXN0AHNlY3JldA==" becomes "AUTH PLAIN <redacted>". */
    static String command(String command) {
        if (command == null) {
            return null;
        }
        String[] parts = WHITESPACE.split(command.strip(), 3);
        if (parts.length == 3 && parts[0].toUpperCase(Locale.ROOT).equals("AUTH") && !parts[2].equals(REDACTED)) {
            return parts[0] + " " + parts[1] + " " + REDACTED;
        }
        return command;
    }

    /** Redacts AUTH initial responses, and every line the client sent in answer to a 334 challenge. */
    static List<TranscriptLine> transcript(List<TranscriptLine> lines) {
        List<TranscriptLine> out = new ArrayList<>(lines.size());
        boolean challenged = false;
        for (TranscriptLine line : lines) {
            String text = line.line();
            if (line.direction() == TranscriptLine.Direction.RECEIVED) {
                challenged = text.startsWith("334");
            } else if (line.direction() == TranscriptLine.Direction.SENT) {
                text = challenged ? REDACTED : command(text);
                challenged = false;
            }
            out.add(new TranscriptLine(line.direction(), line.nanos(), text));
        }
        return out;
    }
}
