package dev.smtpprobe.auth;

import static dev.smtpprobe.auth.SaslTesting.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.Credential;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** No text any of our types produces may contain the secret, whichever way an exchange ends. */
class SaslSecretsTest {
    private static final String SECRET = "Zq9-SECRET-xK2";
    private static final Credential PASSWORD = new Credential.Password("alice", SECRET);
    private static final Credential TOKEN = new Credential.BearerToken("alice", SECRET);

    private static final List<byte[]> CHALLENGES = List.of(new byte[0], bytes("garbage"), bytes("{\"status\":\"1\"}"),
            bytes("r=x,s=QSXCR+Q6sek8bf92,i=4096"), bytes("e=invalid-proof"), bytes("v=AAAA"), bytes("m=x"),
            bytes("{\"status\":\"invalid_token\",\"scope\":\"s\"}"), new byte[] {(byte) 0xff});

    @Test
    void noTextContainsTheSecret() {
        List<String> texts = new ArrayList<>();
        texts.add(PASSWORD.toString());
        texts.add(TOKEN.toString());
        texts.add(SaslContext.defaults().toString());
        for (SaslClientFactory factory : SaslMechanisms.all()) {
            Credential credential = factory.supports(PASSWORD) ? PASSWORD : TOKEN;
            Credential wrong = credential == PASSWORD ? TOKEN : PASSWORD;
            texts.add(factory.toString());
            texts.add(SaslMechanisms.choose(List.of(factory.mechanism()), credential, Optional.empty()).toString());
            texts.add(SaslMechanisms.choose(List.of(factory.mechanism()), wrong, Optional.empty()).toString());
            texts.add(SaslMechanisms.choose(List.of(factory.mechanism()), wrong,
                    Optional.of(factory.mechanism())).toString());
            try {
                factory.create(wrong, SaslContext.defaults());
            } catch (IllegalArgumentException e) {
                texts.add(e.getMessage());
            }
            for (int skip = 0; skip < CHALLENGES.size(); skip++) {
                texts.addAll(run(factory.create(credential, SaslContext.defaults()), skip));
            }
        }

        String base64Secret = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(texts).hasSizeGreaterThan(50)
                .allSatisfy(text -> assertThat(text).doesNotContain(SECRET).doesNotContain(base64Secret));
    }

    /** Drives one exchange through the challenges from {@code skip} on, collecting every text it produces. */
    private static List<String> run(SaslClient client, int skip) {
        List<String> texts = new ArrayList<>();
        client.initialResponse();
        for (int i = skip; i < CHALLENGES.size() + skip; i++) {
            byte[] challenge = CHALLENGES.get(i % CHALLENGES.size());
            try {
                client.evaluate(challenge);
            } catch (SaslException e) {
                texts.add(e.getMessage());
            }
            client.serverFailure().ifPresent(e -> texts.add(e.getMessage()));
            texts.add(client.toString());
        }
        try {
            client.verifySuccess(Optional.empty());
        } catch (SaslException e) {
            texts.add(e.getMessage());
        }
        return texts;
    }
}
