package dev.smtpprobe.model;

import java.util.List;
import java.util.Objects;

/**
 * What one SMTP smuggling session showed: the message carried {@code sequence} and a second transaction behind it,
 * then the real end of data, and the server's replies up to its answer to QUIT tell whether it parsed that second
 * transaction.
 *
 * @param sequence the non-standard end-of-data sequence the message carried
 * @param verdict how the server took it
 * @param replies every reply after the message was sent, before the answer to QUIT: one for a server that took the
 *        sequence as data, more for one that ended the message at it and answered the smuggled commands
 * @param detail a sentence for humans saying what the replies show (server text already free of secrets)
 */
public record SmugglingResult(SmugglingSequence sequence, Verdict verdict, List<SmtpReply> replies, String detail) {

    public enum Verdict {
        /** The server ended the message at the sequence and answered the smuggled commands: vulnerable. */
        ACCEPTED_AS_END_OF_DATA,
        /** The server refused the message (bare line ends refused) or dropped the connection: not vulnerable. */
        REFUSED,
        /** One reply to the whole message: the sequence was data, as RFC 5321 says. Not vulnerable. */
        TREATED_AS_DATA,
        /** The replies do not tell (no answer in time, a connection lost midway). */
        INCONCLUSIVE,
        /** The test message was never sent (the session failed before DATA, or no server accepted mail). */
        NOT_RUN;

        /** {@code accepted-as-end-of-data}: the id in JSON. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public SmugglingResult {
        Objects.requireNonNull(sequence);
        Objects.requireNonNull(verdict);
        replies = List.copyOf(replies);
        Objects.requireNonNull(detail);
    }

    public boolean vulnerable() {
        return verdict == Verdict.ACCEPTED_AS_END_OF_DATA;
    }

    public static SmugglingResult notRun(SmugglingSequence sequence, String why) {
        return new SmugglingResult(sequence, Verdict.NOT_RUN, List.of(), why);
    }
}
