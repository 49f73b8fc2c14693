package dev.smtpprobe;

import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.model.SmtpPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.TlsSessionInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records session events as short strings ("phaseStart EHLO") and checks that starts and ends pair up. */
public final class RecordingEventListener extends ProbeEventListener {

    private final List<String> events = new CopyOnWriteArrayList<>();

    public List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public void sessionStart(SessionRequest request) {
        events.add("sessionStart");
    }

    @Override
    public void sessionEnd(SessionRequest request, SessionResult result) {
        events.add("sessionEnd");
    }

    @Override
    public void phaseStart(SessionRequest request, SmtpPhase phase, Optional<String> command) {
        events.add("phaseStart " + phase);
    }

    @Override
    public void phaseEnd(SessionRequest request, SmtpPhase phase, Optional<SmtpReply> reply, Duration elapsed) {
        events.add("phaseEnd " + phase);
    }

    @Override
    public void phaseFailed(SessionRequest request, SmtpPhase phase, ProbeStatus kind, Duration elapsed) {
        events.add("phaseFailed " + phase + " " + kind);
    }

    @Override
    public void tlsEstablished(SessionRequest request, TlsSessionInfo tls) {
        events.add("tlsEstablished " + tls.protocol());
    }

    /**
     * Every start is followed by exactly one end or failure of the same phase. Pipelined commands keep several
     * phases open at once; their ends come in the order they were started, as their replies do.
     */
    public void assertPaired() {
        List<String> list = events();
        assertThat(list).isNotEmpty();
        assertThat(list.get(0)).isEqualTo("sessionStart");
        assertThat(list.get(list.size() - 1)).isEqualTo("sessionEnd");
        assertThat(list.stream().filter(e -> e.equals("sessionEnd")).count()).isEqualTo(1);
        java.util.ArrayDeque<String> open = new java.util.ArrayDeque<>();
        List<String> problems = new ArrayList<>();
        for (String e : list) {
            if (e.startsWith("phaseStart ")) {
                open.add(e.substring(11));
            } else if (e.startsWith("phaseEnd ") || e.startsWith("phaseFailed ")) {
                String phase = e.split(" ")[1];
                String oldest = open.poll();
                if (!phase.equals(oldest)) {
                    problems.add(e + " without a matching start (oldest open: " + oldest + ")");
                }
            }
        }
        if (!open.isEmpty()) {
            problems.add(open + " never ended");
        }
        assertThat(problems).as("pairing problems in %s", list).isEmpty();
    }
}
