package dev.smtpprobe;

import dev.smtpprobe.model.ExtensionUse;
import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.model.SmtpPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.RecordedCommand;
import dev.smtpprobe.fixtures.RecordedHandshake;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.fixtures.SocketEffect;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.SmtpReply;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Regression tests for engine bugs found by {@link HostileServerFuzzTest} and by review. */
class SmtpProberHardeningTest extends SessionTestSupport {

    private List<String> verbsUntilClose() {
        List<String> out = new ArrayList<>();
        Optional<RecordedCommand> c;
        while ((c = server.pollCommand(Duration.ofMillis(200))).isPresent()) {
            out.add(c.get().verb());
        }
        return out;
    }

    // ---------------------------------------------------------------- listeners

    /** Throws from every callback; {@code error} picks an Error (AssertionError) over a RuntimeException. */
    private static final class ThrowingListener extends ProbeEventListener {
        private final boolean error;

        ThrowingListener(boolean error) {
            this.error = error;
        }

        private void boom() {
            if (error) {
                throw new AssertionError("listener assertion");
            }
            throw new IllegalStateException("listener bug");
        }

        @Override public void sessionStart(SessionRequest r) { boom(); }
        @Override public void sessionEnd(SessionRequest r, SessionResult s) { boom(); }
        @Override public void phaseStart(SessionRequest r, SmtpPhase p, Optional<String> c) { boom(); }
        @Override public void phaseEnd(SessionRequest r, SmtpPhase p, Optional<SmtpReply> rep, Duration d) { boom(); }
        @Override public void phaseFailed(SessionRequest r, SmtpPhase p, ProbeStatus k, Duration d) { boom(); }
    }

    @ParameterizedTest(name = "listener throwing an Error: {0}")
    @ValueSource(booleans = {false, true})
    void aListenerThatThrowsChangesNothing(boolean error) throws Exception {
        server.start();
        try (SmtpProber own = SmtpProber.builder().listener(new ThrowingListener(error)).threads(1).build()) {
            // Before the fix an AssertionError from sessionStart escaped the start task: the future never completed.
            SessionResult r = own.session(request().startTls(StartTlsPolicy.NEVER)
                    .recipients(List.of("bob@example.test")).build()).get(10, TimeUnit.SECONDS);
            assertThat(r.failure()).isEmpty();
            assertThat(r.politeEnd()).isTrue();
        }
    }

    // ---------------------------------------------------------------- transcript

    @Test
    void terminalEscapesInRepliesAreEscapedInTheTranscript() throws Exception {
        server.greeting(Reply.raw("220 mock.test \u001b[2J\u001b]0;owned\u0007 ready\r\n"));
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.NEVER).build());

        assertThat(r.failure()).isEmpty();
        assertThat(transcriptText(r)).contains("220 mock.test \\x1b[2J\\x1b]0;owned\\x07 ready");
        assertThat(r.transcript()).allSatisfy(line -> assertThat(line.line().chars()).noneMatch(c -> c < 0x20));
    }

    // ---------------------------------------------------------------- 421

    @Test
    void greeting421EndsWithoutQuit() throws Exception {
        server.greeting(Reply.of(421, "4.3.2 mock.test too busy"));
        server.start();
        SessionResult r = run(request().build());

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.BANNER);
            assertThat(f.reply()).hasValueSatisfying(rep -> assertThat(rep.code()).isEqualTo(421));
        });
        assertThat(verbsUntilClose()).isEmpty();
        assertThat(phases(r)).doesNotContain(SmtpPhase.QUIT);
        listener.assertPaired();
    }

    @Test
    void a421ToMailClosesAtOnceInsteadOfSendingRsetOrQuitIntoAClosingChannel() throws Exception {
        // The server says 421 but keeps the socket open: before the fix the client sent QUIT and waited for
        // the command timeout (here 30 s, far beyond the test's wait) for an answer that never came.
        server.on("MAIL", Reply.builder().code(421).line("4.3.2 shutting down").effect(SocketEffect.stall()).build());
        server.start();
        SessionResult r = prober.session(request().extensions(ExtensionUse.DEFAULTS.withPipelining(false)).startTls(StartTlsPolicy.NEVER)
                .timeouts(new dev.smtpprobe.model.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30),
                        Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60)))
                .recipients(List.of("bob@example.test")).build()).get(10, TimeUnit.SECONDS);

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.MAIL);
            assertThat(f.message()).contains("closing the connection");
        });
        assertThat(verbsUntilClose()).containsExactly("EHLO", "MAIL");
        assertThat(r.politeEnd()).isFalse();
    }

    @Test
    void a421ToRcptStopsTheRecipientLoop() throws Exception {
        server.on("RCPT", Reply.of(421, "4.7.0 too many errors"));
        server.start();
        SessionResult r = run(request().extensions(ExtensionUse.DEFAULTS.withPipelining(false)).startTls(StartTlsPolicy.NEVER)
                .recipients(List.of("a@example.test", "b@example.test")).build());

        assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f.phase()).isEqualTo(SmtpPhase.RCPT));
        assertThat(verbsUntilClose()).containsExactly("EHLO", "MAIL", "RCPT");
    }

    // ---------------------------------------------------------------- connect

    @Test
    void resetRightAfterAcceptIsAClosedConnection() throws Exception {
        try (ServerSocket resetting = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = resetting.accept()) {
                    s.setSoLinger(true, 0);
                } catch (Exception ignored) {
                    // the test fails on the result, not here
                }
            });
            t.setDaemon(true);
            t.start();
            SessionResult r = run(SessionRequest.builder("localhost",
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), resetting.getLocalPort())).timeouts(FAST).build());

            // Depending on timing the reset lands while connecting or while awaiting the banner: closed either way.
            assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(ProbeStatus.CONNECTION_CLOSED));
        }
    }

    @Test
    void unresolvedIpLiteralIsDialledWithoutDns() throws Exception {
        server.start();
        SessionResult r = run(SessionRequest.builder("localhost",
                InetSocketAddress.createUnresolved("127.0.0.1", server.port())).timeouts(FAST)
                .startTls(StartTlsPolicy.NEVER).build());
        assertThat(r.failure()).isEmpty();
        assertThat(r.politeEnd()).isTrue();
    }

    @Test
    void unresolvedHostNameFailsFastWithAClearMessage() throws Exception {
        SessionResult r = run(SessionRequest.builder("mx.example.invalid",
                InetSocketAddress.createUnresolved("mx.example.invalid", 25)).timeouts(FAST).build());
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.UNREACHABLE);
            assertThat(f.phase()).isEqualTo(SmtpPhase.CONNECT);
            assertThat(f.message()).contains("not resolved").contains("mx.example.invalid");
        });
        listener.assertPaired();
    }

    @ParameterizedTest(name = "host name {0}")
    @ValueSource(strings = {"[::1]", "::1", "127.0.0.1"})
    void ipLiteralHostNamesSendNoSni(String hostName) throws Exception {
        server.startTls(TestCertificates.newAuthority("sni test CA").issue("localhost", "127.0.0.1", "::1"));
        server.start();
        SessionResult r = run(SessionRequest.builder(hostName, server.address()).timeouts(FAST)
                .startTls(StartTlsPolicy.REQUIRE).build());

        RecordedHandshake handshake = server.takeHandshake();
        assertThat(handshake.succeeded()).isTrue();
        assertThat(handshake.sniHostName()).isEmpty();
        assertThat(r.tls()).hasValueSatisfying(t -> assertThat(t.sniHostName()).isEmpty());
        assertThat(transcriptText(r)).contains("no SNI");
    }

    // ---------------------------------------------------------------- close

    @Test
    void closeIsIdempotentAndSafeFromTheProbersOwnEventLoop() throws Exception {
        server.start();
        SmtpProber own = SmtpProber.builder().threads(1).build();
        CompletableFuture<Throwable> closeOutcome = new CompletableFuture<>();
        own.session(request().startTls(StartTlsPolicy.NEVER).build()).thenRun(() -> {
            // Runs on the prober's event loop: before the fix close() waited there for its own termination.
            try {
                own.close();
                own.close();
                closeOutcome.complete(null);
            } catch (Throwable t) {
                closeOutcome.complete(t);
            }
        });
        assertThat(closeOutcome.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(own.eventLoopGroup().terminationFuture().await(10, TimeUnit.SECONDS)).isTrue();
        own.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> own.session(request().build()))
                .isInstanceOf(IllegalStateException.class);
    }

    // ---------------------------------------------------------------- AUTH

    @Test
    void aServerThatChallengesForeverIsStoppedAfterTheCancel() throws Exception {
        // Every line after AUTH gets another 334: before the fix the client answered "*" to each, a ping-pong
        // that only the overall deadline ended.
        server.dispatcher(command -> {
            switch (command.isContinuation() ? "AUTH" : command.verb()) {
                case "EHLO": return Reply.of(250, "mock.test", "AUTH PLAIN LOGIN");
                case "AUTH": return Reply.of(334, "");
                case "QUIT": return Reply.of(221, "bye");
                default: return Reply.of(250, "ok");
            }
        });
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.NEVER).allowPlaintextAuth(true)
                .credential(new dev.smtpprobe.model.Credential.Password("alice", "pw"))
                .timeouts(new dev.smtpprobe.model.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5),
                        Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(8)))
                .build());

        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.PROTOCOL_ERROR);
            assertThat(f.phase()).isEqualTo(SmtpPhase.AUTH);
        });
        assertThat(r.authenticated()).isFalse();
        List<RecordedCommand> sent = new ArrayList<>();
        Optional<RecordedCommand> c;
        while ((c = server.pollCommand(Duration.ofMillis(200))).isPresent()) {
            sent.add(c.get());
        }
        // AUTH PLAIN with its initial response, the one re-send PLAIN allows, the "*" cancel, then QUIT.
        assertThat(sent).hasSizeLessThanOrEqualTo(5);
        // The server still reads lines as AUTH answers, so QUIT arrives as a continuation line.
        assertThat(sent.get(sent.size() - 1).rawLine()).isEqualTo("QUIT");
        assertThat(sent.get(sent.size() - 2).rawLine()).isEqualTo("*");
    }

    @Test
    void closingTheProberEndsSessionsInFlightWithAResult() throws Exception {
        server.silentAfterConnect();
        server.start();
        SmtpProber own = SmtpProber.builder().threads(1).build();
        CompletableFuture<SessionResult> inFlight = own.session(request().timeouts(new dev.smtpprobe.model.Timeouts(
                Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofSeconds(60), Duration.ofSeconds(120))).build());
        server.awaitConnection(Duration.ofSeconds(5));
        own.close();

        SessionResult r = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(r.failure()).isPresent();
        assertThat(server.awaitConnectionClosed(Duration.ofSeconds(5))).isZero();
    }
}
