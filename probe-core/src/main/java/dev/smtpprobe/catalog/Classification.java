package dev.smtpprobe.catalog;

import java.util.Objects;
import java.util.Optional;

/**
 * How one reply (or one client-observed failure) was understood.
 *
 * @param input the text classified, as given
 * @param code the basic reply code (or the client-observed code, such as 111)
 * @param enhancedCode the RFC 3463 code when present, for example "5.1.1"
 * @param enhancedMeaning the registry meaning of the enhanced code (or of its class and subject when unregistered)
 * @param category what kind of problem this is
 * @param entry the catalog entry for the basic code
 * @param pattern the reply-text pattern that matched; empty when the codes alone decided
 * @param confidence how sure the match is
 * @param retryable whether retrying the same thing later can help
 * @param actor who must act
 * @param remedy what to do: the pattern's remedy when one matched, else the entry's
 * @param origin whether a server sent the code, gave only an enhanced status or a log result (the basic code is then inferred from its
 *               class), or sent nothing at all (a failure the client observed: a timeout, a refused connection)
 */
public record Classification(
        String input,
        int code,
        Optional<String> enhancedCode,
        Optional<String> enhancedMeaning,
        Category category,
        CatalogEntry entry,
        Optional<PatternMatch> pattern,
        Confidence confidence,
        boolean retryable,
        Actor actor,
        String remedy,
        Origin origin) {

    /** Where the code came from: what a report must say before it shows a number beside a server's replies. */
    public enum Origin {
        /** A server sent this reply, basic code included. */
        REPLY,
        /**
         * No basic code was sent, only an RFC 3463 enhanced status ("5.2.2 ... Mailbox full", Postfix's dsn=5.4.4) or a mail
         * log's result word (Exim's "**", status=bounced): the basic code is
         * the generic one of that class (450 or 550), inferred, not sent.
         */
        INFERRED,
        /** No server reply at all: a client (the probe, or the MTA that wrote a log line) observed the failure itself. */
        OBSERVED
    }

    public enum Confidence {
        /** A specific text pattern matched, or the enhanced code is decisive. */
        HIGH,
        /** The enhanced code or basic code is suggestive but not specific. */
        MEDIUM,
        /** Only the first digit told us anything. */
        LOW
    }

    public Classification {
        Objects.requireNonNull(input);
        Objects.requireNonNull(enhancedCode);
        Objects.requireNonNull(enhancedMeaning);
        Objects.requireNonNull(category);
        Objects.requireNonNull(entry);
        Objects.requireNonNull(pattern);
        Objects.requireNonNull(confidence);
        Objects.requireNonNull(actor);
        Objects.requireNonNull(remedy);
        Objects.requireNonNull(origin);
    }

    /** A server reply's classification (the usual case). */
    public Classification(String input, int code, Optional<String> enhancedCode, Optional<String> enhancedMeaning,
            Category category, CatalogEntry entry, Optional<PatternMatch> pattern, Confidence confidence,
            boolean retryable, Actor actor, String remedy) {
        this(input, code, enhancedCode, enhancedMeaning, category, entry, pattern, confidence, retryable, actor,
                remedy, Origin.REPLY);
    }

    /** True when a server sent this very basic code; false when it was inferred or the client observed the failure. */
    public boolean codeSentByServer() {
        return origin == Origin.REPLY;
    }

    public String title() {
        return pattern.map(PatternMatch::title).orElse(entry.title());
    }
}
