package dev.smtpprobe.catalog;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One compiled reply-text rule from reply-patterns.txt.
 *
 * @param tier SPECIFIC rules (a provider's or MTA's own text) run first, GENERAL keyword rules next, then
 *             decisive enhanced codes, then WEAK rules (vague words such as "try again later")
 * @param codes the basic codes or classes ("4xx") the rule applies to; empty means any 4yz/5yz reply
 */
record ReplyRule(
        String id,
        Tier tier,
        Category category,
        Pattern regex,
        Set<String> codes,
        String title,
        String remedy,
        Optional<Actor> actor,
        Optional<Boolean> retryable,
        String source,
        String reference) {

    enum Tier { SPECIFIC, GENERAL, WEAK }

    boolean appliesTo(int code) {
        if (codes.isEmpty()) {
            return true;
        }
        return codes.contains(Integer.toString(code)) || codes.contains((code / 100) + "xx");
    }

    boolean matches(int code, String text) {
        return appliesTo(code) && regex.matcher(text).find();
    }

    PatternMatch toMatch() {
        return new PatternMatch(id, title, source, reference);
    }
}
