package dev.smtpprobe.diagnosis;

import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.MxPlan;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.SessionFailure;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.Step;
import dev.smtpprobe.model.TlsMode;
import dev.smtpprobe.model.TranscriptLine;
import dev.smtpprobe.model.EhloCapabilities;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.CertificateSummary;
import dev.smtpprobe.model.TlsSessionInfo;
import dev.smtpprobe.model.TrustCheck;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Composes observation records the way the engine would fill them, for diagnosis and report tests.
 * These are plain data, so building them directly is not mocking.
 */
public final class Observed {
    public static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    public static final String SECRET = "s3cr3t-Pa55word";

    private Observed() {
    }

    public static InetAddress ip(String literal) {
        try {
            return InetAddress.getByAddress(InetAddress.getByName(literal).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static ProbeTarget domain(String domain) {
        return new ProbeTarget(domain, ProbeTarget.Kind.DOMAIN, domain, domain, Optional.empty(), 25);
    }

    public static ProbeTarget address(String mailbox) {
        String domain = mailbox.substring(mailbox.indexOf('@') + 1);
        return new ProbeTarget(mailbox, ProbeTarget.Kind.ADDRESS, domain, domain, Optional.of(mailbox), 25);
    }

    public static MxHost mx(int preference, String name, String address) {
        return new MxHost(preference, name, List.of(ip(address)), Optional.empty(), List.of());
    }

    public static MxPlan mxPlan(String domain, MxHost... hosts) {
        return new MxPlan(domain, MxPlan.Kind.MX, List.of(hosts), Optional.empty());
    }

    public static MxPlan failedPlan(String domain, DnsFailure.Kind kind) {
        return new MxPlan(domain, MxPlan.Kind.FAILED, List.of(),
                Optional.of(new DnsFailure(kind, domain, "MX", kind.name().toLowerCase() + " from resolver")));
    }

    public static MxPlan nullMx(String domain) {
        return new MxPlan(domain, MxPlan.Kind.NULL_MX, List.of(), Optional.empty());
    }

    public static ProbeResult probe(ProbeTarget target, Optional<MxPlan> dns, List<SessionResult> sessions,
            List<PostureCheck> posture) {
        return new ProbeResult(target, NOW, Duration.ofMillis(420), dns, sessions, posture, false);
    }

    public static ProbeResult probe(ProbeTarget target, MxPlan dns, SessionResult... sessions) {
        return probe(target, Optional.of(dns), List.of(sessions), List.of());
    }

    public static EhloCapabilities ehlo(String... keywords) {
        List<String> lines = new ArrayList<>();
        lines.add("mx.example.com greets you");
        lines.addAll(List.of(keywords));
        return EhloCapabilities.parse(SmtpReply.of(250, lines.toArray(String[]::new)));
    }

    public static CertificateSummary certificate(String host, Instant notAfter) {
        return new CertificateSummary("CN=" + host, "CN=Example Test CA", List.of(host),
                notAfter.minus(Duration.ofDays(90)), notAfter, "RSA", 2048, "SHA256withRSA",
                "AB:CD:EF:01", false);
    }

    public static TlsSessionInfo tls(String host, Instant notAfter, TrustCheck trust) {
        return new TlsSessionInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384", host, List.of(),
                List.of(certificate(host, notAfter)), trust);
    }

    public static TrustCheck trusted() {
        return new TrustCheck(true, Optional.empty(), true, false, false);
    }

    public static Step step(SmtpPhase phase, String command, SmtpReply reply) {
        return new Step(phase, Optional.ofNullable(command), Optional.ofNullable(reply), 1_000_000L * 10,
                Duration.ofMillis(12));
    }

    /** A session builder that starts with a complete, successful STARTTLS walk to RCPT. */
    public static Session session(String host, String address) {
        return new Session(host, address);
    }

    public static final class Session {
        private final String host;
        private final InetSocketAddress address;
        private final List<Step> steps = new ArrayList<>();
        private EhloCapabilities before = ehlo("PIPELINING", "SIZE 10240000", "STARTTLS", "ENHANCEDSTATUSCODES");
        private EhloCapabilities after = ehlo("PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN", "ENHANCEDSTATUSCODES");
        private Optional<TlsSessionInfo> tls;
        private Optional<SessionFailure> failure = Optional.empty();
        private boolean helo;
        private boolean authenticated;
        private Optional<String> queueId = Optional.empty();
        private final List<TranscriptLine> transcript = new ArrayList<>();
        private final List<dev.smtpprobe.model.RecipientResult> recipients = new ArrayList<>();

        Session(String host, String address) {
            this.host = host;
            this.address = new InetSocketAddress(ip(address), 25);
            this.tls = Optional.of(Observed.tls(host, NOW.plus(Duration.ofDays(87)), trusted()));
        }

        /** Banner, EHLO, STARTTLS, TLS, EHLO again: the usual opening. */
        public Session opening() {
            steps.add(Observed.step(SmtpPhase.BANNER, null, SmtpReply.of(220, host + " ESMTP ready")));
            steps.add(Observed.step(SmtpPhase.EHLO, "EHLO probe.example.net", SmtpReply.of(250, host)));
            steps.add(Observed.step(SmtpPhase.STARTTLS, "STARTTLS", SmtpReply.of(220, "2.0.0 Ready to start TLS")));
            steps.add(Observed.step(SmtpPhase.TLS_HANDSHAKE, null, null));
            steps.add(Observed.step(SmtpPhase.EHLO_TLS, "EHLO probe.example.net", SmtpReply.of(250, host)));
            return this;
        }

        public Session mailAndRcpt(String recipient, SmtpReply rcptReply) {
            steps.add(Observed.step(SmtpPhase.MAIL, "MAIL FROM:<>", SmtpReply.of(250, "2.1.0 Ok")));
            steps.add(Observed.step(SmtpPhase.RCPT, "RCPT TO:<" + recipient + ">", rcptReply));
            return this;
        }

        /** What became of one recipient, as the engine records it. */
        public Session recipient(dev.smtpprobe.model.RecipientResult r) {
            recipients.add(r);
            return this;
        }

        public Session accepted() {
            return opening().mailAndRcpt("postmaster@example.com", SmtpReply.of(250, "2.1.5 Ok")).quit();
        }

        public Session quit() {
            steps.add(Observed.step(SmtpPhase.QUIT, "QUIT", SmtpReply.of(221, "2.0.0 Bye")));
            return this;
        }

        public Session step(SmtpPhase phase, String command, SmtpReply reply) {
            steps.add(Observed.step(phase, command, reply));
            return this;
        }

        public Session noStartTls() {
            before = ehlo("PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN");
            after = before;
            tls = Optional.empty();
            return this;
        }

        public Session tls(TlsSessionInfo info) {
            tls = Optional.of(info);
            return this;
        }

        public Session failed(ProbeStatus kind, SmtpPhase phase, String message) {
            failure = Optional.of(SessionFailure.of(kind, phase, message));
            return this;
        }

        public Session failed(ProbeStatus kind, SmtpPhase phase, SmtpReply reply) {
            failure = Optional.of(new SessionFailure(kind, phase, reply.toString(), Optional.of(reply)));
            return this;
        }

        public Session authenticated() {
            authenticated = true;
            return this;
        }

        public Session queueId(String id) {
            queueId = Optional.of(id);
            return this;
        }

        public Session transcript(TranscriptLine.Direction direction, String line) {
            transcript.add(new TranscriptLine(direction, 1_000_000L * (20 + transcript.size()), line));
            return this;
        }

        public SessionResult build() {
            Optional<SessionResult.AuthResult> auth = authenticated
                    ? Optional.of(new SessionResult.AuthResult("PLAIN", true, false)) : Optional.empty();
            Optional<SessionResult.Delivery> delivery = queueId.map(id -> new SessionResult.Delivery("DATA", 400, 1,
                    Optional.empty(), Optional.of(id)));
            return new SessionResult(request(), steps, before, after, helo, tls, auth, List.copyOf(recipients), delivery,
                    steps.size(),
                    0, List.of(), failure, failure.isEmpty(), transcript, 1_000_000L * 2, Duration.ofMillis(180));
        }

        private SessionRequest request() {
            return SessionRequest.builder(host, address).build();
        }

        /** A session that never got past connect. */
        public SessionResult refused() {
            failure = Optional.of(SessionFailure.of(ProbeStatus.CONNECTION_REFUSED, SmtpPhase.CONNECT,
                    "Connection refused"));
            return new SessionResult(request(), List.of(), EhloCapabilities.NONE, EhloCapabilities.NONE, false,
                    Optional.empty(), Optional.empty(), List.of(), Optional.empty(), 0, 0, List.of(), failure, false,
                    List.of(), 1_000_000L * 2, Duration.ofMillis(3));
        }
    }
}
