package dev.smtpprobe.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.catalog.Classification.Origin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Text that carries no basic reply code: Sendmail-style DSN lines with only an enhanced status, and mail-log lines
 * whose MTA observed the failure itself. Each must get a category and say where its code came from.
 */
class WithoutReplyCodeTest {

    private final ReplyClassifier classifier = ReplyClassifier.standard();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            5.2.2 <bob@example.org>... Mailbox Full                      | mailbox-full      | 550
            5.1.1 <bob@example.org>... User Unknown                      | recipient-unknown | 550
            4.2.2 <bob@example.org>... Mailbox full, try later           | mailbox-full      | 450
            5.7.1 <bob@example.org>... Relaying denied                   | relay-denied      | 550
            Diagnostic-Code: smtp; 5.1.1 <bob@example.org>... User unknown | recipient-unknown | 550
            """)
    void anEnhancedStatusAloneIsReadByItsClassAndSaysTheBasicCodeIsInferred(String text, String category, int code) {
        Classification c = classifier.classify(text);

        assertThat(c.category().id()).isEqualTo(category);
        assertThat(c.code()).isEqualTo(code);
        assertThat(c.origin()).isEqualTo(Origin.INFERRED);
        assertThat(c.codeSentByServer()).isFalse();
        assertThat(c.entry().explanation()).contains("no basic reply code").contains("which no server sent");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Nov  3 18:11:25 mail postfix/smtp[1449]: AA16BBDD: to=<root@mail.example.com>, relay=none, delay=30, delays=0.01/0.01/30/0, dsn=4.4.1, status=deferred (connect to mail.example.com[192.0.2.123]:25: Connection timed out) | timeout
            Apr 11 19:41:56 mx postfix/lmtp[238]: 87F043F2BE: to=<info@example.de>, relay=none, delay=2370, dsn=4.4.1, status=deferred (connect to 172.20.0.6[172.20.0.6]:2525: Connection refused) | connection-failed
            Jan 25 18:40:57 mx postfix/smtp[99]: 14130238EB: to=<email@example.com_>, relay=none, delay=0.1, dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=example.com_ type=AAAA: Host not found) | domain-not-found
            Jan 25 18:40:57 mx postfix/smtp[99]: 14130238EC: to=<bob@example.net>, relay=none, delay=0.1, dsn=4.4.3, status=deferred (Host or domain name not found. Name service error for name=example.net type=MX: Host not found, try again) | dns-failure
            2023-03-24 10:02:24 1pfdJV-004eVE-9X == zeus@example.dev R=dnslookup T=remote_smtp defer (113): No route to host H=mail.example.dev [192.0.2.93] | connection-failed
            2017-12-23 10:00:00 1eSVjc-0000GA-8b == bob@example.org R=dnslookup T=remote_smtp defer (110): Connection timed out | timeout
            Sorry, I couldn't find any host named example.invalid. (#5.1.2) | domain-not-found
            Oct 17 09:43:13 mx sendmail[123]: x9H7hD: to=<bob@example.org>, delay=00:00:01, mailer=esmtp, pri=120, relay=mx.example.org., dsn=4.0.0, stat=Deferred: Connection refused by mx.example.org. | connection-failed
            """)
    void aFailureTheMtaObservedItselfIsReadAsObservedNotAsAReply(String line, String category) {
        Classification c = classifier.classify(line);

        assertThat(c.category().id()).isEqualTo(category);
        assertThat(c.origin()).isEqualTo(Origin.OBSERVED);
        assertThat(c.codeSentByServer()).isFalse();
    }

    @Test
    void aLogResultWordGivesTheClassWhenNothingElseDoes() {
        Classification c = classifier.classify(
                "2024-01-02 10:00:00 1rKxyz-000abc-Qp ** bob@example.org R=dnslookup: Unrouteable address");

        assertThat(c.category()).isEqualTo(Category.RECIPIENT_UNKNOWN);
        assertThat(c.code()).isEqualTo(550);
        assertThat(c.origin()).isEqualTo(Origin.INFERRED);
    }

    @Test
    void aServerReplyInALogLineStaysAServerReply() {
        Classification c = classifier.classify("Mar 23 11:23:31 mx postfix/smtp[143]: BB48359B: to=<bob@example.com>,"
                + " relay=mx.example.com[192.0.2.1]:25, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said:"
                + " 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command))");

        assertThat(c.category()).isEqualTo(Category.RECIPIENT_UNKNOWN);
        assertThat(c.origin()).isEqualTo(Origin.REPLY);
        assertThat(c.codeSentByServer()).isTrue();
    }
}
