package dev.smtpprobe.auth;

import static dev.smtpprobe.auth.SaslTesting.bytes;
import static dev.smtpprobe.auth.SaslTesting.client;
import static dev.smtpprobe.auth.SaslTesting.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.smtpprobe.model.Credential;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlainLoginMechanismTest {
    private static final Credential ALICE = new Credential.Password("alice", "s3cret wörd");

    @Test
    void plainSendsEmptyAuthzidUserAndPasswordAsInitialResponse() throws Exception {
        SaslClient client = client("PLAIN", ALICE);

        byte[] initial = client.initialResponse().orElseThrow();

        assertThat(initial).isEqualTo(bytes("\0alice\0s3cret wörd"));
        assertThat(Base64.getEncoder().encodeToString(initial)).isEqualTo("AGFsaWNlAHMzY3JldCB3w7ZyZA==");
        assertThat(client.complete()).isTrue();
        client.verifySuccess(Optional.empty());
    }

    @Test
    void plainAnswersAnEmptyChallengeWithTheSameMessageOnce() throws Exception {
        SaslClient client = client("PLAIN", ALICE);
        client.initialResponse();

        assertThat(client.evaluate(new byte[0])).isEqualTo(bytes("\0alice\0s3cret wörd"));
        assertThatThrownBy(() -> client.evaluate(new byte[0])).isInstanceOfSatisfying(SaslException.class, e ->
                assertThat(e.reason()).isEqualTo(SaslException.Reason.UNEXPECTED_CHALLENGE));
    }

    @Test
    void plainWithoutInitialResponseAnswersTheEmptyChallenge() throws Exception {
        SaslClient client = client("PLAIN", ALICE);

        assertThat(client.complete()).isFalse();
        assertThat(client.evaluate(new byte[0])).isEqualTo(bytes("\0alice\0s3cret wörd"));
        assertThat(client.complete()).isTrue();
    }

    @Test
    void plainRefusesNonEmptyChallenges() {
        SaslClient client = client("PLAIN", ALICE);
        client.initialResponse();

        assertThatThrownBy(() -> client.evaluate(bytes("what?"))).isInstanceOfSatisfying(SaslException.class, e ->
                assertThat(e.reason()).isEqualTo(SaslException.Reason.UNEXPECTED_CHALLENGE));
        assertThatThrownBy(() -> client.verifySuccess(Optional.empty())).isInstanceOf(SaslException.class);
    }

    @Test
    void plainSuccessBeforeCredentialsIsPremature() {
        assertThatThrownBy(() -> client("PLAIN", ALICE).verifySuccess(Optional.empty()))
                .isInstanceOfSatisfying(SaslException.class, e ->
                        assertThat(e.reason()).isEqualTo(SaslException.Reason.PREMATURE_SUCCESS));
    }

    @Test
    void loginAnswersByPositionWhateverThePrompts() throws Exception {
        SaslClient client = client("LOGIN", ALICE);

        assertThat(client.initialResponse()).isEmpty();
        assertThat(text(client.evaluate(bytes("Password:")))).isEqualTo("alice");
        assertThat(client.complete()).isFalse();
        assertThat(text(client.evaluate(new byte[0]))).isEqualTo("s3cret wörd");
        assertThat(client.complete()).isTrue();
        client.verifySuccess(Optional.empty());
    }

    @Test
    void loginRefusesAThirdChallenge() throws Exception {
        SaslClient client = client("LOGIN", ALICE);
        client.evaluate(bytes("Username:"));
        client.evaluate(bytes("Password:"));

        assertThatThrownBy(() -> client.evaluate(bytes("Again:"))).isInstanceOfSatisfying(SaslException.class, e ->
                assertThat(e.reason()).isEqualTo(SaslException.Reason.UNEXPECTED_CHALLENGE));
    }

    @Test
    void loginSuccessWithoutPasswordIsPremature() throws Exception {
        SaslClient client = client("LOGIN", ALICE);
        client.evaluate(bytes("Username:"));

        assertThatThrownBy(() -> client.verifySuccess(Optional.empty()))
                .isInstanceOfSatisfying(SaslException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SaslException.Reason.PREMATURE_SUCCESS);
                    assertThat(e.getMessage()).contains("without asking for the password");
                });
    }

    @Test
    void clearTextMechanismsSaySo() {
        assertThat(SaslMechanisms.byName("PLAIN").orElseThrow().sendsSecretInClear()).isTrue();
        assertThat(SaslMechanisms.byName("LOGIN").orElseThrow().sendsSecretInClear()).isTrue();
        assertThat(SaslMechanisms.byName("CRAM-MD5").orElseThrow().sendsSecretInClear()).isFalse();
    }
}
