package dev.smtpprobe.catalog;

/**
 * A reply-text pattern that matched.
 *
 * @param id stable pattern id, for example "gmail-5.7.26-unauthenticated"
 * @param title a short name for what the pattern recognises
 * @param source who uses this text (Postfix, Gmail, Spamhaus...)
 * @param reference where the provider or MTA documents it (a URL or a source file)
 */
public record PatternMatch(String id, String title, String source, String reference) {
}
