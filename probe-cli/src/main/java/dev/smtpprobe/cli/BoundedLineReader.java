package dev.smtpprobe.cli;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines of at most {@code maxChars}; the rest of an overlong line is skipped, so memory stays constant
 * whatever a log file throws at {@code explain --batch}. Accepts LF, CRLF and lone CR.
 */
final class BoundedLineReader {

    private final Reader in;
    private final int maxChars;
    private int pushedBack = -2;

    BoundedLineReader(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next line without its terminator, or null at end of input. */
    String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c = next();
        if (c < 0) {
            return null;
        }
        while (c >= 0 && c != '\n' && c != '\r') {
            if (line.length() < maxChars) {
                line.append((char) c);
            }
            c = next();
        }
        if (c == '\r') {
            int after = next();
            if (after != '\n') {
                pushedBack = after;
            }
        }
        return line.toString();
    }

    private int next() throws IOException {
        if (pushedBack != -2) {
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
        return in.read();
    }
}
