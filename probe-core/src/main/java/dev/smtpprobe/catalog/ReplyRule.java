package dev.smtpprobe.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One compiled reply-text rule from reply-patterns.txt.
 *
 * @param tier SPECIFIC rules (a provider's or MTA's own text) run first, GENERAL keyword rules next, then
 *             decisive enhanced codes, then WEAK rules (vague words such as "try again later")
 * @param codes the basic codes or classes ("4xx") the rule applies to; empty means any 4yz/5yz reply
 * @param literals lower-cased text of which every match contains at least one ({@link RequiredLiterals}); empty
 *                 when the pattern gives none, and the regex always runs
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
        String reference,
        Optional<List<String>> literals) {

    enum Tier { SPECIFIC, GENERAL, WEAK }

    boolean appliesTo(int code) {
        if (codes.isEmpty()) {
            return true;
        }
        return codes.contains(Integer.toString(code)) || codes.contains((code / 100) + "xx");
    }

    boolean matches(int code, String text) {
        return matches(code, text, text.toLowerCase(Locale.ROOT));
    }

    /** As {@link #matches(int, String)}, with the text lower-cased once by the caller for every rule. */
    boolean matches(int code, String text, String lowerCaseText) {
        return appliesTo(code) && mayMatch(lowerCaseText) && regex.matcher(text).find();
    }

    private boolean mayMatch(String lowerCaseText) {
        if (literals.isEmpty()) {
            return true;
        }
        for (String literal : literals.get()) {
            if (lowerCaseText.contains(literal)) {
                return true;
            }
        }
        return false;
    }

    PatternMatch toMatch() {
        return new PatternMatch(id, title, source, reference);
    }
}
