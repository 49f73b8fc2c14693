package dev.smtpprobe.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretScrubberTest {
    private static final String USER = "bob@example.test";
    private static final String PASSWORD = "hunter2-Secret";
    private static final SecretScrubber SCRUBBER = SecretScrubber.forPassword(USER, PASSWORD);

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void removesThePlainPassword() {
        assertThat(SCRUBBER.scrub("535 5.7.8 password hunter2-Secret is wrong"))
                .isEqualTo("535 5.7.8 password <redacted> is wrong");
    }

    @Test
    void removesTheBase64OfThePlainMessageWithAndWithoutPadding() {
        String blob = b64("\0" + USER + "\0" + PASSWORD);
        assertThat(SCRUBBER.scrub("535 bad credentials " + blob)).isEqualTo("535 bad credentials <redacted>");
        String unpadded = blob.replace("=", "");
        assertThat(SCRUBBER.scrub("501 cannot decode '" + unpadded + "'")).isEqualTo("501 cannot decode '<redacted>'");
        String withAuthzid = b64(USER + "\0" + USER + "\0" + PASSWORD);
        assertThat(SCRUBBER.scrub(withAuthzid)).isEqualTo("<redacted>");
    }

    @Test
    void removesTheBase64OfPasswordAndUserAsAuthLoginSendsThem() {
        assertThat(SCRUBBER.scrub("334 " + b64(PASSWORD))).isEqualTo("334 <redacted>");
        assertThat(SCRUBBER.scrub("334 " + b64(USER))).isEqualTo("334 <redacted>");
    }

    @Test
    void thePlainUserNameGoesOnlyFromServerText() {
        String reply = "535 no such user bob@example.test";
        assertThat(SCRUBBER.scrubServerText(reply)).isEqualTo("535 no such user <redacted>");
        assertThat(SCRUBBER.scrub("RCPT TO:<bob@example.test>")).isEqualTo("RCPT TO:<bob@example.test>");
    }

    @Test
    void shortSecretsAreMatchedAsWholeTokensOnly() {
        SecretScrubber s = SecretScrubber.forPassword("me", "test");
        assertThat(s.scrubServerText("250 mock.test says test to me")).isEqualTo("250 mock.test says <redacted> to <redacted>");
        assertThat(s.scrubServerText("250 mail.example.com meets testing")).isEqualTo("250 mail.example.com meets testing");
    }

    @Test
    void scrubbingTwiceChangesNothingEvenWhenThePasswordLooksLikeTheMarker() {
        SecretScrubber s = SecretScrubber.forPassword("u", "redacted");
        String once = s.scrub("the word redacted");
        assertThat(once).isEqualTo("the word <redacted>");
        assertThat(s.scrub(once)).isEqualTo(once);
    }

    @Test
    void noneAndEmptyCredentialsScrubNothing() {
        String text = "535 " + PASSWORD;
        assertThat(SecretScrubber.NONE.scrub(text)).isSameAs(text);
        assertThat(SecretScrubber.of((Credential) null).isEmpty()).isTrue();
        assertThat(SecretScrubber.forPassword("", "").isEmpty()).isTrue();
    }

    @Test
    void otherSecretsAndTheirBase64AreRemoved() {
        SecretScrubber s = SecretScrubber.forSecrets(List.of("ya29.token-value"));
        assertThat(s.scrub("bad token ya29.token-value / " + b64("ya29.token-value"))).isEqualTo("bad token <redacted> / <redacted>");
    }

    @Test
    void aSessionResultIsScrubbedInRepliesFailureAndTranscript() {
        String blob = b64("\0" + USER + "\0" + PASSWORD);
        SmtpReply echo = SmtpReply.of(535, "5.7.8 bad " + blob);
        SessionResult s = new SessionResult(
                SessionRequest.builder("mx.test", new java.net.InetSocketAddress("127.0.0.1", 25)).build(),
                List.of(new Step(SmtpPhase.AUTH, Optional.of("AUTH PLAIN <redacted>"), Optional.of(echo), 0, Duration.ZERO)),
                EhloCapabilities.NONE, EhloCapabilities.NONE, false, Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), 1, 0, List.of(), Optional.of(new SessionFailure(ProbeStatus.REJECTED, SmtpPhase.AUTH,
                        "the server refused AUTH: 535 5.7.8 bad " + blob, Optional.of(echo))), true,
                List.of(new TranscriptLine(TranscriptLine.Direction.RECEIVED, 0, "535 5.7.8 bad " + blob)), 0, Duration.ZERO);

        SessionResult clean = SCRUBBER.scrub(s);

        assertThat(clean.toString()).doesNotContain(blob).doesNotContain(PASSWORD);
        assertThat(clean.steps().get(0).reply().orElseThrow().lines()).containsExactly("5.7.8 bad <redacted>");
        assertThat(clean.failure().orElseThrow().reply()).isEqualTo(clean.steps().get(0).reply());
    }
}
