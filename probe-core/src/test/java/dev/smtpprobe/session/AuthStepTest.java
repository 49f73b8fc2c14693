package dev.smtpprobe.session;

import static dev.smtpprobe.session.EmbeddedSession.done;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.sasl.SaslServerExchange;
import dev.smtpprobe.fixtures.sasl.SaslServerMechanisms;
import dev.smtpprobe.fixtures.sasl.SaslServerOptions;
import dev.smtpprobe.fixtures.sasl.SaslServerOptions.ScramServerFinal;
import dev.smtpprobe.fixtures.sasl.SaslServerStep;
import dev.smtpprobe.model.Credential;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionResult.AuthResult;
import dev.smtpprobe.model.SmtpPhase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** AUTH against the fixture's independent SASL server, each line carried by hand between it and the client. */
class AuthStepTest {

    private static final String PASSWORD = "pencil-Secret-42";

    private static EmbeddedSession session() {
        return EmbeddedSession.of(EmbeddedSession.request().credential(new Credential.Password("alice", PASSWORD)));
    }

    /** An embedded channel has no TLS: the SCRAM exchanges are allowed over it as --auth-plaintext would. */
    private static EmbeddedSession plaintextAllowed() {
        return EmbeddedSession.of(EmbeddedSession.request().credential(new Credential.Password("alice", PASSWORD))
                .allowPlaintextAuth(true));
    }

    /** Plays the server: answers each line the client writes until the step is done; returns the client's lines. */
    private static List<String> converse(EmbeddedSession s, CompletableFuture<Next> step, SaslServerExchange server) {
        List<String> lines = new ArrayList<>();
        boolean started = false;
        while (!step.isDone()) {
            String wrote = s.clientWrote();
            assertThat(wrote).as("the client wrote a line").endsWith("\r\n");
            String line = wrote.substring(0, wrote.length() - 2);
            lines.add(line);
            SaslServerStep next;
            if (line.equals("*")) {
                s.serverSends("501 5.0.0 Authentication cancelled\r\n");
                continue;
            }
            if (!started) {
                String[] parts = line.split(" ");
                assertThat(parts[0]).isEqualTo("AUTH");
                next = server.start(parts.length > 2 ? Optional.of(Base64.getDecoder().decode(parts[2]))
                        : Optional.empty());
                started = true;
            } else {
                next = server.respond(Base64.getDecoder().decode(line));
            }
            if (next instanceof SaslServerStep.Challenge c) {
                s.serverSends("334 " + Base64.getEncoder().encodeToString(c.data()) + "\r\n");
            } else if (next instanceof SaslServerStep.Accept) {
                s.serverSends("235 2.7.0 Authentication successful\r\n");
            } else {
                s.serverSends("535 5.7.8 Authentication credentials invalid\r\n");
            }
        }
        return lines;
    }

    private static SaslServerExchange scram(String mechanism, SaslServerOptions options) {
        return SaslServerMechanisms.start(mechanism, Map.of("alice", PASSWORD), Map.of(), options, "mx.example.test")
                .orElseThrow();
    }

    @Test
    void scramSha256ProvesBothSidesAndTheTranscriptShowsOnlyRedactedLines() {
        EmbeddedSession s = plaintextAllowed().offers("AUTH PLAIN LOGIN SCRAM-SHA-1 SCRAM-SHA-256");
        CompletableFuture<Next> step = new AuthStep().run(s.ctx);
        List<String> wire = converse(s, step, scram("SCRAM-SHA-256", SaslServerOptions.defaults()));

        assertThat(done(step)).isEqualTo(Next.CONTINUE);
        assertThat(wire.get(0)).startsWith("AUTH SCRAM-SHA-256 ");
        assertThat(new String(Base64.getDecoder().decode(wire.get(0).split(" ")[2]), StandardCharsets.UTF_8))
                .startsWith("n,,n=alice,r=");
        assertThat(wire).hasSize(3).last().isEqualTo(""); // client-first, client-final, the empty answer to v=
        assertThat(s.ctx.auth).contains(new AuthResult("SCRAM-SHA-256", true, true));
        assertThat(s.ctx.failure).isEmpty();
        assertThat(s.transcript()).contains("AUTH SCRAM-SHA-256 <redacted>").doesNotContain(PASSWORD)
                .doesNotContain(wire.get(0).split(" ")[2]).doesNotContain(wire.get(1));
        assertThat(s.timeline.steps()).extracting(st -> st.command().orElse(""))
                .containsExactly("AUTH SCRAM-SHA-256 <redacted>", "<redacted>", "<redacted>");
        s.assertListenerPaired();
    }

    @Test
    void aScramServerWithTheWrongSignatureIsCancelledAndReportedAsUnverified() {
        EmbeddedSession s = plaintextAllowed().offers("AUTH SCRAM-SHA-1");
        CompletableFuture<Next> step = new AuthStep().run(s.ctx);
        List<String> wire = converse(s, step, scram("SCRAM-SHA-1",
                SaslServerOptions.builder().scramServerFinal(ScramServerFinal.WRONG_SIGNATURE).build()));

        assertThat(done(step)).isEqualTo(Next.QUIT);
        assertThat(wire).last().isEqualTo("*");
        assertThat(s.ctx.failure).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.AUTH_SERVER_UNVERIFIED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.AUTH);
        });
        assertThat(s.ctx.auth).contains(new AuthResult("SCRAM-SHA-1", false, false));
    }

    @Test
    void plainIsNotSentWithoutTlsUnlessAllowed() {
        EmbeddedSession s = session().offers("AUTH PLAIN LOGIN");
        assertThat(done(new AuthStep().run(s.ctx))).isEqualTo(Next.QUIT);
        assertThat(s.clientWrites()).isEmpty();
        assertThat(s.ctx.failure.orElseThrow().status()).isEqualTo(ProbeStatus.AUTH_REFUSED_PLAINTEXT);
    }

    @Test
    void a535IsARefusalWithTheReply() {
        EmbeddedSession s = EmbeddedSession.of(EmbeddedSession.request().allowPlaintextAuth(true)
                .credential(new Credential.Password("alice", PASSWORD))).offers("AUTH PLAIN");
        CompletableFuture<Next> step = new AuthStep().run(s.ctx);
        assertThat(s.clientWrote()).startsWith("AUTH PLAIN ");
        s.serverSends("535 5.7.8 Authentication credentials invalid\r\n");

        assertThat(done(step)).isEqualTo(Next.QUIT);
        assertThat(s.ctx.failure).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.reply().orElseThrow().code()).isEqualTo(535);
        });
        assertThat(s.ctx.auth).contains(new AuthResult("PLAIN", false, false));
    }
}
