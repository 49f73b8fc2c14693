package dev.smtpprobe.session;

import dev.smtpprobe.event.SafeListener;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpCommand;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.Step;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.tls.TrustEvaluator;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One SMTP conversation with one address: connects, runs the phase steps in order (greeting, EHLO, STARTTLS,
 * AUTH, envelope, message) and ends with RSET/QUIT, whatever happened. The steps speak through the
 * {@link Wire}; this class only sequences them, keeps the overall deadline and builds the result. Everything runs
 * on the session's event loop; nothing blocks; the result always comes, never an exception.
 */
public final class SmtpSession implements Wire.Events {

    private final SessionRequest request;
    private final EventLoop loop;
    private final SafeListener listener;
    private final Timeline timeline;
    private final SessionContext ctx;
    private final SslContext sslContext;
    private final TrustEvaluator trust;
    private final CompletableFuture<SessionResult> result = new CompletableFuture<>();
    private final List<PhaseStep> steps;
    private Channel channel;
    private long startNanos;
    private ScheduledFuture<?> deadline;
    private boolean ending;
    private boolean finished;
    private boolean politeEnd;

    public SmtpSession(SessionRequest request, SslContext sslContext, TrustEvaluator trust, SafeListener listener,
                       EventLoop loop) {
        this.request = request;
        this.loop = loop;
        this.listener = listener;
        this.sslContext = sslContext;
        this.trust = trust;
        this.timeline = new Timeline(request, listener);
        this.ctx = new SessionContext(request, timeline);
        HelloStep hello = new HelloStep();
        PhaseStep message = request.options().smuggling().isPresent() ? new SmugglingStep() : new MessageStep();
        this.steps = List.of(new ImplicitTlsStep(), new GreetingStep(), hello, new StartTlsStep(hello), new AuthStep(),
                new EnvelopeStep(), message);
    }

    public CompletableFuture<SessionResult> result() {
        return result;
    }

    // ---------------------------------------------------------------- start

    /** Starts the session; must run on the session's loop. {@code template} carries the group and channel type. */
    public void start(Bootstrap template) {
        if (finished) {
            return; // aborted before it began: the prober was closed in between
        }
        try {
            startNanos = System.nanoTime();
            listener.sessionStart(request);
            Duration overall = request.options().timeouts().overall();
            deadline = loop.schedule(this::onDeadline, overall.toNanos(), TimeUnit.NANOSECONDS);
            connect(template);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            ctx.fail(ProbeStatus.INTERNAL_ERROR, SmtpPhase.CONNECT, Failures.describe(e), Optional.empty());
            end(Next.CLOSE);
        }
    }

    private void connect(Bootstrap template) {
        ctx.tlsUpgrade = new TlsUpgrade(sslContext, trust, request.tlsName(), request.address().getPort(), timeline);
        CompletableFuture<Void> connected = new Connector(template).open(ctx, loop, this);
        channel = ctx.channel;
        connected.whenComplete((ok, error) -> {
            if (ending) {
                return;
            }
            if (error != null) {
                onStepFailed(error);
            } else {
                onConnected();
            }
        });
    }

    private void onConnected() {
        if (ctx.stopAfter(QuitAfter.CONNECT)) {
            ctx.note("stopping after connect as asked");
            end(Next.CLOSE);
            return;
        }
        runFrom(0);
    }

    // ---------------------------------------------------------------- the steps in order

    private void runFrom(int index) {
        if (ending) {
            return;
        }
        if (index >= steps.size()) {
            end(Next.QUIT);
            return;
        }
        CompletableFuture<Next> stage;
        try {
            stage = steps.get(index).run(ctx);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((next, error) -> {
            if (error != null) {
                onStepFailed(error);
            } else if (next == Next.CONTINUE) {
                runFrom(index + 1);
            } else {
                end(next);
            }
        });
    }

    private void onStepFailed(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ExchangeFailure f) {
            ctx.fail(f.status, f.phase, f.getMessage(), Optional.empty());
            end(switch (f.status) {
                case CONNECTION_CLOSED, TLS_HANDSHAKE_FAILED, STARTTLS_INJECTION -> Next.CLOSE;
                default -> Next.ABANDON;
            });
        } else {
            ctx.fail(ProbeStatus.INTERNAL_ERROR, lastPhase(), Failures.describe(cause), Optional.empty());
            end(Next.CLOSE);
        }
    }

    // ---------------------------------------------------------------- what the wire hears unasked

    @Override
    public void unsolicited(SmtpReply reply) {
        // Not "if (ending)": the reply that completed the last step may share its read with the stray one, and by
        // the time the stray one is reported that step has already turned the session to its polite end.
        if (finished || ctx.quitSent) {
            return;
        }
        SmtpPhase where = lastPhase();
        if (ctx.wire.pipelinedCommands() > 0) {
            ctx.observe(SessionNote.Kind.PIPELINING_DESYNC, where, "the server sent more replies than the "
                    + "pipelined commands asked for");
        }
        ctx.fail(ProbeStatus.PROTOCOL_ERROR, where, "the server sent a reply no command was waiting for ("
                + reply.code() + " " + reply.text() + "); replies can no longer be matched to commands",
                Optional.of(reply));
        ctx.wire.failAll(ProbeStatus.PROTOCOL_ERROR, "the conversation stopped after an unsolicited reply");
        end(Next.CLOSE);
    }

    @Override
    public void failedIdle(ProbeStatus status, String message, Throwable cause) {
        if (ctx.tlsUpgrade != null && ctx.tlsUpgrade.inProgress()) {
            if (status == ProbeStatus.CONNECTION_CLOSED) {
                ctx.tlsUpgrade.connectionLost();
            }
            return; // the handshake's own future reports what went wrong
        }
        if (ending) {
            return;
        }
        ctx.fail(status, lastPhase(), message, Optional.empty());
        end(Next.CLOSE);
    }

    private void onDeadline() {
        if (finished) {
            return;
        }
        String message = "overall deadline of " + request.options().timeouts().overall().toMillis() + " ms passed";
        ctx.fail(ProbeStatus.DEADLINE_EXCEEDED, lastPhase(), message, Optional.empty());
        if (!ending) {
            end(Next.ABANDON);
        } else if (ctx.wire != null) {
            ctx.wire.failAll(ProbeStatus.DEADLINE_EXCEEDED, message); // a polite end in progress is cut short too
        }
    }

    // ---------------------------------------------------------------- the end

    private void end(Next how) {
        if (ending || finished) {
            return;
        }
        ending = true;
        if (how == Next.QUIT && ctx.failure.flatMap(f -> f.reply()).map(r -> r.code() == 421).orElse(false)) {
            // RFC 5321 section 3.8: 421 means the server is closing the channel; a QUIT would wait for nothing.
            ctx.note("421 received: closing without QUIT, as the server closes the channel");
            how = Next.CLOSE;
        }
        if (how == Next.QUIT && ctx.wire != null && channel.isActive()) {
            new Farewell().run(ctx).whenComplete((polite, e) -> {
                politeEnd = polite != null && polite;
                close();
            });
            return;
        }
        if (how == Next.ABANDON && ctx.wire != null && channel.isActive() && !ctx.quitSent
                && !(ctx.tlsUpgrade != null && ctx.tlsUpgrade.inProgress())) {
            ctx.note("closing without waiting for the reply to QUIT");
            ctx.quitSent = true;
            ctx.wire.sendAndForget(new Outgoing(SmtpPhase.QUIT, SmtpCommand.of("QUIT"), "QUIT",
                    Duration.ZERO));
        }
        close();
    }

    private void close() {
        if (ctx.wire != null) {
            ctx.wire.failAll(ctx.failure.map(f -> f.status()).orElse(ProbeStatus.CONNECTION_CLOSED),
                    "the session is ending");
        }
        if (channel != null && channel.isOpen()) {
            channel.close().addListener(f -> finish());
        } else {
            finish();
        }
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        ending = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        timeline.failOpenPhases(ctx.failure.map(f -> f.status()).orElse(ProbeStatus.CONNECTION_CLOSED));
        if (channel != null && channel.isOpen()) {
            channel.close();
        }
        SessionResult r = ctx.result(politeEnd, startNanos);
        listener.sessionEnd(request, r);
        result.complete(r);
    }

    private SmtpPhase lastPhase() {
        return timeline.currentPhase();
    }

    // ---------------------------------------------------------------- the prober closing under us

    /**
     * Asks the session to stop because its prober is closing: queued on the session's loop, where it closes the
     * channel itself. Sessions mid-connect would otherwise keep a socket open past the loop's shutdown.
     */
    public void abort() {
        try {
            loop.execute(this::endBecauseProberClosed);
        } catch (RejectedExecutionException e) {
            // the loop is already gone: finishAfterLoopTerminated delivers the result
        }
    }

    /**
     * Ends a session whose event loop has terminated under it, so the caller still gets a result. Call only after
     * the loop has stopped: no other thread then touches this session's state.
     */
    public void finishAfterLoopTerminated() {
        if (!result.isDone()) {
            endBecauseProberClosed();
        }
    }

    private void endBecauseProberClosed() {
        if (finished) {
            return;
        }
        if (startNanos == 0) {
            // Never started: open it for listeners too, so that its sessionEnd has the sessionStart it pairs with.
            startNanos = System.nanoTime();
            listener.sessionStart(request);
        }
        ctx.fail(ProbeStatus.CONNECTION_CLOSED, lastPhase(), "the prober was closed while this session was in flight",
                Optional.empty());
        ending = true;
        if (channel != null && channel.isOpen()) {
            channel.close();
        }
        finish();
    }
}
