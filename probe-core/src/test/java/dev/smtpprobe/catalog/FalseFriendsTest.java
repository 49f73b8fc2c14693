package dev.smtpprobe.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Words that name one problem in one MTA's dialect and another problem elsewhere. Each row is a reply whose
 * obvious keyword would mislead, with the category a mail admin would act on.
 */
class FalseFriendsTest {

    private final ReplyClassifier classifier = ReplyClassifier.standard();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # 'busy' is shedding load, not an internal failure
            421 4.7.0 mx.example.com Service busy, closing transmission channel | server-error   | general-server-busy
            421 4.3.2 Server too busy, try again later                          | server-error   | general-server-busy
            # 'never relays' is a relay refusal, whatever the 550 says by default
            550 5.7.1 <bob@example.org>... this server never relays             | relay-denied   | general-relay-denied
            # Domino: 'not listed in ... Address Book' is an unknown recipient, not a blocklist listing
            550 5.1.1 User not listed in public Name & Address Book             | recipient-unknown | general-recipient-unknown
            # 'exceeds the maximum number of recipients' is a limit, not a size
            452 4.5.3 Message exceeds the maximum number of recipients allowed  | rate-limited   | general-rate-limited
            # Postfix's 'TLS not available due to local problem' is the receiver's broken TLS, not a missing feature
            454 4.7.0 TLS not available due to local problem                    | tls-failure    | postfix-tls-local-problem
            # 'disabled' at AUTH is the login account, not a mailbox
            535 5.7.13 User account disabled                                    | auth-failed    | auth-account-disabled
            # a server that answers 'Connection refused from <ip>' refuses by policy: the TCP connection worked
            554 mx.example.com Connection refused from 192.0.2.1. See http://csi.cloudmark.com/reset-request/?ip=192.0.2.1 | blocklisted | general-blocklisted
            # 'your account ... suspended' is the sender's own account, not a disabled recipient mailbox
            550 5.7.1 Your account has been suspended for sending spam         | policy-rejected | general-own-account-suspended
            550 5.2.1 Mailbox disabled, account closed                         | mailbox-disabled | general-mailbox-disabled
            # reverse DNS is its own problem, not an SPF/DKIM/DMARC verdict
            550 5.7.25 The sending IP does not match the IP address of the hostname specified in the pointer (PTR) record | reverse-dns | postfix-client-no-ptr
            550 5.7.1 Your hostname looks generic (dynamic); use your ISP's relay  | reverse-dns | postfix-client-no-ptr
            501 5.7.1 <sender@example.com>... Sender IP must resolve           | reverse-dns    | postfix-client-no-ptr
            550 5.7.1 SPF check failed for example.com: 192.0.2.1 is not a permitted sender | sender-unauthenticated | general-sender-unauthenticated
            # Sendmail: relaying denied whose detail is the failed PTR lookup stays a relay refusal
            550 5.7.1 <bob@example.com>... Relaying denied. IP name lookup failed [192.0.2.1] | relay-denied | general-relay-denied
            """)
    void theWordsThatMisleadDoNotDecide(String reply, String category, String pattern) {
        Classification c = classifier.classify(reply);

        assertThat(c.category().id()).as("category of %s", reply).isEqualTo(category);
        assertThat(c.pattern()).map(PatternMatch::id).as("pattern of %s", reply).contains(pattern);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            421 4.7.0 mx.example.com Service busy, closing transmission channel | Receiving server is busy or overloaded
            """)
    void aBusyServerIsNotCalledBroken(String reply, String title) {
        Classification c = classifier.classify(reply);

        assertThat(c.title()).isEqualTo(title);
        assertThat(c.remedy()).doesNotContain("failed internally");
    }
}
