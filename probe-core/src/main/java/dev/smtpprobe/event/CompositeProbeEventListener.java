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
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Fans events out to several listeners; one listener's exception neither stops the others nor the probe. */
final class CompositeProbeEventListener extends ProbeEventListener {
    private static final Logger LOG = Logger.getLogger(CompositeProbeEventListener.class.getName());
    private final List<ProbeEventListener> listeners;

    CompositeProbeEventListener(List<ProbeEventListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(Consumer<ProbeEventListener> call) {
        for (ProbeEventListener l : listeners) {
            try {
                call.accept(l);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                // An AssertionError or LinkageError from a listener must not leave a probe's future incomplete.
                LOG.log(Level.FINE, "probe event listener threw; ignored", e);
            }
        }
    }

    @Override public void probeStart(ProbeTarget t) { each(l -> l.probeStart(t)); }
    @Override public void probeEnd(ProbeTarget t, ProbeResult r) { each(l -> l.probeEnd(t, r)); }
    @Override public void dnsLookupStart(SmtpPhase p, String n, String ty) { each(l -> l.dnsLookupStart(p, n, ty)); }
    @Override public void dnsLookupEnd(SmtpPhase p, String n, String ty, int c, Duration d) { each(l -> l.dnsLookupEnd(p, n, ty, c, d)); }
    @Override public void dnsLookupFailed(SmtpPhase p, String n, String ty, DnsFailure f, Duration d) { each(l -> l.dnsLookupFailed(p, n, ty, f, d)); }
    @Override public void sessionStart(SessionRequest r) { each(l -> l.sessionStart(r)); }
    @Override public void sessionEnd(SessionRequest r, SessionResult s) { each(l -> l.sessionEnd(r, s)); }
    @Override public void phaseStart(SessionRequest r, SmtpPhase p, Optional<String> c) { each(l -> l.phaseStart(r, p, c)); }
    @Override public void phaseEnd(SessionRequest r, SmtpPhase p, Optional<SmtpReply> rep, Duration d) { each(l -> l.phaseEnd(r, p, rep, d)); }
    @Override public void phaseFailed(SessionRequest r, SmtpPhase p, ProbeStatus k, Duration d) { each(l -> l.phaseFailed(r, p, k, d)); }
    @Override public void tlsEstablished(SessionRequest r, TlsSessionInfo t) { each(l -> l.tlsEstablished(r, t)); }

    @Override
    public ProbeEventListener plus(ProbeEventListener other) {
        java.util.ArrayList<ProbeEventListener> all = new java.util.ArrayList<>(listeners);
        all.add(other);
        return new CompositeProbeEventListener(all);
    }
}
