package dev.smtpprobe.catalog;

import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.ProbeStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.smtpprobe.catalog.Classification.Confidence;
import dev.smtpprobe.model.SmtpReply;
import org.junit.jupiter.api.Test;

class ReplyClassifierPrecedenceTest {

    private final ReplyClassifier classifier = ReplyClassifier.standard();

    @Test
    void standardIsLoadedOnceAndShared() {
        assertThat(ReplyClassifier.standard()).isSameAs(classifier).isNotNull();
    }

    @Test
    void aFailureIsNeverOkEvenWhenItsEnhancedCodeReadsAsSuccess() {
        for (String reply : new String[] {"550 5.1.5 zzqx", "451 4.1.5 zzqx", "554 2.0.0 zzqx", "599 5.1.5"}) {
            Classification c = classifier.classify(reply);
            assertThat(c.category()).as(reply).isNotEqualTo(Category.OK);
        }
    }

    @Test
    void aSpamVerdictThatAdvisesCheckingReverseDnsIsStillASpamVerdict() {
        assertThat(classifier.classify("554 5.7.1 Your message failed our antispam checks; make sure your reverse DNS is correct")
                .category()).isEqualTo(Category.POLICY_REJECTED);
        assertThat(classifier.classify("550 5.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]")
                .category()).isEqualTo(Category.REVERSE_DNS);
    }

    @Test
    void blocklistMentionBeatsGenericPolicyWords() {
        Classification c = classifier.classify(
                "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; policy");
        assertThat(c.category()).isEqualTo(Category.BLOCKLISTED);
        assertThat(c.pattern()).map(PatternMatch::id).contains("general-blocklisted");
    }

    @Test
    void aSpamFilterVerdictBeatsTheAuthenticationSettingsItAdvisesChecking() {
        // The filter's verdict is the reason; SPF/PTR named as things to check is advice, not an SPF failure.
        Classification c = classifier.classify("550 5.7.1 Message failed our anti-spam checks; "
                + "make sure your SPF record and HELO name are correct");
        assertThat(c.category()).isEqualTo(Category.POLICY_REJECTED);
        // Without a verdict, the authentication words still decide.
        assertThat(classifier.classify("550 5.7.1 SPF check failed for example.com").category())
                .isEqualTo(Category.SENDER_UNAUTHENTICATED);
    }

    @Test
    void aListOfSpamSourcesIsABlocklist() {
        assertThat(classifier.classify("554 Your server is on our spamlist").category())
                .isEqualTo(Category.BLOCKLISTED);
        assertThat(classifier.classify("550 Message rejected as spam").category())
                .isEqualTo(Category.POLICY_REJECTED);
    }

    @Test
    void aLoggedRefusalOfMailFromIsAboutTheSender() {
        // The same words answer RCPT TO (recipient unknown) or MAIL FROM (the sender's address is refused).
        assertThat(classifier.classify("SMTP error from remote mail server after RCPT TO:<a@example.com>: "
                + "host mx.example.com [192.0.2.1]: 553 <a@example.com> unable to verify address").category())
                .isEqualTo(Category.RECIPIENT_UNKNOWN);
        assertThat(classifier.classify("SMTP error from remote mail server after MAIL FROM:<a@example.com>: "
                + "host mx.example.com [192.0.2.1]: 553 <a@example.com> unable to verify address").category())
                .isEqualTo(Category.SENDER_REJECTED);
        assertThat(classifier.classify("host mx.example.com[192.0.2.1] said: 553 sorry, your domain does not exist"
                + " (in reply to MAIL FROM command)").category()).isEqualTo(Category.SENDER_REJECTED);
    }

    @Test
    void aSessionLevelDeferralIsThrottlingNotGreylisting() {
        assertThat(classifier.classify("421 Message temporarily deferred - 4.16.50").category())
                .isEqualTo(Category.RATE_LIMITED);
        assertThat(classifier.classify("451 Message temporarily deferred, try again later").category())
                .isEqualTo(Category.GREYLISTED);
    }

    @Test
    void decisiveEnhancedCodeBeatsVagueText() {
        Classification c = classifier.classify("550 5.1.1 Rejected, policy says no");
        assertThat(c.category()).isEqualTo(Category.RECIPIENT_UNKNOWN);
        assertThat(c.pattern()).isEmpty();
        assertThat(c.confidence()).isEqualTo(Confidence.HIGH);
    }

    @Test
    void specificTextBeatsReusedEnhancedCode() {
        // Microsoft re-uses 5.1.10 (IANA: recipient domain has null MX) for an unknown recipient.
        Classification c = classifier.classify(
                "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup");
        assertThat(c.category()).isEqualTo(Category.RECIPIENT_UNKNOWN);
        assertThat(c.enhancedMeaning()).hasValueSatisfying(m -> assertThat(m).contains("null MX"));
    }

    @Test
    void generalTextBeatsDecisiveEnhancedCodeButLowersConfidenceOnConflict() {
        // 4.2.2 is decisive for a full mailbox, but the text names a sending quota, which is a rate limit.
        Classification c = classifier.classify("452 4.2.2 Submission quota exceeded, try again later");
        assertThat(c.category()).isEqualTo(Category.RATE_LIMITED);
        assertThat(c.confidence()).isEqualTo(Confidence.MEDIUM);
    }

    @Test
    void reusedEnhancedCodeIsVagueSoTextDecidesWithFullConfidence() {
        // Gmail's 5.7.27 means "SPF did not pass"; IANA's 5.7.27 is a sender domain with a null MX. The review
        // made it vague, so the text decides without a conflict.
        Classification c = classifier.classify("550 5.7.27 The sender's SPF record did not pass - gsmtp");
        assertThat(c.category()).isEqualTo(Category.SENDER_UNAUTHENTICATED);
        assertThat(c.confidence()).isEqualTo(Confidence.HIGH);
    }

    @Test
    void senderRejectionBeatsTheUserUnknownItQuotes() {
        Classification c = classifier.classify("450 4.1.7 <a@example.org>: Sender address rejected: undeliverable"
                + " address: host mx.example.org said: 550 5.1.1 User unknown");
        assertThat(c.category()).isEqualTo(Category.SENDER_REJECTED);
    }

    @Test
    void vagueEnhancedCodeDecidesOnlyWhenNoTextRuleMatched() {
        assertThat(classifier.classify("550 5.7.1 Go away").category()).isEqualTo(Category.POLICY_REJECTED);
        assertThat(classifier.classify("550 5.7.1 Go away").confidence()).isEqualTo(Confidence.MEDIUM);
    }

    @Test
    void basicCodeIsTheLastResort() {
        Classification c = classifier.classify("552 Nope");
        assertThat(c.category()).isEqualTo(Category.MESSAGE_TOO_LARGE);
        assertThat(c.confidence()).isEqualTo(Confidence.LOW);
        assertThat(c.entry().code()).isEqualTo(552);
    }

    @Test
    void tryLaterOnATransientReplyReadsAsGreylistingOnlyWhenNothingElseSpoke() {
        assertThat(classifier.classify("451 Please try again later").category()).isEqualTo(Category.GREYLISTED);
        assertThat(classifier.classify("452 4.2.2 Mailbox full, try again later").category())
                .isEqualTo(Category.MAILBOX_FULL);
        assertThat(classifier.classify("421 Too many connections, try again later").category())
                .isEqualTo(Category.RATE_LIMITED);
    }

    @Test
    void successRepliesAreOkWhateverTheirText() {
        Classification c = classifier.classify("250 2.1.5 Ok, but the mailbox is nearly over quota");
        assertThat(c.category()).isEqualTo(Category.OK);
        assertThat(c.retryable()).isFalse();
    }

    @Test
    void unlistedCodeFallsBackToItsFirstDigit() {
        Classification c = classifier.classify("599 something odd");
        assertThat(c.category()).isEqualTo(Category.UNKNOWN);
        assertThat(c.entry().replyClass()).isEqualTo(ReplyClass.PERMANENT);
        assertThat(c.retryable()).isFalse();
        assertThat(classifier.classify("499 something odd").retryable()).isTrue();
    }

    @Test
    void retryableFollowsTheClassUnlessTheRuleSaysOtherwise() {
        assertThat(classifier.classify("450 4.2.0 Greylisted, see http://postgrey.schweikert.ch/help/x.html")
                .retryable()).isTrue();
        assertThat(classifier.classify("550 5.1.1 User unknown").retryable()).isFalse();
        assertThat(classifier.classify("535 5.7.8 Authentication failed").retryable()).isFalse();
    }

    @Test
    void smtpReplyAndTextGiveTheSameAnswer() {
        SmtpReply reply = SmtpReply.of(550, "5.7.26 This mail has been blocked because the sender is",
                "5.7.26 unauthenticated. - gsmtp");
        Classification fromReply = classifier.classify(reply);
        Classification fromText = classifier.classify(
                "550-5.7.26 This mail has been blocked because the sender is\r\n550 5.7.26 unauthenticated. - gsmtp");
        assertThat(fromReply.category()).isEqualTo(Category.SENDER_UNAUTHENTICATED).isEqualTo(fromText.category());
        assertThat(fromReply.enhancedCode()).contains("5.7.26").isEqualTo(fromText.enhancedCode());
        assertThat(fromText.code()).isEqualTo(550);
    }

    @Test
    void textWithoutAReplyCodeIsRejected() {
        assertThatThrownBy(() -> classifier.classify("hello world")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> classifier.classify("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clientObservationsMapThroughTheResourceFile() {
        assertThat(classifier.classify(ProbeStatus.CONNECTION_REFUSED, SmtpPhase.CONNECT).code()).isEqualTo(111);
        assertThat(classifier.classify(ProbeStatus.CONNECTION_REFUSED, SmtpPhase.CONNECT).category())
                .isEqualTo(Category.CONNECTION_FAILED);
        assertThat(classifier.classify(ProbeStatus.TLS_HANDSHAKE_FAILED, SmtpPhase.TLS_HANDSHAKE).code()).isEqualTo(101);
        assertThat(classifier.classify(ProbeStatus.NULL_MX, SmtpPhase.DNS_MX).category()).isEqualTo(Category.NO_MAIL_SERVICE);
        assertThat(classifier.classify(ProbeStatus.NULL_MX, SmtpPhase.DNS_MX).code()).isEqualTo(556);
        assertThat(classifier.classify(ProbeStatus.DNS_NXDOMAIN, SmtpPhase.DNS_MX).category())
                .isEqualTo(Category.DOMAIN_NOT_FOUND);
        assertThat(classifier.classify(ProbeStatus.DNS_SERVFAIL, SmtpPhase.DNS_MX).category()).isEqualTo(Category.DNS_FAILURE);
        assertThat(classifier.classify(ProbeStatus.DNS_SERVFAIL, SmtpPhase.DNS_MX).retryable()).isTrue();
        assertThat(classifier.classify(ProbeStatus.CONNECTION_CLOSED, SmtpPhase.RCPT).category())
                .isEqualTo(Category.CONNECTION_LOST);
        for (ProbeStatus s : java.util.List.of(ProbeStatus.CONNECTION_REFUSED, ProbeStatus.UNREACHABLE,
                ProbeStatus.CONNECT_TIMEOUT, ProbeStatus.TIMEOUT, ProbeStatus.DEADLINE_EXCEEDED,
                ProbeStatus.CONNECTION_CLOSED, ProbeStatus.TLS_HANDSHAKE_FAILED, ProbeStatus.DNS_NXDOMAIN,
                ProbeStatus.DNS_NO_RECORDS, ProbeStatus.DNS_SERVFAIL, ProbeStatus.DNS_TIMEOUT, ProbeStatus.NULL_MX)) {
            Classification c = classifier.classify(s, SmtpPhase.MAIL);
            assertThat(c.entry().code()).isEqualTo(c.code());
            assertThat(c.remedy()).isNotBlank();
        }
    }
    @Test
    void providerPatternBeatsTheGenericReadingOfTheSameWords() {
        // Microsoft's directory-based edge blocking says "Access denied" for an unknown recipient...
        assertThat(classifier.classify("550 5.4.1 <bob@example.com>: Recipient address rejected: Access denied."
                + " AS(201806281)").category()).isEqualTo(Category.RECIPIENT_UNKNOWN);
        // ...while Postfix's access map says the same words for a policy refusal.
        assertThat(classifier.classify("554 5.7.1 <bob@example.com>: Recipient address rejected: Access denied")
                .category()).isEqualTo(Category.POLICY_REJECTED);
    }

    @Test
    void registeredDetailWithoutACategoryDefersToASpecificBasicCode() {
        assertThat(classifier.classify("530 5.7.0 go on").category()).isEqualTo(Category.AUTH_REQUIRED);
        // With a catch-all basic code the enhanced subject (security or policy) decides.
        assertThat(classifier.classify("550 5.7.0 go on").category()).isEqualTo(Category.POLICY_REJECTED);
    }

    @Test
    void malformedRuleDataFailsLoudlyWithFileAndStanza() {
        assertThatThrownBy(() -> CatalogLoader.rules("test-bad-regex.txt"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("test-bad-regex.txt")
                .hasMessageContaining("[broken]").hasMessageContaining("bad regex");
        assertThatThrownBy(() -> CatalogLoader.rules("test-bad-category.txt"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unknown category recipient-unkown");
    }

    @Test
    void everyShippedRuleNamesItsSourceAndReference() {
        StandardReplyClassifier standard = (StandardReplyClassifier) classifier;
        assertThat(standard.rules()).hasSizeGreaterThan(50);
        assertThat(standard.rules()).allSatisfy(r -> {
            assertThat(r.source()).isNotBlank();
            assertThat(r.reference()).isNotBlank();
            assertThat(r.remedy()).isNotBlank();
        });
        assertThat(standard.rules().stream().map(ReplyRule::id).distinct().count())
                .isEqualTo(standard.rules().size());
    }

    @Test
    void aSenderAddressStatusMakesUnknownDomainWordsAboutTheSender() {
        // X.1.7/X.1.8 report on the sender's address, so "no such domain" then names the sender's domain.
        assertThat(classifier.classify("550 5.1.7 No such domain sender.example.").category())
                .isEqualTo(Category.SENDER_REJECTED);
        assertThat(classifier.classify("550 5.1.2 No such domain rcpt.example.").category())
                .isEqualTo(Category.DOMAIN_NOT_FOUND);
    }
}
