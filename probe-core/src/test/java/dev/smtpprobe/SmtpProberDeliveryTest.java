package dev.smtpprobe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.GreenMailSmtp;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.model.Credential;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.TlsMode;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real SMTP server (GreenMail) really receives what the engine sends, dot-stuffing undone. */
class SmtpProberDeliveryTest {

    @TempDir
    Path tmp;

    @Test
    void messageIsDeliveredOverImplicitTlsWithAuth() throws Exception {
        TestCertificates.Authority ca = TestCertificates.newAuthority("delivery CA");
        try (GreenMailSmtp mail = new GreenMailSmtp(ca.issue("localhost", "127.0.0.1"));
             SmtpProber prober = SmtpProber.builder().build()) {
            mail.addUser("bob@example.test", "bob", "bob-pw").start();
            SessionResult r = prober.session(SessionRequest.builder("localhost", mail.smtpsAddress())
                    .tlsMode(TlsMode.IMPLICIT)
                    .caFile(ca.writePem(tmp.resolve("ca.pem")))
                    .credential(new Credential.Password("bob", "bob-pw"))
                    .mailFrom("probe@probe.test")
                    .recipients(List.of("bob@example.test"))
                    .message("Subject: smtp-probe delivery\r\nFrom: probe@probe.test\r\n\r\n.dot line\r\nbody\r\n")
                    .timeouts(SessionTestSupport.FAST)
                    .build()).get(20, TimeUnit.SECONDS);

            assertThat(r.failure()).as("%s", r.transcript()).isEmpty();
            assertThat(r.authenticated()).isTrue();
            assertThat(r.tls().orElseThrow().trust().trusted()).isTrue();
            MimeMessage m = mail.awaitMessages(1, Duration.ofSeconds(5)).get(0);
            assertThat(m.getSubject()).isEqualTo("smtp-probe delivery");
            assertThat(String.valueOf(m.getContent())).contains(".dot line").doesNotContain("..dot");
        }
    }

    @Test
    void plainSessionWithoutMessageDeliversNothing() throws Exception {
        try (GreenMailSmtp mail = new GreenMailSmtp(); SmtpProber prober = SmtpProber.builder().build()) {
            mail.start();
            SessionResult r = prober.session(SessionRequest.builder("localhost", mail.smtpAddress())
                    .startTls(StartTlsPolicy.NEVER)
                    .recipients(List.of("bob@example.test"))
                    .timeouts(SessionTestSupport.FAST)
                    .build()).get(20, TimeUnit.SECONDS);
            assertThat(r.failure()).isEmpty();
            assertThat(r.politeEnd()).isTrue();
            assertThat(mail.receivedMessages()).isEmpty();
        }
    }
}
