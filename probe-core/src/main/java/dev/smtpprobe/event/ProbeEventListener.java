package dev.smtpprobe.event;

import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.TlsSessionInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Callbacks at the start and end of each phase, in the manner of OkHttp's EventListener, so that metrics,
 * progress output and tracing attach without touching the engine.
 *
 * <p>Contract:
 * <ul>
 *   <li>every {@code *Start} is followed by exactly one matching {@code *End} or {@code *Failed};</li>
 *   <li>callbacks run on the event loop: they must be fast, must not block and must not do I/O;</li>
 *   <li>an exception thrown by a listener is caught and logged once by the engine; it never fails a probe;</li>
 *   <li>the request (or the name and type for DNS) pairs a start with its end.</li>
 * </ul>
 */
public abstract class ProbeEventListener {

    public static final ProbeEventListener NONE = new ProbeEventListener() {
    };

    /**
     * Makes one listener per probe, for listeners that keep per-probe state or tag by the call's name. The prober
     * calls {@link #create(ProbeCall)}; a factory that needs only the target implements {@link #create(ProbeTarget)}.
     */
    @FunctionalInterface
    public interface Factory {
        ProbeEventListener create(ProbeTarget target);

        /** The listener for one call; by default the one for its target. */
        default ProbeEventListener create(ProbeCall call) {
            return create(call.request().target());
        }

        static Factory of(ProbeEventListener listener) {
            return target -> listener;
        }
    }

    public void probeStart(ProbeTarget target) {
    }

    public void probeEnd(ProbeTarget target, ProbeResult result) {
    }

    public void dnsLookupStart(SmtpPhase phase, String name, String type) {
    }

    public void dnsLookupEnd(SmtpPhase phase, String name, String type, int records, Duration elapsed) {
    }

    public void dnsLookupFailed(SmtpPhase phase, String name, String type, DnsFailure failure, Duration elapsed) {
    }

    public void sessionStart(SessionRequest request) {
    }

    public void sessionEnd(SessionRequest request, SessionResult result) {
    }

    /** A phase began; {@code command} is the redacted command line (empty for CONNECT, BANNER, TLS_HANDSHAKE). */
    public void phaseStart(SessionRequest request, SmtpPhase phase, Optional<String> command) {
    }

    /** The phase got its reply (any code: a 550 to RCPT still ends the phase; it does not fail it). */
    public void phaseEnd(SessionRequest request, SmtpPhase phase, Optional<SmtpReply> reply, Duration elapsed) {
    }

    /** The phase got no usable reply: timeout, closed connection, protocol or TLS error. */
    public void phaseFailed(SessionRequest request, SmtpPhase phase, ProbeStatus kind, Duration elapsed) {
    }

    public void tlsEstablished(SessionRequest request, TlsSessionInfo tls) {
    }

    /** Combines this listener with another; both see every event, this one first. */
    public ProbeEventListener plus(ProbeEventListener other) {
        List<ProbeEventListener> all = new ArrayList<>();
        all.add(this);
        all.add(other);
        return new CompositeProbeEventListener(all);
    }
}
