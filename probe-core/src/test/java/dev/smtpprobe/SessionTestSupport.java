package dev.smtpprobe;

import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.Timeouts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** One prober per test class (as in production: one shared event loop group), one mock server per test. */
abstract class SessionTestSupport {

    /** Short limits so that fault tests end quickly; the overall deadline stays well above them. */
    static final Timeouts FAST = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2),
            Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(15));

    static SmtpProber prober;
    static RecordingEventListener listener;
    MockSmtpServer server;

    @BeforeAll
    static void startProber() {
        listener = new RecordingEventListener();
        prober = SmtpProber.builder().listener(new ForwardingListener()).threads(1).build();
    }

    @AfterAll
    static void stopProber() {
        prober.close();
    }

    @BeforeEach
    void newServer() {
        server = new MockSmtpServer();
        listener = new RecordingEventListener();
    }

    @AfterEach
    void closeServer() {
        server.close();
    }

    SessionRequest.Builder request() {
        return SessionRequest.builder("localhost", server.address())
                .ehloName("probe.test")
                .mailFrom("sender@probe.test")
                .timeouts(FAST);
    }

    SessionResult run(SessionRequest request) throws Exception {
        return prober.session(request).get(20, TimeUnit.SECONDS);
    }

    /** The verbs the server recorded, in order, waiting briefly for the last ones to arrive. */
    List<String> verbs(int expected) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < expected; i++) {
            out.add(server.takeCommand().verb());
        }
        return out;
    }

    static String transcriptText(SessionResult r) {
        return r.transcript().stream().map(t -> t.direction() + " " + t.line()).collect(Collectors.joining("\n"));
    }

    static List<SmtpPhase> phases(SessionResult r) {
        return r.steps().stream().map(s -> s.phase()).collect(Collectors.toList());
    }

    /** Forwards to whatever recorder the current test installed (the prober is shared, the recorder is not). */
    private static final class ForwardingListener extends ProbeEventListener {
        @Override public void sessionStart(dev.smtpprobe.model.SessionRequest r) { listener.sessionStart(r); }
        @Override public void sessionEnd(dev.smtpprobe.model.SessionRequest r, SessionResult s) { listener.sessionEnd(r, s); }
        @Override public void phaseStart(dev.smtpprobe.model.SessionRequest r, SmtpPhase p, java.util.Optional<String> c) { listener.phaseStart(r, p, c); }
        @Override public void phaseEnd(dev.smtpprobe.model.SessionRequest r, SmtpPhase p, java.util.Optional<dev.smtpprobe.model.SmtpReply> rep, Duration d) { listener.phaseEnd(r, p, rep, d); }
        @Override public void phaseFailed(dev.smtpprobe.model.SessionRequest r, SmtpPhase p, dev.smtpprobe.model.ProbeStatus k, Duration d) { listener.phaseFailed(r, p, k, d); }
        @Override public void tlsEstablished(dev.smtpprobe.model.SessionRequest r, dev.smtpprobe.model.TlsSessionInfo t) { listener.tlsEstablished(r, t); }
    }
}
