package dev.smtpprobe.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Code-only and vague replies: no text rule understands them, so the enhanced-code table and the basic codes'
 * default categories decide. Each row pins a decision of the fallback review (enhanced-status-codes.tsv
 * comments and catalog-entries.json explanations give the reasons), one or more per category.
 */
class FallbackReviewTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # Basic codes alone: the default category by real-world frequency.
            550                         | recipient-unknown
            550 Requested action not taken | recipient-unknown
            551                         | recipient-unknown
            553                         | recipient-unknown
            552                         | message-too-large
            554                         | policy-rejected
            554 Transaction failed      | policy-rejected
            421                         | server-error
            450                         | greylisted
            450 Requested mail action not taken | greylisted
            451                         | server-error
            452                         | server-error
            454                         | tls-failure
            500                         | syntax-error
            501                         | syntax-error
            502                         | not-implemented
            503                         | protocol-error
            504                         | not-implemented
            521                         | no-mail-service
            530                         | auth-required
            535                         | auth-failed
            556                         | no-mail-service
            # Decisive enhanced codes: their registered meaning, which no large provider contradicts.
            550 5.1.1                   | recipient-unknown
            550 5.1.2                   | domain-not-found
            553 5.1.3                   | recipient-unknown
            553 5.1.7                   | sender-rejected
            550 5.1.8                   | sender-rejected
            550 5.2.1                   | mailbox-disabled
            452 4.2.2                   | mailbox-full
            552 5.2.2                   | mailbox-full
            552 5.2.3                   | message-too-large
            451 4.3.0                   | server-error
            452 4.3.1                   | server-error
            421 4.3.2                   | server-error
            552 5.3.4                   | message-too-large
            451 4.4.1                   | timeout
            421 4.4.2                   | connection-lost
            451 4.4.3                   | dns-failure
            550 5.4.4                   | domain-not-found
            554 5.4.6                   | server-error
            501 5.5.2                   | syntax-error
            452 4.5.3                   | rate-limited
            501 5.5.4                   | syntax-error
            554 5.6.3                   | not-implemented
            504 5.7.4                   | not-implemented
            535 5.7.8                   | auth-failed
            534 5.7.9                   | auth-failed
            530 5.7.11                  | encryption-required
            550 5.7.23                  | sender-unauthenticated
            550 5.7.25                  | reverse-dns
            550 5.7.26                  | sender-unauthenticated
            # Codes that providers re-use with another meaning: vague, read by their common meaning.
            550 5.1.10                  | recipient-unknown
            556 5.1.10                  | no-mail-service
            450 4.2.1                   | rate-limited
            550 5.3.0                   | server-error
            553 5.3.0                   | recipient-unknown
            550 5.4.1                   | recipient-unknown
            530 5.5.1                   | auth-required
            503 5.5.1                   | protocol-error
            550 5.5.1                   | protocol-error
            554 5.7.5                   | sender-unauthenticated
            523 5.7.10                  | encryption-required
            550 5.7.12                  | policy-rejected
            432 4.7.12                  | auth-failed
            534 5.7.14                  | auth-failed
            550 5.7.27                  | sender-unauthenticated
            421 4.7.28                  | rate-limited
            550 5.7.28                  | policy-rejected
            550 5.7.29                  | encryption-required
            550 5.7.30                  | sender-unauthenticated
            # Vague details: the subject, or the basic code when that is specific.
            554 5.7.1                   | policy-rejected
            550 5.7.1 Unable to deliver | policy-rejected
            451 4.7.1                   | policy-rejected
            421 4.7.0                   | policy-rejected
            530 5.7.0                   | auth-required
            454 4.7.0                   | tls-failure
            550 5.0.0                   | recipient-unknown
            451 4.0.0                   | server-error
            450 4.2.0                   | greylisted
            421 4.4.5                   | server-error
            550 5.6.0                   | protocol-error
            550 5.1.99                  | recipient-unknown
            """)
    void vagueReplyLandsWhereTheReviewDecided(String reply, String category) {
        Classification c = ReplyClassifier.standard().classify(reply);
        assertThat(c.category().id()).as("%s (pattern %s)", reply, c.pattern().map(PatternMatch::id).orElse("none"))
                .isEqualTo(category);
        assertThat(c.remedy()).isNotBlank();
    }
}
