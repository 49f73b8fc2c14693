package dev.smtpprobe.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.EnhancedStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplyTextParserTest {

    private static ReplyTextParser.Found find(String text) {
        return ReplyTextParser.find(text).orElseThrow(() -> new AssertionError("no reply in: " + text));
    }

    @Test
    void plainReply() {
        ReplyTextParser.Found f = find("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown");
        assertThat(f.code()).isEqualTo(550);
        assertThat(f.enhanced()).map(EnhancedStatus::toString).contains("5.1.1");
        assertThat(f.text()).startsWith("5.1.1 <bob@example.com>");
    }

    @Test
    void multiLineReplyTakesTheLastLinesCodeAndJoinsTheText() {
        ReplyTextParser.Found f = find("550-5.7.26 This mail has been blocked\r\n550-5.7.26 because the sender\n"
                + "550 5.7.26 is unauthenticated. - gsmtp");
        assertThat(f.code()).isEqualTo(550);
        assertThat(f.enhanced()).map(EnhancedStatus::toString).contains("5.7.26");
        assertThat(f.text()).contains("blocked").contains("because the sender").contains("unauthenticated");
    }

    @Test
    void bareCodeIsAReply() {
        assertThat(find("250").code()).isEqualTo(250);
        assertThat(find("250").enhanced()).isEmpty();
    }

    @Test
    void postfixLogLineSaid() {
        ReplyTextParser.Found f = find("Nov 30 05:37:07 mx postfix/smtp[123]: 1A2B3C: to=<bob@example.com>,"
                + " relay=mx.example.com[192.0.2.25]:25, delay=1.2, dsn=5.1.1, status=bounced (host"
                + " mx.example.com[192.0.2.25] said: 550 5.1.1 <bob@example.com>: User unknown (in reply to RCPT"
                + " TO command))");
        assertThat(f.code()).isEqualTo(550);
        assertThat(f.enhanced()).map(EnhancedStatus::toString).contains("5.1.1");
        assertThat(f.text()).startsWith("5.1.1 <bob@example.com>: User unknown");
    }

    @Test
    void eximLogLineWithoutSaid() {
        ReplyTextParser.Found f = find("2024-01-02 10:11:12 1abcDE-000123-AB ** bob@example.com R=dnslookup"
                + " T=remote_smtp H=mx.example.com [192.0.2.25]: SMTP error from remote mail server after RCPT"
                + " TO:<bob@example.com>: 550 Unrouteable address");
        assertThat(f.code()).isEqualTo(550);
        assertThat(f.text()).isEqualTo("Unrouteable address");
    }

    @Test
    void exchangeStyleQuotedReply() {
        ReplyTextParser.Found f = find("Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'");
        assertThat(f.code()).isEqualTo(550);
        assertThat(f.enhanced()).map(EnhancedStatus::toString).contains("5.1.1");
    }

    @Test
    void enhancedCodeLaterInTheTextIsFoundWhenItsClassMatches() {
        ReplyTextParser.Found f = find("554 Message rejected (5.7.1) by policy");
        assertThat(f.enhanced()).map(EnhancedStatus::toString).contains("5.7.1");
        // An IPv4 address is not an enhanced code.
        assertThat(find("421 Messages from 4.16.55.1 deferred").enhanced()).isEmpty();
    }

    @Test
    void numbersThatAreNotReplyCodesAreIgnored() {
        assertThat(ReplyTextParser.find("connected to 192.0.2.250 port 25 at 2024-01-02")).isEmpty();
        assertThat(ReplyTextParser.find("hello world")).isEmpty();
        assertThat(ReplyTextParser.find("")).isEmpty();
        assertThat(ReplyTextParser.find(null)).isEmpty();
        assertThat(ReplyTextParser.find("5.1.1 only an enhanced code")).isEqualTo(Optional.empty());
    }

    @Test
    void exchangeNdrHashPrefixedCode() {
        ReplyTextParser.Found f = find("siteprotect.com #550 5.7.1 <a@example.com>: Recipient address rejected: "
                + "Invalid recipient ##");
        assertThat(f.code()).isEqualTo(550);
        assertThat(f.enhanced()).map(EnhancedStatus::toString).contains("5.7.1");
    }

    @Test
    void pythonSmtplibTuple() {
        ReplyTextParser.Found f = find("smtplib.SMTPAuthenticationError: (535, b'5.7.8 Username and Password not "
                + "accepted.')");
        assertThat(f.code()).isEqualTo(535);
        assertThat(f.enhanced()).map(EnhancedStatus::toString).contains("5.7.8");
        assertThat(f.text()).startsWith("5.7.8 Username");
    }
}
