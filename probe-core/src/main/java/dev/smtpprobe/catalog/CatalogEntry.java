package dev.smtpprobe.catalog;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One reply code explained in our own words.
 *
 * @param code the three-digit code (client-observed entries use the codes the seed list gives them, such as 101 and 111)
 * @param replyClass positive, intermediate, transient, permanent, or client-observed
 * @param title a short name
 * @param explanation what it means
 * @param likelyCauses why it usually happens
 * @param remedy what to do about it
 * @param actor who must act
 * @param retryable whether retrying can help
 * @param category the default category when neither text nor enhanced code says more
 * @param standard the standard that defines it (for example "RFC 5321 section 4.2.3"), or "none" for vendor codes
 * @param alternativeReading how some vendors or lists read the code when it departs from the standard; empty when not
 */
public record CatalogEntry(
        int code,
        ReplyClass replyClass,
        String title,
        String explanation,
        List<String> likelyCauses,
        String remedy,
        Actor actor,
        boolean retryable,
        Category category,
        String standard,
        Optional<String> alternativeReading) {

    public CatalogEntry {
        Objects.requireNonNull(replyClass);
        Objects.requireNonNull(title);
        Objects.requireNonNull(explanation);
        likelyCauses = List.copyOf(likelyCauses);
        Objects.requireNonNull(remedy);
        Objects.requireNonNull(actor);
        Objects.requireNonNull(category);
        Objects.requireNonNull(standard);
        Objects.requireNonNull(alternativeReading);
    }

    public boolean clientObserved() {
        return replyClass == ReplyClass.CLIENT_OBSERVED;
    }
}
