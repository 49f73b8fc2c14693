package dev.smtpprobe.session;

import dev.smtpprobe.model.EhloCapabilities;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.RecipientResult;
import dev.smtpprobe.model.SecretScrubber;
import dev.smtpprobe.model.SessionFailure;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SessionOptions;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.TlsSessionInfo;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the phase steps of one conversation share: the request, the wire, and what the session has learned so
 * far. Only the event loop touches it. Steps read what earlier steps learned and add what they learn; the
 * first failure recorded is the session's cause, later ones are only noted.
 */
final class SessionContext {
    final SessionRequest request;
    final SessionOptions options;
    final Timeline timeline;
    final SecretScrubber scrub;
    Channel channel;
    Wire wire;
    TlsUpgrade tlsUpgrade;
    /** DATA sent in the envelope's pipelined batch: its reply is the message step's to read. */
    Optional<CompletableFuture<SmtpReply>> pipelinedData = Optional.empty();
    private Optional<MessageBytes> message;

    EhloCapabilities capabilitiesBeforeTls = EhloCapabilities.NONE;
    EhloCapabilities capabilities = EhloCapabilities.NONE;
    boolean heloFallback;
    Optional<TlsSessionInfo> tls = Optional.empty();
    Optional<SessionResult.AuthResult> auth = Optional.empty();
    /** MAIL was accepted and no final reply ended the transaction, so RSET is due before QUIT. */
    boolean transactionOpen;
    /** QUIT is written: the conversation is over, and a stray reply now changes nothing. */
    boolean quitSent;
    /** A step has had QUIT answered already (the smuggling test ends with it): the farewell has nothing to say. */
    boolean quitAnswered;
    /** What the smuggling test showed, once its step has run. */
    Optional<dev.smtpprobe.model.SmugglingResult> smuggling = Optional.empty();
    final List<RecipientResult> recipients = new ArrayList<>();
    Optional<SessionResult.Delivery> delivery = Optional.empty();
    final List<SessionNote> notes = new ArrayList<>();
    Optional<SessionFailure> failure = Optional.empty();

    SessionContext(SessionRequest request, Timeline timeline) {
        this.request = request;
        this.options = request.options();
        this.timeline = timeline;
        this.scrub = SecretScrubber.of(options.credential());
    }

    Channel channel() {
        return channel;
    }

    /** The message to send, on the wire's terms; empty when none was asked for. */
    Optional<MessageBytes> message() {
        if (message == null) {
            message = options.message().map(MessageBytes::of);
        }
        return message;
    }

    /** What the session learned, as its result. */
    SessionResult result(boolean politeEnd, long startNanos) {
        // A smuggling session always says what became of its test, even when it never got as far as DATA.
        Optional<dev.smtpprobe.model.SmugglingResult> test = options.smuggling().map(seq -> smuggling.orElseGet(
                () -> dev.smtpprobe.model.SmugglingResult.notRun(seq, "the session ended before the test message: "
                        + failure.map(f -> f.message()).orElse("nothing was sent"))));
        return new SessionResult(request, timeline.steps(), capabilitiesBeforeTls, capabilities, heloFallback, tls,
                auth, recipients, delivery, wire == null ? 0 : wire.roundTrips(),
                wire == null ? 0 : wire.pipelinedCommands(), notes, failure, politeEnd,
                timeline.transcript().snapshot(), startNanos, java.time.Duration.ofNanos(System.nanoTime() - startNanos),
                test);
    }

    boolean stopAfter(QuitAfter point) {
        return options.quitAfter().filter(q -> q == point).isPresent();
    }

    /** Records why the session stops; the first one is the cause. */
    void fail(ProbeStatus status, SmtpPhase where, String message, Optional<SmtpReply> reply) {
        String clean = scrub.scrubServerText(message);
        if (failure.isEmpty()) {
            failure = Optional.of(new SessionFailure(status, where, clean, reply.map(scrub::scrub)));
        }
        timeline.note(status.id() + " at " + where.id() + ": " + clean);
    }

    /** A refusal the server answered with: the reply is the evidence. */
    void reject(SmtpPhase where, String message, SmtpReply reply) {
        // RFC 5321 section 3.8: whatever was asked, 421 means the server is closing the channel.
        String why = reply.code() == 421 ? "the server is closing the connection" : message;
        fail(ProbeStatus.REJECTED, where, why + ": " + reply.code() + " " + reply.text(), Optional.of(reply));
    }

    void note(String text) {
        timeline.note(scrub.scrubServerText(text));
    }

    void observe(SessionNote.Kind kind, SmtpPhase phase, String detail) {
        notes.add(new SessionNote(kind, phase, scrub.scrubServerText(detail)));
        timeline.note(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + scrub.scrubServerText(detail));
    }

    /**
     * How the reply to {@code phase} reads by the replies that phase allows (RFC 5321 section 4.3.2), noting an
     * enhanced code whose class contradicts the basic code: the basic code decides, as RFC 3463 says.
     */
    Expected.Verdict judge(SmtpPhase phase, SmtpReply reply) {
        reply.enhanced().ifPresent(e -> {
            if (e.statusClass() != reply.codeClass() && reply.codeClass() >= 2) {
                observe(SessionNote.Kind.ENHANCED_CODE_MISMATCH, phase, "the reply " + reply.code() + " "
                        + reply.text() + " carries the enhanced code " + e + ", whose class " + e.statusClass()
                        + " contradicts the basic code; the basic code decides");
            }
        });
        Expected.Verdict v = Expected.judge(phase, reply);
        if (v == Expected.Verdict.WRONG_CLASS) {
            observe(SessionNote.Kind.WRONG_CLASS_REPLY, phase, "the server answered " + reply.code() + " "
                    + reply.text() + " to " + phase.id() + ", which allows no reply of that class");
            fail(ProbeStatus.PROTOCOL_ERROR, phase, "a " + reply.code() + " is not a valid answer to "
                    + phase.id() + "; the conversation cannot go on safely", Optional.of(reply));
        }
        return v;
    }
}
