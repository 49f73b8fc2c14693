package dev.smtpprobe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialTest {

    @Test
    void toStringNamesTheUserButNeverTheSecret() {
        Credential password = new Credential.Password("alice", "hunter2-secret");
        Credential token = new Credential.BearerToken("bob@example.test", "ya29.token-secret");

        assertThat(password.toString()).contains("alice").doesNotContain("hunter2-secret");
        assertThat(token.toString()).contains("bob@example.test").doesNotContain("ya29.token-secret");
    }

    @Test
    void secretFormsAreTheRawSecrets() {
        assertThat(new Credential.Password("alice", "pw").secretForms()).containsExactly("pw");
        assertThat(new Credential.BearerToken("bob", "tok").secretForms()).containsExactly("tok");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\rb", "a\nb", "a\0b"})
    void lineBreaksAndNulAreRefusedWithoutEchoingTheSecret(String bad) {
        assertThatThrownBy(() -> new Credential.Password("alice", bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("password must not contain CR, LF or NUL");
        assertThatThrownBy(() -> new Credential.Password(bad, "pw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("username must not contain CR, LF or NUL");
        assertThatThrownBy(() -> new Credential.BearerToken("bob", bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("token must not contain control characters");
        assertThatThrownBy(() -> new Credential.BearerToken(bad, "tok"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("username must not contain control characters");
    }

    @Test
    void theBearerFieldSeparatorIsRefusedInTokens() {
        assertThatThrownBy(() -> new Credential.BearerToken("bob", "s3cr3t\u0001auth=Bearer other"))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("s3cr3t");
    }

    @Test
    void emptySecretsAreRefused() {
        assertThatThrownBy(() -> new Credential.Password("alice", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("password must not be empty");
        assertThatThrownBy(() -> new Credential.BearerToken("bob", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("token must not be empty");
    }

    @Test
    void passwordsKeepNonAsciiAndSpacesAsTyped() {
        assertThat(new Credential.Password("jörg", "pass wörd\t").password()).isEqualTo("pass wörd\t");
    }
}
