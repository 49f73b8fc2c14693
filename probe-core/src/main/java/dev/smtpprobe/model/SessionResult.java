package dev.smtpprobe.model;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything observed in one conversation with one address; always produced, even when the session failed early.
 *
 * @param request what the session was asked to do
 * @param steps each exchange in order, the banner first
 * @param capabilitiesBeforeTls what EHLO announced in plain text (NONE when EHLO was not reached)
 * @param capabilities what the last EHLO announced (after TLS when TLS was established)
 * @param heloFallback EHLO was refused with 500/502 and HELO was used
 * @param tls the TLS session, when one was established
 * @param auth the AUTH exchange, when one was attempted
 * @param recipients each recipient with its reply, or why it was not tried
 * @param delivery what became of the message, when one was sent
 * @param roundTrips how many times the probe waited for the server; {@code pipelinedCommands} were sent without
 * @param pipelinedCommands commands sent in a batch behind another without waiting (PIPELINING)
 * @param notes irregularities and extension mismatches the engine noticed
 * @param failure why the session stopped early; empty when it walked everything asked
 * @param politeEnd RSET/QUIT were sent and QUIT was answered (false when the connection was already gone)
 * @param transcript every line sent and received, secrets redacted
 * @param startNanos {@link System#nanoTime()} at connect start
 * @param elapsed connect start to close
 * @param smuggling what the SMTP smuggling test showed, for a session that ran it ({@link SessionOptions#smuggling()})
 */
public record SessionResult(
        SessionRequest request,
        List<Step> steps,
        EhloCapabilities capabilitiesBeforeTls,
        EhloCapabilities capabilities,
        boolean heloFallback,
        Optional<TlsSessionInfo> tls,
        Optional<AuthResult> auth,
        List<RecipientResult> recipients,
        Optional<Delivery> delivery,
        int roundTrips,
        int pipelinedCommands,
        List<SessionNote> notes,
        Optional<SessionFailure> failure,
        boolean politeEnd,
        List<TranscriptLine> transcript,
        long startNanos,
        Duration elapsed,
        Optional<SmugglingResult> smuggling) {

    /** A session without the smuggling test. */
    public SessionResult(SessionRequest request, List<Step> steps, EhloCapabilities capabilitiesBeforeTls,
            EhloCapabilities capabilities, boolean heloFallback, Optional<TlsSessionInfo> tls, Optional<AuthResult> auth,
            List<RecipientResult> recipients, Optional<Delivery> delivery, int roundTrips, int pipelinedCommands,
            List<SessionNote> notes, Optional<SessionFailure> failure, boolean politeEnd, List<TranscriptLine> transcript,
            long startNanos, Duration elapsed) {
        this(request, steps, capabilitiesBeforeTls, capabilities, heloFallback, tls, auth, recipients, delivery,
                roundTrips, pipelinedCommands, notes, failure, politeEnd, transcript, startNanos, elapsed,
                Optional.empty());
    }

    public SessionResult {
        Objects.requireNonNull(request);
        steps = List.copyOf(steps);
        recipients = List.copyOf(recipients);
        notes = List.copyOf(notes);
        transcript = List.copyOf(transcript);
        Objects.requireNonNull(smuggling);
    }

    /** The same session with the smuggling test's result. */
    public SessionResult withSmuggling(SmugglingResult result) {
        return new SessionResult(request, steps, capabilitiesBeforeTls, capabilities, heloFallback, tls, auth,
                recipients, delivery, roundTrips, pipelinedCommands, notes, failure, politeEnd, transcript, startNanos,
                elapsed, Optional.of(result));
    }

    /** A session that never got to the wire (the runner itself failed): its cause and nothing else. */
    public static SessionResult notStarted(SessionRequest request, ProbeStatus status, SmtpPhase phase, String message,
            long startNanos) {
        return new SessionResult(request, List.of(), EhloCapabilities.NONE, EhloCapabilities.NONE, false,
                Optional.empty(), Optional.empty(), List.of(), Optional.empty(), 0, 0, List.of(),
                Optional.of(SessionFailure.of(status, phase, message)), false,
                List.of(new TranscriptLine(TranscriptLine.Direction.INFO, System.nanoTime(), message)), startNanos,
                Duration.ofNanos(System.nanoTime() - startNanos));
    }

    public String hostName() {
        return request.hostName();
    }

    public InetSocketAddress address() {
        return request.address();
    }

    public TlsMode tlsMode() {
        return request.options().tlsMode();
    }

    public boolean authenticated() {
        return auth.map(AuthResult::succeeded).orElse(false);
    }

    public Optional<String> queueId() {
        return delivery.flatMap(Delivery::queueId);
    }

    public Optional<String> messageId() {
        return delivery.flatMap(Delivery::messageId);
    }

    public boolean succeeded() {
        return failure.isEmpty();
    }

    /**
     * The AUTH exchange.
     *
     * @param mechanism the SASL mechanism used
     * @param succeeded the server answered 235 (and, for SCRAM, proved it knows the password)
     * @param serverVerified the server's final message was checked (SCRAM's server signature)
     */
    public record AuthResult(String mechanism, boolean succeeded, boolean serverVerified) {
        public AuthResult {
            Objects.requireNonNull(mechanism);
        }
    }

    /**
     * The message sent after DATA or BDAT.
     *
     * @param method DATA or BDAT
     * @param octets its size on the wire before dot-stuffing (what SIZE= declares)
     * @param chunks BDAT chunks sent (1 for DATA)
     * @param messageId its Message-ID header, to find it in the receiver's logs
     * @param queueId the id the server gave it, when it was accepted
     */
    public record Delivery(String method, long octets, int chunks, Optional<String> messageId, Optional<String> queueId) {
        public Delivery {
            Objects.requireNonNull(method);
            Objects.requireNonNull(messageId);
            Objects.requireNonNull(queueId);
        }
    }
}
