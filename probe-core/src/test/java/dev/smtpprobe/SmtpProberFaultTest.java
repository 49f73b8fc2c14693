package dev.smtpprobe;

import dev.smtpprobe.model.SmtpPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.fixtures.SocketEffect;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionFailure;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.Timeouts;
import dev.smtpprobe.model.ReplyFlag;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hostile and broken servers: every case ends with a finding, never a hang, exception or unbounded buffer. */
class SmtpProberFaultTest extends SessionTestSupport {

    private static final Timeouts SHORT = new Timeouts(Duration.ofMillis(500), Duration.ofMillis(500),
            Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofSeconds(10));

    private static void assertFailure(SessionResult r, ProbeStatus kind, SmtpPhase phase) {
        assertThat(r.failure()).as("failure of %s", transcriptText(r)).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(kind);
            assertThat(f.phase()).isEqualTo(phase);
        });
    }

    @Test
    void closedRightAfterConnect() throws Exception {
        server.closeAfterConnect();
        server.start();
        SessionResult r = run(request().build());
        assertFailure(r, ProbeStatus.CONNECTION_CLOSED, SmtpPhase.BANNER);
        assertThat(r.politeEnd()).isFalse();
        listener.assertPaired();
    }

    @Test
    void noBannerTimesOut() throws Exception {
        server.silentAfterConnect();
        server.start();
        SessionResult r = run(request().timeouts(SHORT).build());
        assertFailure(r, ProbeStatus.TIMEOUT, SmtpPhase.BANNER);
        assertThat(listener.events()).contains("phaseFailed BANNER TIMEOUT");
        listener.assertPaired();
    }

    @Test
    void stallInTheMiddleOfAReplyTimesOut() throws Exception {
        server.on("EHLO", Reply.builder().code(250).lines("mock.test", "PIPELINING", "8BITMIME")
                .effect(SocketEffect.stallMidReply(15)).build());
        server.start();
        SessionResult r = run(request().timeouts(SHORT).build());
        assertFailure(r, ProbeStatus.TIMEOUT, SmtpPhase.EHLO);
    }

    @Test
    void closedInTheMiddleOfAReply() throws Exception {
        server.on("EHLO", Reply.builder().raw("250-mock.test\r\n250-PIPEL").effect(SocketEffect.closeSocket()).build());
        server.start();
        SessionResult r = run(request().build());
        assertFailure(r, ProbeStatus.CONNECTION_CLOSED, SmtpPhase.EHLO);
        assertThat(r.failure().map(SessionFailure::message).orElse("")).contains("middle of a reply");
    }

    @Test
    void garbageInsteadOfABanner() throws Exception {
        server.greeting(Reply.raw("HTTP/1.1 400 Bad Request\r\n\r\n"));
        server.start();
        SessionResult r = run(request().build());
        assertFailure(r, ProbeStatus.PROTOCOL_ERROR, SmtpPhase.BANNER);
        listener.assertPaired();
    }

    @Test
    void overlongLineWithinTheCapIsToleratedAndFlagged() throws Exception {
        server.greeting(Reply.of(220, "mock.test " + "x".repeat(3000)));
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.NEVER).build());
        assertThat(r.failure()).isEmpty();
        assertThat(r.steps().get(1).reply().orElseThrow().flags()).contains(ReplyFlag.OVERLONG_LINE);
    }

    @Test
    void lineOverTheHardCapIsAProtocolError() throws Exception {
        server.greeting(Reply.of(220, "mock.test " + "x".repeat(20_000)));
        server.start();
        SessionResult r = run(request().build());
        assertFailure(r, ProbeStatus.PROTOCOL_ERROR, SmtpPhase.BANNER);
    }

    @Test
    void endlessMultiLineReplyEndsWithProtocolError() throws Exception {
        server.on("EHLO", Reply.builder().code(250).line("mock.test").effect(SocketEffect.endlessMultiline()).build());
        server.start();
        SessionResult r = run(request().build());
        assertFailure(r, ProbeStatus.PROTOCOL_ERROR, SmtpPhase.EHLO);
        assertThat(r.failure().orElseThrow().message()).contains("more than 100 lines");
    }

    @Test
    void bareLfBannerIsAcceptedAndFlagged() throws Exception {
        server.greeting(Reply.raw("220 mock.test bare\n"));
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.NEVER).build());
        assertThat(r.failure()).isEmpty();
        assertThat(r.steps().get(1).reply().orElseThrow().flags()).contains(ReplyFlag.BARE_LF);
    }

    @Test
    void closeAtMailGivesConnectionClosedAtMail() throws Exception {
        server.closeOnCommand("MAIL");
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.NEVER).recipients(List.of("bob@example.test")).build());
        assertFailure(r, ProbeStatus.CONNECTION_CLOSED, SmtpPhase.MAIL);
        assertThat(r.politeEnd()).isFalse();
        listener.assertPaired();
    }

    @Test
    void resetAtRcptGivesConnectionClosedAtRcpt() throws Exception {
        server.on("RCPT", Reply.effectOnly(SocketEffect.resetSocket()));
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.NEVER).recipients(List.of("bob@example.test")).build());
        assertFailure(r, ProbeStatus.CONNECTION_CLOSED, SmtpPhase.RCPT);
    }

    @Test
    void connectionRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SessionResult r = run(SessionRequest.builder("localhost", new InetSocketAddress("127.0.0.1", port))
                .timeouts(SHORT).build());
        assertFailure(r, ProbeStatus.CONNECTION_REFUSED, SmtpPhase.CONNECT);
        assertThat(r.steps()).hasSize(1);
        assertThat(r.transcript()).isNotEmpty();
        listener.assertPaired();
    }

    @Test
    void overallDeadlineEndsAStalledSession() throws Exception {
        server.silentAfterConnect();
        server.start();
        Timeouts deadline = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMillis(400));
        SessionResult r = run(request().timeouts(deadline).build());
        assertFailure(r, ProbeStatus.DEADLINE_EXCEEDED, SmtpPhase.BANNER);
        listener.assertPaired();
    }

    @Test
    void quitWithoutAnswerStillEnds() throws Exception {
        server.closeOnCommand("QUIT");
        server.start();
        SessionResult r = run(request().startTls(StartTlsPolicy.NEVER).build());
        assertThat(r.failure()).isEmpty();
        assertThat(r.politeEnd()).isFalse();
        listener.assertPaired();
    }

    @Test
    void mixedCodesAreFlagged() throws Exception {
        server.on("EHLO", Reply.raw("250-mock.test\r\n251-PIPELINING\r\n250 8BITMIME\r\n"));
        server.start();
        SessionResult r = run(request().build());
        assertThat(r.steps().get(2).reply().orElseThrow().flags()).contains(ReplyFlag.MIXED_CODES);
    }
}
