package dev.smtpprobe.diagnosis;

import dev.smtpprobe.model.Addresses;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.Outcome;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.Step;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.CertificateSummary;
import dev.smtpprobe.model.HostTransport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Facts derived from raw observations that rules, reports and metrics all need to agree on. */
public final class Observations {

    /** Phases whose rejection means the server did not accept what the probe offered. */
    private static final Set<SmtpPhase> DELIVERY_PHASES = EnumSet.of(
            SmtpPhase.BANNER, SmtpPhase.AUTH, SmtpPhase.MAIL, SmtpPhase.RCPT, SmtpPhase.DATA, SmtpPhase.MESSAGE);

    private Observations() {
    }

    /** "mx1.example.com [192.0.2.1]" : the name dialled and the address, as findings and reports name a host. */
    public static String hostLabel(SessionResult session) {
        String address = addressText(session.address());
        if (address.isEmpty() || address.equalsIgnoreCase(session.hostName())) {
            return session.hostName();
        }
        return session.hostName() + " [" + address + "]";
    }

    /** The literal address without resolving anything (an unresolved address gives its host string). */
    public static String addressText(InetSocketAddress address) {
        if (address == null) {
            return "";
        }
        return address.getAddress() != null ? Addresses.text(address.getAddress()) : address.getHostString();
    }

    /**
     * The server walked everything the probe asked without a 4xx or 5xx where it matters. A refused STARTTLS
     * or an unanswered QUIT does not stop mail from being accepted, so those do not count.
     */
    public static boolean accepted(SessionResult session) {
        if (!session.succeeded()) {
            return false;
        }
        for (Step step : session.steps()) {
            if (DELIVERY_PHASES.contains(step.phase()) && step.reply().map(r -> r.code() >= 400).orElse(false)) {
                return false;
            }
        }
        return true;
    }

    /** The session the verdict rests on: the first that accepted the probe, else the last one attempted. */
    public static Optional<SessionResult> primarySession(ProbeResult result) {
        for (SessionResult s : result.sessions()) {
            if (accepted(s)) {
                return Optional.of(s);
            }
        }
        List<SessionResult> all = result.sessions();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The instant the rules judge certificate dates against: when the probe ran, not when it is read. */
    public static Instant probeTime(ProbeResult result) {
        return result.startedAt() != null ? result.startedAt() : Instant.EPOCH;
    }

    /** Whole days from {@code now} to the certificate's notAfter; negative once expired. */
    public static long daysToExpiry(CertificateSummary certificate, Instant now) {
        return Math.floorDiv(Duration.between(now, certificate.notAfter()).toSeconds(), 86_400L);
    }

    public static Optional<CertificateSummary> leaf(SessionResult session) {
        return session.tls().flatMap(t -> t.chain().isEmpty() ? Optional.empty() : Optional.of(t.chain().get(0)));
    }

    /** The transport-security verdicts of a session (matched by position, as the probe records them). */
    public static Optional<HostTransport> transport(ProbeResult result, SessionResult session) {
        List<SessionResult> sessions = result.sessions();
        List<HostTransport> hosts = result.transport().hosts();
        for (int i = 0; i < sessions.size() && i < hosts.size(); i++) {
            if (sessions.get(i) == session) {
                return Optional.of(hosts.get(i));
            }
        }
        return Optional.empty();
    }

    /** The MX preference of the host a session dialled, when the DNS plan names it. */
    public static OptionalInt preference(ProbeResult result, SessionResult session) {
        if (result.dns().isEmpty()) {
            return OptionalInt.empty();
        }
        for (MxHost host : result.dns().get().hosts()) {
            if (host.name().equalsIgnoreCase(session.hostName())) {
                return OptionalInt.of(host.preference());
            }
        }
        return OptionalInt.empty();
    }

    /**
     * How the session ended: SUCCESS when the server accepted the probe, TRANSIENT or PERMANENT when a 4xx or 5xx
     * stopped it, ERROR when no usable reply came.
     */
    public static Outcome outcome(SessionResult session) {
        if (accepted(session)) {
            return Outcome.SUCCESS;
        }
        Optional<SmtpReply> decisive = session.failure().flatMap(f -> f.reply());
        if (decisive.isEmpty() && session.failure().isEmpty()) {
            decisive = session.steps().stream()
                    .filter(s -> DELIVERY_PHASES.contains(s.phase()))
                    .flatMap(s -> s.reply().stream())
                    .filter(r -> r.code() >= 400)
                    .reduce((a, b) -> a.code() >= b.code() ? a : b);
        }
        return decisive.map(r -> Outcome.ofReplyCode(r.code())).orElse(Outcome.ERROR);
    }
}
