package dev.smtpprobe.probe;

import dev.smtpprobe.model.Credential;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.Timeouts;
import dev.smtpprobe.model.TlsMode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProbeRequestTest {
    private static ProbeTarget domain() {
        return new ProbeTarget("example.test", ProbeTarget.Kind.DOMAIN, "example.test", "example.test", Optional.empty(), 2525);
    }

    @Test
    void defaultRecipientsFollowTheTargetKind() {
        assertThat(ProbeRequest.builder(domain()).build().effectiveRecipients()).containsExactly("postmaster@example.test");
        ProbeTarget address = new ProbeTarget("bob@example.test", ProbeTarget.Kind.ADDRESS, "example.test",
                "example.test", Optional.of("bob@example.test"), 25);
        assertThat(ProbeRequest.builder(address).build().effectiveRecipients()).containsExactly("bob@example.test");
        ProbeTarget server = new ProbeTarget("[127.0.0.1]", ProbeTarget.Kind.SERVER, "127.0.0.1", "127.0.0.1",
                Optional.empty(), 25);
        assertThat(ProbeRequest.builder(server).build().effectiveRecipients()).isEmpty();
        assertThat(ProbeRequest.builder(domain()).recipients(List.of("x@example.test")).build().effectiveRecipients())
                .containsExactly("x@example.test");
    }

    @Test
    void sessionRequestCarriesEverySessionOption() {
        ProbeRequest r = ProbeRequest.builder(domain())
                .tlsMode(TlsMode.IMPLICIT).startTls(StartTlsPolicy.REQUIRE).verifyCertificate(false)
                .ehloName("me.test").credential(new Credential.Password("u", "p")).allowPlaintextAuth(true)
                .mailFrom("a@me.test").message("Subject: x\r\n\r\nhi\r\n").quitAfter(QuitAfter.RCPT)
                .timeouts(Timeouts.uniform(Duration.ofSeconds(1), Duration.ofSeconds(5)))
                .build();
        SessionRequest s = r.sessionRequest("mx.example.test", new InetSocketAddress("127.0.0.1", 2525));
        assertThat(s.hostName()).isEqualTo("mx.example.test");
        assertThat(s.options().tlsMode()).isEqualTo(TlsMode.IMPLICIT);
        assertThat(s.options().startTls()).isEqualTo(StartTlsPolicy.REQUIRE);
        assertThat(s.options().verifyCertificate()).isFalse();
        assertThat(s.options().ehloName()).isEqualTo("me.test");
        assertThat(s.options().credential()).isPresent();
        assertThat(s.options().allowPlaintextAuth()).isTrue();
        assertThat(s.options().mailFrom()).isEqualTo("a@me.test");
        assertThat(s.options().recipients()).containsExactly("postmaster@example.test");
        assertThat(s.options().message()).isPresent();
        assertThat(s.options().quitAfter()).contains(QuitAfter.RCPT);
        assertThat(s.options().timeouts()).isEqualTo(r.session().timeouts());
    }

    @Test
    void lineBreaksAndBadDnsOptionsAreRefused() {
        assertThatThrownBy(() -> ProbeRequest.builder(domain()).mailFrom("a@b\r\nRCPT TO:<x>").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProbeRequest.builder(domain()).recipients(List.of("a\n@b")).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProbeRequest.builder(domain()).dnsTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
