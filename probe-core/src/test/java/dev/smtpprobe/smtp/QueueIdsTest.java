package dev.smtpprobe.smtp;

import dev.smtpprobe.model.SmtpReply;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueueIdsTest {

    @Test
    void knownShapes() {
        assertThat(QueueIds.parse(SmtpReply.of(250, "2.0.0 Ok: queued as 4Xb1Zt0Q2Fz9"))).contains("4Xb1Zt0Q2Fz9");
        assertThat(QueueIds.parse(SmtpReply.of(250, "OK id=1qRYxa-0005Ha-2L"))).contains("1qRYxa-0005Ha-2L");
        assertThat(QueueIds.parse(SmtpReply.of(250, "2.0.0 OK  1700000000 abc.123 - gsmtp"))).contains("abc.123");
        assertThat(QueueIds.parse(SmtpReply.of(250, "2.0.0 3AB12cDe012345 Message accepted for delivery")))
                .contains("3AB12cDe012345");
        assertThat(QueueIds.parse(SmtpReply.of(250,
                "2.6.0 <x@y> [InternalId=1234567, Hostname=AB1PR01] Queued mail for delivery"))).contains("1234567");
    }

    @Test
    void nothingPlausible() {
        assertThat(QueueIds.parse(SmtpReply.of(250, "2.0.0 Ok"))).isEmpty();
        assertThat(QueueIds.parse(SmtpReply.of(554, "5.7.1 queued as NOTHING"))).isEmpty();
    }
}
