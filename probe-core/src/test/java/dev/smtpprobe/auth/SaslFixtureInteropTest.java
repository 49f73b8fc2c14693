package dev.smtpprobe.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.MockSmtpServerExtension;
import dev.smtpprobe.fixtures.RecordedCommand;
import dev.smtpprobe.fixtures.sasl.SaslServerOptions;
import dev.smtpprobe.model.Credential;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every client mechanism against the fixture's independent server side, over a real socket, with random nonces
 * and a non-ASCII password. {@link #authenticate} is the loop the engine's AUTH step has to implement.
 */
class SaslFixtureInteropTest {
    private static final String PASSWORD = "pässwörd \u00AA";
    private static final Credential ALICE = new Credential.Password("alice", PASSWORD);
    private static final Credential BOB_TOKEN = new Credential.BearerToken("bob@example.test", "ya29.good-token");

    @RegisterExtension
    final MockSmtpServerExtension smtp = new MockSmtpServerExtension();

    /** What one AUTH exchange ended with: the final reply code, and the client's verdict. */
    record Outcome(int code, Optional<SaslException> failure, SaslClient client) {
        boolean authenticated() {
            return code == 235 && failure.isEmpty();
        }
    }

    private MockSmtpServer server(String... mechanisms) {
        return smtp.server().authMechanisms(mechanisms).users(Map.of("alice", PASSWORD))
                .bearerTokens(Map.of("bob@example.test", "ya29.good-token"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN"})
    void passwordMechanismsAuthenticate(String mechanism) throws Exception {
        Outcome outcome = authenticate(server(mechanism), ALICE, SaslContext.defaults());

        assertThat(outcome.failure()).isEmpty();
        assertThat(outcome.authenticated()).isTrue();
        assertThat(outcome.client().mechanism()).isEqualTo(mechanism);
        assertThat(outcome.client().complete()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"OAUTHBEARER", "XOAUTH2"})
    void tokenMechanismsAuthenticate(String mechanism) throws Exception {
        SaslContext context = SaslContext.builder().host("mx.example.test").port(587).build();

        Outcome outcome = authenticate(server(mechanism), BOB_TOKEN, context);

        assertThat(outcome.authenticated()).isTrue();
    }

    @Test
    void theStrongestOfferedMechanismIsUsed() throws Exception {
        MockSmtpServer server = server("LOGIN", "PLAIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256");

        Outcome outcome = authenticate(server, ALICE, SaslContext.defaults());

        assertThat(outcome.authenticated()).isTrue();
        assertThat(outcome.client().mechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(outcome.client().iterationCount()).hasValue(4096);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN"})
    void wrongPasswordsAreRejected(String mechanism) throws Exception {
        Outcome outcome = authenticate(server(mechanism), new Credential.Password("alice", "wrong"),
                SaslContext.defaults());

        assertThat(outcome.code()).isEqualTo(535);
        assertThat(outcome.failure()).isEmpty();
    }

    @Test
    void anImpostorsSignatureIsCaughtBeforeTheServerCanClaimSuccess() throws Exception {
        MockSmtpServer server = server("SCRAM-SHA-256").saslOptions(SaslServerOptions.builder()
                .scramServerFinal(SaslServerOptions.ScramServerFinal.WRONG_SIGNATURE).build());

        Outcome outcome = authenticate(server, ALICE, SaslContext.defaults());

        assertThat(outcome.failure()).hasValueSatisfying(e -> assertThat(e.possibleImpostor()).isTrue());
        assertThat(outcome.code()).isEqualTo(501); // our "*" cancelled the exchange
    }

    @Test
    void aMissingServerSignatureFailsAtSuccess() throws Exception {
        MockSmtpServer server = server("SCRAM-SHA-1").saslOptions(SaslServerOptions.builder()
                .scramServerFinal(SaslServerOptions.ScramServerFinal.OMITTED).build());

        Outcome outcome = authenticate(server, ALICE, SaslContext.defaults());

        assertThat(outcome.code()).isEqualTo(235);
        assertThat(outcome.failure()).hasValueSatisfying(e ->
                assertThat(e.reason()).isEqualTo(SaslException.Reason.SERVER_SIGNATURE_MISSING));
        assertThat(outcome.authenticated()).isFalse();
    }

    @Test
    void lowIterationCountsAreFlagged() throws Exception {
        MockSmtpServer server = server("SCRAM-SHA-256")
                .saslOptions(SaslServerOptions.builder().scramIterations(1000).build());

        Outcome outcome = authenticate(server, ALICE, SaslContext.defaults());

        assertThat(outcome.authenticated()).isTrue();
        assertThat(outcome.client().lowIterationCount()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"OAUTHBEARER", "XOAUTH2"})
    void refusedTokensEndWith535AndTheDecodedError(String mechanism) throws Exception {
        Outcome outcome = authenticate(server(mechanism), new Credential.BearerToken("bob@example.test", "expired"),
                SaslContext.defaults());

        assertThat(outcome.code()).isEqualTo(535);
        OAuthError error = outcome.client().serverFailure().orElseThrow().oauthError().orElseThrow();
        assertThat(error.status()).hasValue(mechanism.equals("XOAUTH2") ? "401" : "invalid_token");
        RecordedCommand acknowledgement = lastContinuation(smtp.server());
        assertThat(acknowledgement.rawLine()).isEqualTo(mechanism.equals("XOAUTH2") ? "" : "AQ==");
    }

    @Test
    void oauthBearerTellsTheServerWhereItConnected() throws Exception {
        SaslContext context = SaslContext.builder().host("mx.example.test").port(587).build();
        authenticate(server("OAUTHBEARER"), BOB_TOKEN, context);

        RecordedCommand auth = takeVerb(smtp.server(), "AUTH");
        String message = new String(SaslWire.decodeChallenge(auth.args().substring("OAUTHBEARER ".length())),
                StandardCharsets.UTF_8);
        assertThat(message).contains("\u0001host=mx.example.test\u0001port=587\u0001");
    }

    private static RecordedCommand takeVerb(MockSmtpServer server, String verb) throws InterruptedException {
        while (true) {
            RecordedCommand command = server.takeCommand();
            if (command.verb().equals(verb)) {
                return command;
            }
        }
    }

    private static RecordedCommand lastContinuation(MockSmtpServer server) throws InterruptedException {
        RecordedCommand last = null;
        for (int i = server.commandCount(); i > 0; i--) {
            RecordedCommand command = server.takeCommand();
            if (command.isContinuation()) {
                last = command;
            }
        }
        return last;
    }

    /** The engine's AUTH step in miniature: EHLO, choose, exchange, verify; cancels with "*" on SaslException. */
    private static Outcome authenticate(MockSmtpServer server, Credential credential, SaslContext context)
            throws IOException {
        try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
            socket.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            readReply(in);
            List<String> ehlo = command(in, out, "EHLO client.test");
            List<String> offered = ehlo.stream().map(line -> line.substring(4))
                    .filter(text -> text.startsWith("AUTH "))
                    .flatMap(text -> Arrays.stream(text.substring(5).split(" ")))
                    .toList();
            SaslClient client = SaslMechanisms.choose(offered, credential, Optional.empty()).factory().orElseThrow()
                    .create(credential, context);

            Optional<byte[]> initial = client.initialResponse();
            String reply = last(command(in, out, "AUTH " + client.mechanism()
                    + initial.map(bytes -> " " + SaslWire.encodeInitialResponse(bytes)).orElse("")));
            try {
                while (reply.startsWith("334")) {
                    byte[] challenge = SaslWire.decodeChallenge(reply.substring(3));
                    reply = last(command(in, out, SaslWire.encodeResponse(client.evaluate(challenge))));
                }
                if (reply.startsWith("235")) {
                    client.verifySuccess(Optional.empty());
                }
                return new Outcome(code(reply), Optional.empty(), client);
            } catch (SaslException e) {
                if (reply.startsWith("334")) {
                    reply = last(command(in, out, "*"));
                }
                return new Outcome(code(reply), Optional.of(e), client);
            }
        }
    }

    private static int code(String reply) {
        return Integer.parseInt(reply.substring(0, 3));
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    private static List<String> command(BufferedReader in, OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return readReply(in);
    }

    private static List<String> readReply(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed after " + lines);
            }
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return lines;
    }
}
