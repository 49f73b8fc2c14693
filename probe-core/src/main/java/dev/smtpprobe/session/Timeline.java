package dev.smtpprobe.session;

import dev.smtpprobe.event.SafeListener;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.Step;
import dev.smtpprobe.model.TlsSessionInfo;
import dev.smtpprobe.model.TranscriptLine.Direction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The session's record of what happened, in order: the steps with their timings, the transcript, and the
 * listener's phase events. Every phase opened here is closed exactly once, by a reply or by a failure, so the
 * listener contract (one end per start) holds however the session ends.
 */
final class Timeline {

    private final SessionRequest request;
    private final SafeListener listener;
    private final BoundedTranscript transcript = new BoundedTranscript(BoundedTranscript.DEFAULT_CAP);
    private final List<Step> steps = new ArrayList<>();
    private final List<Phase> open = new ArrayList<>();

    Timeline(SessionRequest request, SafeListener listener) {
        this.request = request;
        this.listener = listener;
    }

    /** A phase in flight: the command (redacted) that opened it, and when. */
    final class Phase {
        final SmtpPhase phase;
        final Optional<String> command;
        final long startNanos = System.nanoTime();
        private boolean closed;

        private Phase(SmtpPhase phase, Optional<String> command) {
            this.phase = phase;
            this.command = command;
        }

        void end(Optional<SmtpReply> reply) {
            if (close()) {
                Duration elapsed = elapsed();
                steps.add(new Step(phase, command, reply, startNanos, elapsed));
                listener.phaseEnd(request, phase, reply, elapsed);
            }
        }

        void fail(ProbeStatus status) {
            if (close()) {
                Duration elapsed = elapsed();
                steps.add(new Step(phase, command, Optional.empty(), startNanos, elapsed));
                listener.phaseFailed(request, phase, status, elapsed);
            }
        }

        boolean isOpen() {
            return !closed;
        }

        private boolean close() {
            if (closed) {
                return false;
            }
            closed = true;
            open.remove(this);
            return true;
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - startNanos);
        }
    }

    Phase begin(SmtpPhase phase, Optional<String> command) {
        Phase p = new Phase(phase, command);
        open.add(p);
        listener.phaseStart(request, phase, command);
        return p;
    }

    /** Closes every phase still open (the session is ending); each counts as failed with {@code status}. */
    void failOpenPhases(ProbeStatus status) {
        for (Phase p : List.copyOf(open)) {
            p.fail(status);
        }
    }

    void tlsEstablished(TlsSessionInfo info) {
        listener.tlsEstablished(request, info);
    }

    void sent(String logLine) {
        transcript.add(Direction.SENT, logLine);
    }

    void received(SmtpReply reply) {
        for (String line : reply.wireLines()) {
            transcript.add(Direction.RECEIVED, line);
        }
    }

    void note(String text) {
        transcript.add(Direction.INFO, text);
    }

    /** The phase the session is in: the oldest still open, else the last one that ended. */
    SmtpPhase currentPhase() {
        if (!open.isEmpty()) {
            return open.get(0).phase;
        }
        return steps.isEmpty() ? SmtpPhase.CONNECT : steps.get(steps.size() - 1).phase();
    }

    List<Step> steps() {
        return steps;
    }

    BoundedTranscript transcript() {
        return transcript;
    }
}
