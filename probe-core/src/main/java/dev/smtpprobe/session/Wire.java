package dev.smtpprobe.session;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SecretScrubber;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.smtp.SmtpProtocolException;
import dev.smtpprobe.smtp.SmtpReplyDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;

/**
 * The thin handler between the reply decoder and the phase steps: a FIFO of in-flight {@link Exchange}s, each
 * with its own deadline, matched to replies in order. A reply that arrives while no exchange awaits one is never
 * pinned on a later command: it is reported as unsolicited (an early talker, a doubled reply, a flood).
 *
 * <p>Replies decoded from one read are matched at once but handed to the steps only when the read is complete,
 * so bytes the server sent before it saw our next command cannot be taken as the answer to that command.
 */
final class Wire extends ChannelInboundHandlerAdapter {

    /** What the session hears from the wire that no exchange can take: unsolicited bytes, a lost connection. */
    interface Events {
        void unsolicited(SmtpReply reply);

        /** The connection failed while no exchange was waiting (during a TLS handshake, for example). */
        void failedIdle(ProbeStatus status, String message, Throwable cause);
    }

    private final Channel channel;
    private final SmtpReplyDecoder decoder;
    private final Timeline timeline;
    private final Events events;
    private final SecretScrubber scrub;
    private final ArrayDeque<Exchange> inFlight = new ArrayDeque<>();
    private final List<Runnable> completions = new ArrayList<>();
    private final List<SmtpReply> unsolicited = new ArrayList<>();
    private int roundTrips;
    private int pipelined;
    private boolean closed;

    Wire(Channel channel, SmtpReplyDecoder decoder, Timeline timeline, SecretScrubber scrub, Events events) {
        this.channel = channel;
        this.scrub = scrub;
        this.decoder = decoder;
        this.timeline = timeline;
        this.events = events;
    }

    // ---------------------------------------------------------------- what the steps call

    /** Awaits a reply nobody asks for by a command: the greeting. */
    CompletableFuture<SmtpReply> expect(SmtpPhase phase, java.time.Duration timeout) {
        Exchange e = new Exchange(phase, timeline.begin(phase, Optional.empty()), timeout);
        enqueue(e);
        roundTrips++;
        return e.reply;
    }

    /** Writes one command and awaits its reply. */
    CompletableFuture<SmtpReply> send(Outgoing out) {
        return pipeline(List.of(out)).get(0);
    }

    /**
     * Writes every command in one flush (RFC 2920 PIPELINING) and awaits a reply to each, in order. The futures
     * complete in the order of the list; when the connection fails, every one still waiting fails.
     */
    List<CompletableFuture<SmtpReply>> pipeline(List<Outgoing> batch) {
        List<CompletableFuture<SmtpReply>> replies = new ArrayList<>(batch.size());
        if (closed || !channel.isActive()) {
            for (Outgoing out : batch) {
                replies.add(CompletableFuture.failedFuture(new ExchangeFailure(ProbeStatus.CONNECTION_CLOSED,
                        out.phase(), "the connection is gone")));
            }
            return replies;
        }
        for (Outgoing out : batch) {
            timeline.sent(out.logLine());
            Exchange e = new Exchange(out.phase(), timeline.begin(out.phase(), Optional.of(out.logLine())),
                    out.timeout());
            channel.write(out.payload()).addListener((ChannelFuture f) -> onWritten(f));
            enqueue(e);
            replies.add(e.reply);
        }
        channel.flush();
        roundTrips++;
        pipelined += batch.size() - 1;
        return replies;
    }

    /**
     * Writes {@code out}, then, once its first reply has been delivered, {@code sentinel}, and takes every reply up to
     * the sentinel's answer (the first reply {@code answersSentinel} accepts after the sentinel went out), at most
     * {@code maxReplies}. For the one step whose evidence is how many replies the server sends (the SMTP smuggling
     * test): replies no command seems to ask for are collected here on purpose, never reported as unsolicited nor
     * pinned on a later command. Each reply gets {@code out}'s timeout. The future always completes normally, with
     * the run as far as it went.
     */
    CompletableFuture<ReplyRun> sendAndCollect(Outgoing out, Outgoing sentinel, Predicate<SmtpReply> answersSentinel,
            int maxReplies) {
        if (closed || !channel.isActive()) {
            return CompletableFuture.completedFuture(new ReplyRun(List.of(), Optional.empty(),
                    Optional.of(ProbeStatus.CONNECTION_CLOSED), "the connection is gone"));
        }
        timeline.sent(out.logLine());
        ReplyCollector run = new ReplyCollector(this, sentinel, answersSentinel, maxReplies);
        Exchange e = new Exchange(out.phase(), timeline.begin(out.phase(), Optional.of(out.logLine())), out.timeout(),
                run);
        channel.writeAndFlush(out.payload()).addListener((ChannelFuture f) -> onWritten(f));
        enqueue(e);
        roundTrips++;
        return run.result();
    }

    /** Runs once the replies of the current read are delivered, as every reply's completion does. */
    void afterThisRead(Runnable action) {
        completions.add(action);
    }

    /**
     * Writes a command whose reply no exchange of its own awaits: a {@link ReplyCollector} takes it among the
     * replies it collects. The command's timeline record, or empty when the connection is gone.
     */
    Optional<Timeline.Phase> writeForCollector(Outgoing out) {
        if (closed || !channel.isActive()) {
            return Optional.empty();
        }
        timeline.sent(out.logLine());
        Timeline.Phase record = timeline.begin(out.phase(), Optional.of(out.logLine()));
        channel.writeAndFlush(out.payload()).addListener((ChannelFuture f) -> onWritten(f));
        return Optional.of(record);
    }

    /** Writes without awaiting a reply: the parting QUIT of a session that no longer trusts the stream. */
    void sendAndForget(Outgoing out) {
        if (!closed && channel.isActive()) {
            timeline.sent(out.logLine());
            channel.writeAndFlush(out.payload());
        }
    }

    /**
     * Whole replies that arrived while no exchange was waiting, not yet reported: a step reading a reply from the
     * same read learns that the server sent more replies than it was asked for.
     */
    boolean hasUnsolicited() {
        return !unsolicited.isEmpty();
    }

    /** Bytes that arrived with nothing to answer, or were left half-decoded: the STARTTLS upgrade checks this. */
    boolean hasUnansweredBytes() {
        return !unsolicited.isEmpty() || decoder.hasBufferedBytes();
    }

    /** What those bytes look like, escaped, for the evidence of a finding. */
    String unansweredPreview() {
        if (!unsolicited.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (SmtpReply r : unsolicited) {
                sb.append(String.join("\\r\\n", r.wireLines())).append("\\r\\n");
            }
            return sb.append(decoder.bufferedPreview(256)).toString();
        }
        return decoder.bufferedPreview(256);
    }

    /** Fails every exchange still waiting (deadline, abort); nothing later is matched. */
    void failAll(ProbeStatus status, String message) {
        closed = true;
        failWaiting(status, message);
    }

    int roundTrips() {
        return roundTrips;
    }

    int pipelinedCommands() {
        return pipelined;
    }

    // ---------------------------------------------------------------- what Netty calls

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof SmtpReply)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        // Scrubbed before anything keeps it: a server that echoes our AUTH blob must not make a report quote it.
        SmtpReply reply = scrub.scrub((SmtpReply) msg);
        timeline.received(reply);
        Exchange head = inFlight.peek();
        if (head != null && head.run != null && !closed) {
            cancelTimer(head);
            if (head.run.take(head, reply)) {
                inFlight.poll();
            }
            armHead();
            return;
        }
        inFlight.poll();
        if (head == null || closed) {
            if (!closed) {
                unsolicited.add(reply);
            }
            return;
        }
        cancelTimer(head);
        head.record.end(Optional.of(reply));
        completions.add(() -> head.reply.complete(reply));
        armHead();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        deliver();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deliver();
        String message = decoder.hasBufferedBytes() ? "the server closed the connection in the middle of a reply"
                : "the server closed the connection";
        if (!closed && inFlight.isEmpty()) {
            events.failedIdle(ProbeStatus.CONNECTION_CLOSED, message, null);
        }
        closed = true;
        failWaiting(ProbeStatus.CONNECTION_CLOSED, message);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        deliver();
        Throwable root = Failures.unwrap(cause);
        ProbeStatus status;
        String message;
        if (root instanceof SmtpProtocolException) {
            status = ProbeStatus.PROTOCOL_ERROR;
            message = root.getMessage();
        } else if (root instanceof SSLException) {
            status = ProbeStatus.PROTOCOL_ERROR;
            message = "TLS error after the handshake: " + Failures.describe(root);
        } else if (root instanceof IOException) {
            status = ProbeStatus.CONNECTION_CLOSED;
            message = "connection lost: " + Failures.describe(root);
        } else if (cause instanceof DecoderException) {
            status = ProbeStatus.PROTOCOL_ERROR;
            message = Failures.describe(root);
        } else {
            status = ProbeStatus.INTERNAL_ERROR;
            message = Failures.describe(root);
        }
        if (inFlight.isEmpty()) {
            events.failedIdle(status, message, root);
        } else {
            failWaiting(status, message);
        }
    }

    // ---------------------------------------------------------------- the queue

    private void enqueue(Exchange e) {
        inFlight.add(e);
        if (inFlight.size() == 1) {
            armHead();
        }
    }

    private void armHead() {
        Exchange head = inFlight.peek();
        if (head != null && (head.timer == null || head.timer.isDone())) {
            head.timer = channel.eventLoop().schedule(() -> onTimeout(head), head.timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void onTimeout(Exchange head) {
        if (inFlight.peek() != head) {
            return;
        }
        failWaiting(ProbeStatus.TIMEOUT, "no reply within " + head.timeout.toMillis() + " ms");
    }

    /** The oldest waiting exchange fails for {@code status}; those behind it can no longer be answered either. */
    private void failWaiting(ProbeStatus status, String message) {
        deliver();
        Exchange e;
        boolean first = true;
        while ((e = inFlight.poll()) != null) {
            cancelTimer(e);
            if (e.run != null) {
                e.record.fail(status);
                e.run.fail(status, first ? message : "not answered: an earlier command failed");
                first = false;
                continue;
            }
            e.record.fail(status);
            e.reply.completeExceptionally(first ? new ExchangeFailure(status, e.phase, message)
                    : new ExchangeFailure(status, e.phase, "not answered: an earlier command failed"));
            first = false;
        }
    }

    private void deliver() {
        List<Runnable> ready = List.copyOf(completions);
        completions.clear();
        for (Runnable r : ready) {
            r.run();
        }
        if (!unsolicited.isEmpty() && !closed) {
            SmtpReply first = unsolicited.get(0);
            unsolicited.clear();
            events.unsolicited(first);
        }
    }

    private void onWritten(ChannelFuture f) {
        if (!f.isSuccess() && !closed) {
            failWaiting(ProbeStatus.CONNECTION_CLOSED, "write failed: " + Failures.describe(f.cause()));
        }
    }

    private static void cancelTimer(Exchange e) {
        if (e.timer != null) {
            e.timer.cancel(false);
        }
    }
}
