package dev.smtpprobe.event;

import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.TlsSessionInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Calls a user listener and swallows what it throws, so a listener bug never fails or stalls a session. Errors
 * count too (an {@code AssertionError} from a test listener used to escape {@code sessionStart} and leave the
 * session's future incomplete forever); only a {@link VirtualMachineError} is let through.
 */
public final class SafeListener {
    private static final Logger LOG = Logger.getLogger(SafeListener.class.getName());
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private final ProbeEventListener delegate;

    public SafeListener(ProbeEventListener delegate) {
        this.delegate = delegate;
    }

    private void guard(Runnable call) {
        try {
            call.run();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            if (LOGGED.compareAndSet(false, true)) {
                LOG.log(Level.FINE, "probe event listener threw; ignored (logged once)", e);
            }
        }
    }

    public void sessionStart(SessionRequest r) { guard(() -> delegate.sessionStart(r)); }
    public void sessionEnd(SessionRequest r, SessionResult s) { guard(() -> delegate.sessionEnd(r, s)); }
    public void phaseStart(SessionRequest r, SmtpPhase p, Optional<String> c) { guard(() -> delegate.phaseStart(r, p, c)); }
    public void phaseEnd(SessionRequest r, SmtpPhase p, Optional<SmtpReply> rep, Duration d) { guard(() -> delegate.phaseEnd(r, p, rep, d)); }
    public void phaseFailed(SessionRequest r, SmtpPhase p, ProbeStatus k, Duration d) { guard(() -> delegate.phaseFailed(r, p, k, d)); }
    public void tlsEstablished(SessionRequest r, TlsSessionInfo t) { guard(() -> delegate.tlsEstablished(r, t)); }
}
