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
        String remedy) {

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
    }

    public String title() {
        return pattern.map(PatternMatch::title).orElse(entry.title());
    }
}
