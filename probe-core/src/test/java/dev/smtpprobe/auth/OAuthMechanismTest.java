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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OAuthMechanismTest {
    private static final Credential GOOGLE_EXAMPLE =
            new Credential.BearerToken("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg");
    private static final Credential RFC7628_EXAMPLE =
            new Credential.BearerToken("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==");
    private static final String GMAIL_ERROR =
            "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}";
    private static final String RFC7628_ERROR = "{\"status\":\"invalid_token\",\"scope\":\"example_scope\","
            + "\"openid-configuration\":\"https://example.com/.well-known/openid-configuration\"}";

    @Test
    void xoauth2InitialResponseFollowsGooglesFormat() {
        SaslClient client = client("XOAUTH2", GOOGLE_EXAMPLE);

        byte[] initial = client.initialResponse().orElseThrow();

        assertThat(text(initial)).isEqualTo("user=someuser@example.com\u0001"
                + "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\u0001\u0001");
        assertThat(Base64.getEncoder().encodeToString(initial)).isEqualTo("dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRo"
                + "PUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==");
        assertThat(client.complete()).isTrue();
    }

    @Test
    void xoauth2ErrorIsAcknowledgedWithAnEmptyLineAndDecoded() throws Exception {
        SaslClient client = client("XOAUTH2", GOOGLE_EXAMPLE);
        client.initialResponse();

        assertThat(client.evaluate(bytes(GMAIL_ERROR))).isEmpty();

        SaslException failure = client.serverFailure().orElseThrow();
        assertThat(failure.reason()).isEqualTo(SaslException.Reason.SERVER_ERROR);
        assertThat(failure.oauthError()).hasValue(new OAuthError(Optional.of("401"), Optional.of("bearer"),
                Optional.of("https://mail.google.com/"), Optional.empty()));
        assertThat(failure.getMessage()).isEqualTo("XOAUTH2: the server refused the token "
                + "(status=401 schemes=bearer scope=https://mail.google.com/)");
        assertThat(client.complete()).isFalse();
    }

    @Test
    void successAfterAnOAuthErrorIsStillAnError() throws Exception {
        SaslClient client = client("XOAUTH2", GOOGLE_EXAMPLE);
        client.initialResponse();
        client.evaluate(bytes(GMAIL_ERROR));

        assertThatThrownBy(() -> client.verifySuccess(Optional.empty()))
                .isInstanceOfSatisfying(SaslException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SaslException.Reason.SERVER_ERROR);
                    assertThat(e.oauthError().orElseThrow().status()).hasValue("401");
                });
    }

    @Test
    void aSecondChallengeAfterTheErrorIsUnexpected() throws Exception {
        SaslClient client = client("XOAUTH2", GOOGLE_EXAMPLE);
        client.initialResponse();
        client.evaluate(bytes(GMAIL_ERROR));

        assertThatThrownBy(() -> client.evaluate(bytes(GMAIL_ERROR))).isInstanceOfSatisfying(SaslException.class,
                e -> assertThat(e.reason()).isEqualTo(SaslException.Reason.UNEXPECTED_CHALLENGE));
    }

    @Test
    void oauthBearerInitialResponseMatchesRfc7628() {
        SaslContext context = SaslContext.builder().host("server.example.com").port(143).build();
        SaslClient client = client("OAUTHBEARER", RFC7628_EXAMPLE, context);

        byte[] initial = client.initialResponse().orElseThrow();

        assertThat(text(initial)).isEqualTo("n,a=user@example.com,\u0001host=server.example.com\u0001port=143\u0001"
                + "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\u0001\u0001");
        assertThat(Base64.getEncoder().encodeToString(initial)).isEqualTo("bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2Vy"
                + "dmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMj"
                + "l0Q2c9PQEB");
    }

    @Test
    void oauthBearerLeavesOutWhatItDoesNotKnow() {
        SaslClient client = client("OAUTHBEARER", new Credential.BearerToken("", "tok"));

        assertThat(text(client.initialResponse().orElseThrow())).isEqualTo("n,,\u0001auth=Bearer tok\u0001\u0001");
    }

    @Test
    void oauthBearerEscapesTheAuthorizationIdentity() {
        SaslClient client = client("OAUTHBEARER", new Credential.BearerToken("a,b=c", "tok"));

        assertThat(text(client.initialResponse().orElseThrow())).startsWith("n,a=a=2Cb=3Dc,\u0001");
    }

    @Test
    void oauthBearerErrorIsAcknowledgedWithControlA() throws Exception {
        SaslClient client = client("OAUTHBEARER", RFC7628_EXAMPLE);
        client.initialResponse();

        assertThat(client.evaluate(bytes(RFC7628_ERROR))).containsExactly(0x01);

        OAuthError error = client.serverFailure().orElseThrow().oauthError().orElseThrow();
        assertThat(error.status()).hasValue("invalid_token");
        assertThat(error.scope()).hasValue("example_scope");
        assertThat(error.schemes()).isEmpty();
        assertThat(error.openidConfiguration()).hasValue("https://example.com/.well-known/openid-configuration");
    }

    @Test
    void errorDocumentsToleratesOtherJsonShapes() throws Exception {
        SaslClient client = client("XOAUTH2", GOOGLE_EXAMPLE);
        client.initialResponse();

        client.evaluate(bytes(" { \"status\" : 400 , \"extra\": {\"a\": [1, 2, {\"b\": null}]},"
                + " \"scope\": \"a\\u0020b\\n\", \"ok\": false } "));

        OAuthError error = client.serverFailure().orElseThrow().oauthError().orElseThrow();
        assertThat(error.status()).hasValue("400");
        assertThat(error.scope()).hasValue("a b?");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{", "{\"status\":}", "{\"status\":\"401\"", "[1]", "{\"a\":1} x",
        "{\"a\":\"\\q\"}", "{\"a\":tru}", "{\"a\":-}", "{\"a\":\"\\u12\"}", "\"text\""})
    void malformedErrorDocumentsAreSaslExceptions(String json) {
        SaslClient client = client("OAUTHBEARER", RFC7628_EXAMPLE);
        client.initialResponse();

        assertThatThrownBy(() -> client.evaluate(bytes(json))).isInstanceOfSatisfying(SaslException.class, e ->
                assertThat(e.reason()).isEqualTo(SaslException.Reason.MALFORMED_CHALLENGE));
    }

    @Test
    void deeplyNestedJsonIsRefusedNotOverflowed() {
        SaslClient client = client("XOAUTH2", GOOGLE_EXAMPLE);
        client.initialResponse();
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

        assertThatThrownBy(() -> client.evaluate(bytes(deep))).isInstanceOf(SaslException.class);
    }

    @Test
    void invalidUtf8IsMalformed() {
        SaslClient client = client("XOAUTH2", GOOGLE_EXAMPLE);
        client.initialResponse();

        assertThatThrownBy(() -> client.evaluate(new byte[] {'{', (byte) 0xc3, '}'}))
                .isInstanceOfSatisfying(SaslException.class, e ->
                        assertThat(e.reason()).isEqualTo(SaslException.Reason.MALFORMED_CHALLENGE));
    }

    @Test
    void emptyChallengeAsksForTheMessage() throws Exception {
        SaslClient client = client("XOAUTH2", GOOGLE_EXAMPLE);

        assertThat(text(client.evaluate(new byte[0]))).startsWith("user=someuser@example.com\u0001");
    }

    @Test
    void tokenMechanismsNeedTokens() {
        SaslClientFactory oauth = SaslMechanisms.byName("OAUTHBEARER").orElseThrow();

        assertThat(oauth.supports(RFC7628_EXAMPLE)).isTrue();
        assertThat(oauth.supports(new Credential.Password("u", "p"))).isFalse();
        assertThatThrownBy(() -> oauth.create(new Credential.Password("u", "p"), SaslContext.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("OAUTHBEARER cannot use this credential: it needs a bearer token, not a password");
    }

    @Test
    void contextRefusesHostsThatWouldBreakTheMessage() {
        assertThatThrownBy(() -> SaslContext.builder().host("evil\u0001auth=Bearer x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SaslContext.builder().port(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
