package dev.smtpprobe.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.smtpprobe.model.Credential;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A hostile server controls every challenge: whatever it sends, a mechanism either answers or throws a
 * {@link SaslException}, never anything else, and never turns a garbled exchange into a success. Seeded, so a
 * failure is reproducible from the printed seed.
 */
class SaslMalformedChallengeTest {
    private static final String ALPHABET = "rsiemvpcn=,+/0123456789abcdefABCDEF{}[]\":\u0001 \\";

    @Test
    void randomChallengesOnlyEverProduceSaslExceptions() {
        long seed = 20240611L;
        Random random = new Random(seed);
        Credential password = new Credential.Password("user", "pencil");
        Credential token = new Credential.BearerToken("user", "token");
        SaslContext context = SaslContext.builder().nonceSource(() -> new byte[] {1, 2, 3}).maxIterationCount(50)
                .build();
        int exchanges = 0;
        for (int round = 0; round < 400; round++) {
            for (SaslClientFactory factory : SaslMechanisms.all()) {
                SaslClient client = factory.create(factory.supports(password) ? password : token, context);
                boolean sendInitial = random.nextBoolean();
                if (sendInitial) {
                    client.initialResponse();
                }
                int steps = 1 + random.nextInt(4);
                for (int step = 0; step < steps; step++) {
                    byte[] challenge = challenge(random, step);
                    try {
                        assertThat(client.evaluate(challenge)).isNotNull();
                    } catch (SaslException expected) {
                        assertThat(expected.reason()).isNotNull();
                        assertThat(expected.getMessage()).isNotBlank();
                    } catch (RuntimeException e) {
                        fail("seed " + seed + " round " + round + " " + factory.mechanism() + " step " + step
                                + " challenge " + new String(challenge, StandardCharsets.ISO_8859_1), e);
                    }
                }
                try {
                    client.verifySuccess(random.nextBoolean() ? Optional.empty()
                            : Optional.of(challenge(random, steps)));
                    // Surviving random input is only acceptable for mechanisms that never authenticate the server.
                    assertThat(factory.authenticatesServer()).as(factory.mechanism()).isFalse();
                } catch (SaslException expected) {
                    assertThat(expected.reason()).isNotNull();
                } catch (RuntimeException e) {
                    fail("seed " + seed + " round " + round + " " + factory.mechanism() + " verifySuccess", e);
                }
                exchanges++;
            }
        }
        assertThat(exchanges).isEqualTo(400 * SaslMechanisms.all().size());
    }

    /** Mostly near-miss SCRAM and JSON text (which reaches deeper code than noise), sometimes raw bytes. */
    private static byte[] challenge(Random random, int step) {
        int kind = random.nextInt(5);
        if (kind == 0) {
            return new byte[0];
        }
        if (kind == 1) {
            byte[] noise = new byte[random.nextInt(40)];
            random.nextBytes(noise);
            return noise;
        }
        if (kind == 2 && step == 0) {
            // Extends the fixed client nonce AQID, so the parser gets past the nonce check.
            return ("r=AQIDsrv,s=" + (random.nextBoolean() ? "QSXCR+Q6sek8bf92" : "Q=") + ",i="
                    + (random.nextInt(120) - 10) + (random.nextBoolean() ? ",x=1" : ""))
                    .getBytes(StandardCharsets.US_ASCII);
        }
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(30);
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
