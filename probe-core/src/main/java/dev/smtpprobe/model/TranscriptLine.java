package dev.smtpprobe.model;

/**
 * One line of the conversation. Secrets are already redacted when the line is recorded.
 *
 * @param direction who sent it
 * @param nanos {@link System#nanoTime()} when it was sent or received
 * @param line the line without CRLF; for {@link Direction#INFO} a note such as "TLS established"
 */
public record TranscriptLine(Direction direction, long nanos, String line) {
    public enum Direction { SENT, RECEIVED, INFO }
}
