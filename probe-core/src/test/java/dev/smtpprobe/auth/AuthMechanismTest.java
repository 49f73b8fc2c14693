package dev.smtpprobe.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.Credentials;
import dev.smtpprobe.model.SmtpCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthMechanismTest {

    private final Credentials alice = new Credentials("alice", "pw");

    @Test
    void prefersPlainThenLogin() {
        assertThat(AuthMechanism.choose(List.of("LOGIN", "PLAIN"))).contains(AuthMechanism.PLAIN);
        assertThat(AuthMechanism.choose(List.of("CRAM-MD5", "LOGIN"))).contains(AuthMechanism.LOGIN);
        assertThat(AuthMechanism.choose(List.of("CRAM-MD5", "XOAUTH2"))).isEmpty();
    }

    @Test
    void plainMatchesRfc4616AndIsSecret() {
        SmtpCommand c = AuthMechanism.PLAIN.firstCommand(alice);
        assertThat(c.line()).isEqualTo("AUTH PLAIN AGFsaWNlAHB3");
        assertThat(c.logLine()).isEqualTo("AUTH PLAIN <redacted>");
    }

    @Test
    void loginAnswersByPosition() {
        assertThat(AuthMechanism.LOGIN.firstCommand(alice).line()).isEqualTo("AUTH LOGIN");
        assertThat(AuthMechanism.LOGIN.answer(0, alice).orElseThrow().line()).isEqualTo("YWxpY2U=");
        assertThat(AuthMechanism.LOGIN.answer(1, alice).orElseThrow().line()).isEqualTo("cHc=");
        assertThat(AuthMechanism.LOGIN.answer(1, alice).orElseThrow().logLine()).isEqualTo("<redacted>");
        assertThat(AuthMechanism.LOGIN.answer(2, alice)).isEmpty();
    }
}
