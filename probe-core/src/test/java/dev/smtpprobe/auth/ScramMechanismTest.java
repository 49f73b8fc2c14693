package dev.smtpprobe.auth;

import static dev.smtpprobe.auth.SaslTesting.bytes;
import static dev.smtpprobe.auth.SaslTesting.client;
import static dev.smtpprobe.auth.SaslTesting.nonce;
import static dev.smtpprobe.auth.SaslTesting.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.smtpprobe.model.Credential;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramMechanismTest {
    // RFC 5802 §5
    private static final String SHA1_NONCE = "fyko+d2lbbFgONRv9qkxdawL";
    private static final String SHA1_SERVER_FIRST =
            "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
    private static final String SHA1_CLIENT_FINAL =
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
    private static final String SHA1_SERVER_FINAL = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";
    // RFC 7677 §3
    private static final String SHA256_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String SHA256_SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String SHA256_CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SHA256_SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static final Credential USER_PENCIL = new Credential.Password("user", "pencil");

    private static SaslClient sha1() {
        return client("SCRAM-SHA-1", USER_PENCIL, nonce(SHA1_NONCE));
    }

    /** An RFC 5802 client that has sent its proof and awaits the server's signature. */
    private static SaslClient sha1AwaitingServerFinal() throws SaslException {
        SaslClient client = sha1();
        client.initialResponse();
        client.evaluate(bytes(SHA1_SERVER_FIRST));
        return client;
    }

    @Test
    void rfc5802Sha1Example() throws Exception {
        SaslClient client = sha1();

        assertThat(text(client.initialResponse().orElseThrow())).isEqualTo("n,,n=user,r=" + SHA1_NONCE);
        assertThat(text(client.evaluate(bytes(SHA1_SERVER_FIRST)))).isEqualTo(SHA1_CLIENT_FINAL);
        assertThat(client.complete()).isFalse();
        assertThat(client.evaluate(bytes(SHA1_SERVER_FINAL))).isEmpty();
        assertThat(client.complete()).isTrue();
        client.verifySuccess(Optional.empty());

        assertThat(client.mechanism()).isEqualTo("SCRAM-SHA-1");
        assertThat(client.iterationCount()).hasValue(4096);
        assertThat(client.lowIterationCount()).isFalse();
        assertThat(client.serverFailure()).isEmpty();
    }

    @Test
    void rfc7677Sha256Example() throws Exception {
        SaslClient client = client("SCRAM-SHA-256", USER_PENCIL, nonce(SHA256_NONCE));

        assertThat(text(client.initialResponse().orElseThrow())).isEqualTo("n,,n=user,r=" + SHA256_NONCE);
        assertThat(text(client.evaluate(bytes(SHA256_SERVER_FIRST)))).isEqualTo(SHA256_CLIENT_FINAL);
        assertThat(client.evaluate(bytes(SHA256_SERVER_FINAL))).isEmpty();
        client.verifySuccess(Optional.empty());
        assertThat(client.complete()).isTrue();
    }

    @Test
    void serverFinalMayComeWithTheSuccessReply() throws Exception {
        SaslClient client = sha1AwaitingServerFinal();

        client.verifySuccess(Optional.of(bytes(SHA1_SERVER_FINAL)));

        assertThat(client.complete()).isTrue();
    }

    @Test
    void wrongServerSignatureInAChallengeIsAPossibleImpostor() throws Exception {
        SaslClient client = sha1AwaitingServerFinal();

        assertThatThrownBy(() -> client.evaluate(bytes("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=")))
                .isInstanceOfSatisfying(SaslException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SaslException.Reason.SERVER_SIGNATURE_MISMATCH);
                    assertThat(e.possibleImpostor()).isTrue();
                    assertThat(e.getMessage()).contains("does not know the password");
                });
        assertThat(client.complete()).isFalse();
        assertThatThrownBy(() -> client.verifySuccess(Optional.empty()))
                .isInstanceOfSatisfying(SaslException.class, e ->
                        assertThat(e.reason()).isEqualTo(SaslException.Reason.SERVER_SIGNATURE_MISMATCH));
    }

    @Test
    void wrongServerSignatureWithTheSuccessReplyIsAPossibleImpostor() throws Exception {
        SaslClient client = sha1AwaitingServerFinal();

        // The right signature for the SHA-256 example, so well-formed but wrong here.
        assertThatThrownBy(() -> client.verifySuccess(Optional.of(bytes(SHA256_SERVER_FINAL))))
                .isInstanceOfSatisfying(SaslException.class, e ->
                        assertThat(e.reason()).isEqualTo(SaslException.Reason.SERVER_SIGNATURE_MISMATCH));
    }

    @Test
    void successWithoutServerSignatureFails() throws Exception {
        SaslClient client = sha1AwaitingServerFinal();

        assertThatThrownBy(() -> client.verifySuccess(Optional.empty()))
                .isInstanceOfSatisfying(SaslException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SaslException.Reason.SERVER_SIGNATURE_MISSING);
                    assertThat(e.possibleImpostor()).isFalse();
                });
        assertThat(client.complete()).isFalse();
    }

    @Test
    void successBeforeOurProofFails() throws Exception {
        SaslClient client = sha1();
        client.initialResponse();

        assertThatThrownBy(() -> client.verifySuccess(Optional.empty()))
                .isInstanceOfSatisfying(SaslException.class, e ->
                        assertThat(e.reason()).isEqualTo(SaslException.Reason.PREMATURE_SUCCESS));
    }

    @Test
    void serverNonceMustExtendOurs() {
        SaslClient client = sha1();
        client.initialResponse();

        assertThatThrownBy(() -> client.evaluate(bytes("r=someoneElsesNonce3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")))
                .isInstanceOfSatisfying(SaslException.class, e ->
                        assertThat(e.reason()).isEqualTo(SaslException.Reason.SERVER_NONCE_MISMATCH));
    }

    @Test
    void hugeIterationCountIsRefusedBeforeAnyWork() {
        SaslClient client = sha1();
        client.initialResponse();
        long start = System.nanoTime();

        assertThatThrownBy(() -> client.evaluate(bytes("r=" + SHA1_NONCE + "x,s=QSXCR+Q6sek8bf92,i=2000000000")))
                .isInstanceOfSatisfying(SaslException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SaslException.Reason.ITERATION_COUNT_TOO_HIGH);
                    assertThat(e.getMessage()).contains("2000000000").contains("1000000");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void iterationLimitComesFromTheContext() {
        SaslContext strict = SaslContext.builder().nonceSource(() -> new byte[] {1, 2, 3}).maxIterationCount(4095)
                .build();
        SaslClient client = client("SCRAM-SHA-256", USER_PENCIL, strict);
        String ourNonce = text(client.initialResponse().orElseThrow()).substring("n,,n=user,r=".length());

        assertThatThrownBy(() -> client.evaluate(bytes("r=" + ourNonce + "x,s=QSXCR+Q6sek8bf92,i=4096")))
                .isInstanceOfSatisfying(SaslException.class, e ->
                        assertThat(e.reason()).isEqualTo(SaslException.Reason.ITERATION_COUNT_TOO_HIGH));
    }

    @Test
    void lowIterationCountIsAcceptedButFlagged() throws Exception {
        SaslClient client = sha1();
        client.initialResponse();

        assertThat(text(client.evaluate(bytes("r=" + SHA1_NONCE + "x,s=QSXCR+Q6sek8bf92,i=1024"))))
                .startsWith("c=biws,r=" + SHA1_NONCE + "x,p=");
        assertThat(client.iterationCount()).hasValue(1024);
        assertThat(client.lowIterationCount()).isTrue();
    }

    @Test
    void mandatoryExtensionsAreRefused() {
        SaslClient client = sha1();
        client.initialResponse();

        assertThatThrownBy(() -> client.evaluate(bytes("m=secret-handshake," + SHA1_SERVER_FIRST)))
                .isInstanceOfSatisfying(SaslException.class, e ->
                        assertThat(e.reason()).isEqualTo(SaslException.Reason.UNSUPPORTED_EXTENSION));
    }

    @Test
    void optionalExtensionsAfterTheIterationCountAreIgnored() throws Exception {
        SaslClient client = sha1();
        client.initialResponse();

        // The extension changes AuthMessage, so the proof differs from the RFC's, but the exchange goes on.
        assertThat(text(client.evaluate(bytes(SHA1_SERVER_FIRST + ",x=future")))).startsWith("c=biws,r=");
    }

    @Test
    void serverErrorIsAcknowledgedAndKeptForTheReport() throws Exception {
        SaslClient client = sha1AwaitingServerFinal();

        assertThat(client.evaluate(bytes("e=invalid-proof"))).isEmpty();

        assertThat(client.serverFailure()).hasValueSatisfying(e -> {
            assertThat(e.reason()).isEqualTo(SaslException.Reason.SERVER_ERROR);
            assertThat(e.serverErrorCode()).hasValue("invalid-proof");
            assertThat(e.getMessage()).contains("invalid-proof");
        });
        assertThatThrownBy(() -> client.verifySuccess(Optional.empty()))
                .isInstanceOfSatisfying(SaslException.class, e ->
                        assertThat(e.reason()).isEqualTo(SaslException.Reason.SERVER_ERROR));
    }

    @Test
    void serverErrorMayComeInsteadOfTheServerFirstMessage() throws Exception {
        SaslClient client = sha1();
        client.initialResponse();

        assertThat(client.evaluate(bytes("e=unknown-user"))).isEmpty();

        assertThat(client.serverFailure().orElseThrow().serverErrorCode()).hasValue("unknown-user");
    }

    @Test
    void anotherChallengeAfterVerificationIsUnexpected() throws Exception {
        SaslClient client = sha1AwaitingServerFinal();
        client.evaluate(bytes(SHA1_SERVER_FINAL));

        assertThatThrownBy(() -> client.evaluate(new byte[0]))
                .isInstanceOfSatisfying(SaslException.class, e ->
                        assertThat(e.reason()).isEqualTo(SaslException.Reason.UNEXPECTED_CHALLENGE));
        assertThatThrownBy(() -> client.verifySuccess(Optional.empty())).isInstanceOf(SaslException.class);
    }

    @Test
    void userNameDelimitersAreEscaped() {
        SaslClient client = client("SCRAM-SHA-256", new Credential.Password("a,b=c", "pencil"),
                nonce(SHA256_NONCE));

        assertThat(text(client.initialResponse().orElseThrow())).isEqualTo("n,,n=a=2Cb=3Dc,r=" + SHA256_NONCE);
    }

    @Test
    void withoutInitialResponseTheEmptyChallengeGetsTheFirstMessage() throws Exception {
        SaslClient client = sha1();

        assertThat(text(client.evaluate(new byte[0]))).isEqualTo("n,,n=user,r=" + SHA1_NONCE);
        assertThat(text(client.evaluate(bytes(SHA1_SERVER_FIRST)))).isEqualTo(SHA1_CLIENT_FINAL);
    }

    @Test
    void anIgnoredInitialResponseIsRepeatedOnceOnly() throws Exception {
        SaslClient client = sha1();
        byte[] first = client.initialResponse().orElseThrow();

        assertThat(client.evaluate(new byte[0])).isEqualTo(first);
        assertThatThrownBy(() -> client.evaluate(new byte[0])).isInstanceOfSatisfying(SaslException.class, e ->
                assertThat(e.reason()).isEqualTo(SaslException.Reason.MALFORMED_CHALLENGE));
    }

    @Test
    void initialResponseIsStable() {
        SaslClient client = client("SCRAM-SHA-256", USER_PENCIL);

        assertThat(client.initialResponse().orElseThrow()).isEqualTo(client.initialResponse().orElseThrow());
    }

    @Test
    void randomNoncesDifferPerExchange() {
        String first = text(client("SCRAM-SHA-256", USER_PENCIL).initialResponse().orElseThrow());
        String second = text(client("SCRAM-SHA-256", USER_PENCIL).initialResponse().orElseThrow());

        assertThat(first).isNotEqualTo(second).matches("n,,n=user,r=[A-Za-z0-9+/]{32}");
    }

    @Test
    void passwordIsPreparedWithSaslPrep() throws Exception {
        // U+00AD SOFT HYPHEN maps to nothing, so the RFC's proof still results.
        SaslClient client = client("SCRAM-SHA-1", new Credential.Password("user", "pen\u00ADcil"), nonce(SHA1_NONCE));
        client.initialResponse();

        assertThat(text(client.evaluate(bytes(SHA1_SERVER_FIRST)))).isEqualTo(SHA1_CLIENT_FINAL);
    }

    @Test
    void passwordThatSaslPrepRefusesIsNotSupported() {
        Credential bell = new Credential.Password("user", "pencil\u0007");
        SaslClientFactory scram = SaslMechanisms.byName("SCRAM-SHA-256").orElseThrow();

        assertThat(scram.supports(bell)).isFalse();
        assertThatThrownBy(() -> scram.create(bell, SaslContext.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control character")
                .message().doesNotContain("pencil");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "garbage",
        "r=" + SHA1_NONCE + "x",
        "r=" + SHA1_NONCE + "x,s=QSXCR+Q6sek8bf92",
        "s=QSXCR+Q6sek8bf92,r=" + SHA1_NONCE + "x,i=4096",
        "r=,s=QSXCR+Q6sek8bf92,i=4096",
        "r=" + SHA1_NONCE + "x,s=not*base64,i=4096",
        "r=" + SHA1_NONCE + "x,s=QSXCR+Q6sek8bf92,i=",
        "r=" + SHA1_NONCE + "x,s=QSXCR+Q6sek8bf92,i=0",
        "r=" + SHA1_NONCE + "x,s=QSXCR+Q6sek8bf92,i=-1",
        "r=" + SHA1_NONCE + "x,s=QSXCR+Q6sek8bf92,i=+4096",
        "r=" + SHA1_NONCE + "x,s=QSXCR+Q6sek8bf92,i=99999999999999999999",
        "r=" + SHA1_NONCE + "x,s=QSXCR+Q6sek8bf92,i=4k",
        "r=" + SHA1_NONCE + "\u00e9,s=QSXCR+Q6sek8bf92,i=4096",
        "r=" + SHA1_NONCE + "\t,s=QSXCR+Q6sek8bf92,i=4096",
        ",,,",
        "=",
    })
    void malformedServerFirstIsASaslException(String serverFirst) {
        SaslClient client = sha1();
        client.initialResponse();

        assertThatThrownBy(() -> client.evaluate(bytes(serverFirst))).isInstanceOf(SaslException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "v=", "v=not*base64", "x=abc", "v", "e", "\u00ff", "v=rmF9pqV8S7su\n"})
    void malformedServerFinalIsASaslException(String serverFinal) throws Exception {
        SaslClient client = sha1AwaitingServerFinal();

        assertThatThrownBy(() -> client.evaluate(bytes(serverFinal))).isInstanceOf(SaslException.class);
        assertThatThrownBy(() -> client.verifySuccess(Optional.empty())).isInstanceOf(SaslException.class);
    }

    @Test
    void factoriesDescribeScram() {
        SaslClientFactory scram = SaslMechanisms.byName("scram-sha-256").orElseThrow();

        assertThat(scram.mechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(scram.authenticatesServer()).isTrue();
        assertThat(scram.sendsSecretInClear()).isFalse();
        assertThat(scram.supports(new Credential.BearerToken("user", "token"))).isFalse();
    }
}
