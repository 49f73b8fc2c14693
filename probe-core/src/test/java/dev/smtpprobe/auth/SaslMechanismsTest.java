package dev.smtpprobe.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.Credential;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SaslMechanismsTest {
    private static final Credential PASSWORD = new Credential.Password("alice", "pw");
    private static final Credential TOKEN = new Credential.BearerToken("alice", "tok");

    private static String chosen(SaslChoice choice) {
        return choice.factory().map(SaslClientFactory::mechanism).orElse("none: " + choice);
    }

    private static SaslChoice.Reason reason(SaslChoice choice) {
        assertThat(choice).isInstanceOf(SaslChoice.NotChosen.class);
        return ((SaslChoice.NotChosen) choice).reason();
    }

    @Test
    void registryIsRankedStrongestFirst() {
        assertThat(SaslMechanisms.all()).extracting(SaslClientFactory::mechanism).containsExactly(
                "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "OAUTHBEARER", "LOGIN", "XOAUTH2");
        assertThat(SaslMechanisms.byName(" cram-md5 ")).map(SaslClientFactory::mechanism).hasValue("CRAM-MD5");
        assertThat(SaslMechanisms.byName("GSSAPI")).isEmpty();
    }

    @Test
    void passwordsGetTheStrongestCommonMechanism() {
        List<String> all = List.of("LOGIN", "PLAIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", "XOAUTH2");

        assertThat(chosen(SaslMechanisms.choose(all, PASSWORD, Optional.empty()))).isEqualTo("SCRAM-SHA-256");
        assertThat(chosen(SaslMechanisms.choose(List.of("LOGIN", "PLAIN", "CRAM-MD5", "SCRAM-SHA-1"), PASSWORD,
                Optional.empty()))).isEqualTo("SCRAM-SHA-1");
        assertThat(chosen(SaslMechanisms.choose(List.of("LOGIN", "PLAIN", "CRAM-MD5"), PASSWORD, Optional.empty())))
                .isEqualTo("CRAM-MD5");
        assertThat(chosen(SaslMechanisms.choose(List.of("LOGIN", "PLAIN"), PASSWORD, Optional.empty())))
                .isEqualTo("PLAIN");
        assertThat(chosen(SaslMechanisms.choose(List.of("LOGIN", "GSSAPI"), PASSWORD, Optional.empty())))
                .isEqualTo("LOGIN");
    }

    @Test
    void tokensGetOauthBearerBeforeXoauth2() {
        assertThat(chosen(SaslMechanisms.choose(List.of("PLAIN", "XOAUTH2", "OAUTHBEARER"), TOKEN, Optional.empty())))
                .isEqualTo("OAUTHBEARER");
        assertThat(chosen(SaslMechanisms.choose(List.of("PLAIN", "XOAUTH2"), TOKEN, Optional.empty())))
                .isEqualTo("XOAUTH2");
    }

    @Test
    void offeredNamesAreCaseInsensitive() {
        assertThat(chosen(SaslMechanisms.choose(List.of("plain", "scram-sha-1"), PASSWORD, Optional.empty())))
                .isEqualTo("SCRAM-SHA-1");
    }

    @Test
    void aPasswordThatScramCannotPrepareFallsBack() {
        Credential odd = new Credential.Password("alice", "pass\u0007word");

        assertThat(chosen(SaslMechanisms.choose(List.of("SCRAM-SHA-256", "PLAIN"), odd, Optional.empty())))
                .isEqualTo("PLAIN");
    }

    @Test
    void forcedMechanismWinsOverRanking() {
        SaslChoice choice = SaslMechanisms.choose(List.of("PLAIN", "LOGIN", "SCRAM-SHA-256"), PASSWORD,
                Optional.of("login"), false);

        assertThat(chosen(choice)).isEqualTo("LOGIN");
        assertThat(((SaslChoice.Chosen) choice).forced()).isTrue();
    }

    @Test
    void reasonsWhenNothingIsChosen() {
        assertThat(reason(SaslMechanisms.choose(List.of(), PASSWORD, Optional.empty())))
                .isEqualTo(SaslChoice.Reason.NONE_OFFERED);
        assertThat(reason(SaslMechanisms.choose(List.of("XOAUTH2", "GSSAPI"), PASSWORD, Optional.empty())))
                .isEqualTo(SaslChoice.Reason.NO_MECHANISM_FOR_CREDENTIAL);
        assertThat(reason(SaslMechanisms.choose(List.of("PLAIN", "LOGIN"), TOKEN, Optional.empty())))
                .isEqualTo(SaslChoice.Reason.NO_MECHANISM_FOR_CREDENTIAL);
        assertThat(reason(SaslMechanisms.choose(List.of("PLAIN"), PASSWORD, Optional.of("CRAM-MD5"))))
                .isEqualTo(SaslChoice.Reason.FORCED_NOT_OFFERED);
        assertThat(reason(SaslMechanisms.choose(List.of("GSSAPI"), PASSWORD, Optional.of("GSSAPI"))))
                .isEqualTo(SaslChoice.Reason.FORCED_UNSUPPORTED);
        assertThat(reason(SaslMechanisms.choose(List.of("XOAUTH2"), PASSWORD, Optional.of("XOAUTH2"))))
                .isEqualTo(SaslChoice.Reason.FORCED_CANNOT_USE_CREDENTIAL);
    }

    @Test
    void explanationsNameWhatTheServerOffered() {
        SaslChoice choice = SaslMechanisms.choose(List.of("PLAIN", "LOGIN"), PASSWORD, Optional.of("SCRAM-SHA-1"));

        assertThat(((SaslChoice.NotChosen) choice).explanation())
                .isEqualTo("the server does not offer the forced mechanism SCRAM-SHA-1; it offers PLAIN LOGIN");
    }

    @Test
    void withoutTlsClearTextMechanismsArePassedOver() {
        assertThat(chosen(SaslMechanisms.choose(List.of("PLAIN", "LOGIN", "CRAM-MD5"), PASSWORD, Optional.empty(),
                false))).isEqualTo("CRAM-MD5");
        assertThat(reason(SaslMechanisms.choose(List.of("PLAIN", "LOGIN"), PASSWORD, Optional.empty(), false)))
                .isEqualTo(SaslChoice.Reason.ONLY_SECRET_IN_CLEAR);
        assertThat(chosen(SaslMechanisms.choose(List.of("PLAIN", "LOGIN"), PASSWORD, Optional.of("PLAIN"), false)))
                .isEqualTo("PLAIN");
    }

    @Test
    void weakOnlyMeansEveryOfferedMechanismIsWeak() {
        assertThat(SaslMechanisms.weakOnly(List.of("PLAIN", "LOGIN"))).isTrue();
        assertThat(SaslMechanisms.weakOnly(List.of("login", "CRAM-MD5", "DIGEST-MD5", "NTLM"))).isTrue();
        assertThat(SaslMechanisms.weakOnly(List.of("PLAIN", "SCRAM-SHA-256"))).isFalse();
        assertThat(SaslMechanisms.weakOnly(List.of("PLAIN", "XOAUTH2"))).isFalse();
        assertThat(SaslMechanisms.weakOnly(List.of("PLAIN", "SOMETHING-NEW"))).isFalse();
        assertThat(SaslMechanisms.weakOnly(List.of())).isFalse();
    }
}
