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

class CramMd5MechanismTest {
    private static final Credential TIM = new Credential.Password("tim", "tanstaaftanstaaf");

    @Test
    void rfc2195Example() throws Exception {
        SaslClient client = client("CRAM-MD5", TIM);
        byte[] challenge = Base64.getDecoder().decode("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+");

        assertThat(client.initialResponse()).isEmpty();
        assertThat(text(challenge)).isEqualTo("<1896.697170952@postoffice.reston.mci.net>");
        byte[] response = client.evaluate(challenge);

        assertThat(text(response)).isEqualTo("tim b913a602c7eda7a495b4e6e7334d3890");
        assertThat(Base64.getEncoder().encodeToString(response))
                .isEqualTo("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
        assertThat(client.complete()).isTrue();
        client.verifySuccess(Optional.empty());
    }

    @Test
    void emptyChallengeIsMalformed() {
        SaslClient client = client("CRAM-MD5", TIM);

        assertThatThrownBy(() -> client.evaluate(new byte[0])).isInstanceOfSatisfying(SaslException.class, e ->
                assertThat(e.reason()).isEqualTo(SaslException.Reason.MALFORMED_CHALLENGE));
    }

    @Test
    void secondChallengeIsUnexpected() throws Exception {
        SaslClient client = client("CRAM-MD5", TIM);
        client.evaluate(bytes("<1.2@example.test>"));

        assertThatThrownBy(() -> client.evaluate(bytes("<3.4@example.test>")))
                .isInstanceOfSatisfying(SaslException.class, e ->
                        assertThat(e.reason()).isEqualTo(SaslException.Reason.UNEXPECTED_CHALLENGE));
        assertThat(client.complete()).isFalse();
    }

    @Test
    void successBeforeOurAnswerIsPremature() {
        SaslClient client = client("CRAM-MD5", TIM);

        assertThatThrownBy(() -> client.verifySuccess(Optional.empty()))
                .isInstanceOfSatisfying(SaslException.class, e ->
                        assertThat(e.reason()).isEqualTo(SaslException.Reason.PREMATURE_SUCCESS));
    }

    @Test
    void anyNonEmptyChallengeIsSignedAsSent() throws Exception {
        // Not a msg-id, and not even text: servers vary, the HMAC is over the bytes.
        byte[] response = client("CRAM-MD5", TIM).evaluate(new byte[] {(byte) 0xff, 0x00, 0x01});

        assertThat(text(response)).matches("tim [0-9a-f]{32}");
    }
}
