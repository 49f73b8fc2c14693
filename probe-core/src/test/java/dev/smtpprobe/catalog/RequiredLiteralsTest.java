package dev.smtpprobe.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The literal prefilter of the reply rules may only ever skip a regex that would not have matched: checked on
 * hand-made patterns, and for every rule of the catalog against every real reply of real-world-replies.tsv.
 */
class RequiredLiteralsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "mailbox full;mailbox full",
            "over quota|quota exceeded;over quota,quota exceeded",
            "colou?r is;colo",
            "5\\.7\\.1 .*blocked using;5.7.1 ,blocked using",
            "\\bRP-00[1-3]\\b;rp-00",
            "(?:spamhaus|spamcop) listed;' listed'",
            "greylist(?:ed|ing);greylist",
            "user unknown+s;user unknown",
            "ab{2}cdef;cdef",
            "(?i)Relay Access Denied;relay access denied"})
    void literalsOfHandMadePatterns(String regex, String expected) {
        List<String> literals = RequiredLiterals.of(regex).orElseThrow();
        assertThat(longestOf(literals, expected)).isTrue();
    }

    /** The test above names one literal per alternative; "5.7.1 .*blocked" keeps the longer of the two runs. */
    private static boolean longestOf(List<String> literals, String expected) {
        String[] wanted = expected.split(",");
        if (literals.size() == wanted.length) {
            for (int i = 0; i < wanted.length; i++) {
                if (!literals.get(i).equals(wanted[i])) {
                    return false;
                }
            }
            return true;
        }
        return literals.size() == 1 && List.of(wanted).contains(literals.get(0));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"\\d+ ok?", "a|b.*c", "(?x) mailbox full", "\\Qmailbox\\E", "x[ab]y", "[a-z]+@"})
    void patternsWithoutASafeLiteralAlwaysRun(String regex) {
        assertThat(RequiredLiterals.of(regex)).isEmpty();
    }

    @Test
    void noRuleIsEverSkippedForAReplyItsRegexMatches() throws IOException {
        StandardReplyClassifier classifier = StandardReplyClassifier.loadFromClasspath();
        List<String> replies = realWorldReplies();
        assertThat(replies).hasSizeGreaterThan(1000);
        int withLiterals = 0;
        long skipped = 0;
        for (ReplyRule rule : classifier.rules()) {
            if (rule.literals().isPresent()) {
                withLiterals++;
            }
            for (String reply : replies) {
                String lower = reply.toLowerCase(Locale.ROOT);
                boolean regex = rule.regex().matcher(reply).find();
                boolean filtered = rule.literals().map(l -> l.stream().anyMatch(lower::contains)).orElse(true);
                if (regex) {
                    assertThat(filtered).as("rule %s skipped for a reply its regex matches: %s", rule.id(), reply)
                            .isTrue();
                }
                if (!filtered) {
                    skipped++;
                }
            }
        }
        // Most rules get a literal, and the literals rule out most (rule, reply) pairs: the point of it.
        assertThat(withLiterals).isGreaterThan(classifier.rules().size() / 2);
        assertThat(skipped).isGreaterThan((long) classifier.rules().size() * replies.size() / 2);
    }

    private static List<String> realWorldReplies() throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                RequiredLiteralsTest.class.getResourceAsStream("/dev/smtpprobe/catalog/real-world-replies.tsv")),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String reply = line.split("\t")[0].replace("\\n", "\n");
                    out.add(reply);
                    out.add(reply.toUpperCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    @Test
    void theClassifierGivesTheSameAnswersWithThePrefilter() throws IOException {
        StandardReplyClassifier classifier = StandardReplyClassifier.loadFromClasspath();
        for (String reply : realWorldReplies()) {
            Optional<ReplyTextParser.Found> found = ReplyTextParser.find(reply);
            if (found.isEmpty() || found.get().code() < 400) {
                continue;
            }
            String haystack = found.get().code() + " " + found.get().text();
            String lower = haystack.toLowerCase(Locale.ROOT);
            for (ReplyRule rule : classifier.rules()) {
                assertThat(rule.matches(found.get().code(), haystack, lower))
                        .as("rule %s on %s", rule.id(), reply)
                        .isEqualTo(rule.appliesTo(found.get().code()) && rule.regex().matcher(haystack).find());
            }
        }
    }
}
