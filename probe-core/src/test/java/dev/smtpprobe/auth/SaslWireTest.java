package dev.smtpprobe.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SaslWireTest {

    @Test
    void emptyFormsDifferBetweenInitialResponseAndContinuation() {
        assertThat(SaslWire.encodeInitialResponse(new byte[0])).isEqualTo("=");
        assertThat(SaslWire.encodeResponse(new byte[0])).isEmpty();
        assertThat(SaslWire.encodeInitialResponse(new byte[] {1})).isEqualTo("AQ==");
        assertThat(SaslWire.encodeResponse(new byte[] {1})).isEqualTo("AQ==");
    }

    @Test
    void challengesDecodeLenientlyAboutSpacesAndPaddingOnly() throws Exception {
        assertThat(SaslWire.decodeChallenge("")).isEmpty();
        assertThat(SaslWire.decodeChallenge(" ")).isEmpty();
        assertThat(SaslWire.decodeChallenge("=")).isEmpty();
        assertThat(SaslWire.decodeChallenge(" VXNlcm5hbWU6 ")).isEqualTo("Username:".getBytes());
        assertThat(SaslWire.decodeChallenge("AQ")).containsExactly(1);
    }

    @Test
    void textThatIsNotBase64IsAMalformedChallenge() {
        assertThatThrownBy(() -> SaslWire.decodeChallenge("Go ahead"))
                .isInstanceOfSatisfying(SaslException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SaslException.Reason.MALFORMED_CHALLENGE);
                    assertThat(e.getMessage()).contains("Go ahead");
                });
    }
}
