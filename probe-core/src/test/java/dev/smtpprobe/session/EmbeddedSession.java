package dev.smtpprobe.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.RecordingEventListener;
import dev.smtpprobe.event.SafeListener;
import dev.smtpprobe.model.EhloCapabilities;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.Timeouts;
import dev.smtpprobe.model.TranscriptLine;
import dev.smtpprobe.smtp.SmtpCommandEncoder;
import dev.smtpprobe.smtp.SmtpReplyDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One session's pipeline on an {@link EmbeddedChannel}, the way {@link SmtpSession} builds it on a socket: the reply
 * decoder, the command encoder and a {@link Wire}, with a {@link SessionContext} the phase steps run against. The
 * test is the server: {@link #serverSends} is one read of bytes, {@link #clientWrites} what the client wrote. Time is
 * frozen; {@link #advance} moves it, so deadlines fire without sleeping. The {@link Wire.Events} are recorded only:
 * what the session would make of them is {@link SmtpSession}'s business and tested through it.
 */
final class EmbeddedSession implements Wire.Events {

    static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
            Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(60));

    final RecordingEventListener listener = new RecordingEventListener();
    final SessionRequest request;
    final Timeline timeline;
    final SessionContext ctx;
    final SmtpReplyDecoder decoder = new SmtpReplyDecoder();
    final EmbeddedChannel channel = new EmbeddedChannel();
    final List<SmtpReply> unsolicited = new ArrayList<>();
    final List<String> idleFailures = new ArrayList<>();
    private int flushes;

    EmbeddedSession(SessionRequest request) {
        this.request = request;
        SafeListener safe = new SafeListener(listener);
        safe.sessionStart(request);
        this.timeline = new Timeline(request, safe);
        this.ctx = new SessionContext(request, timeline);
        channel.freezeTime();
        ctx.channel = channel;
        ctx.wire = new Wire(channel, decoder, timeline, ctx.scrub, this);
        channel.pipeline().addLast("flush-counter", new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext c) {
                flushes++;
                c.flush();
            }
        });
        channel.pipeline().addLast("smtp-decoder", decoder);
        channel.pipeline().addLast("smtp-encoder", new SmtpCommandEncoder());
        channel.pipeline().addLast("smtp-wire", ctx.wire);
    }

    /** The usual request: a probe from sender@probe.test, EHLO probe.test, the short {@link #TIMEOUTS}. */
    static SessionRequest.Builder request() {
        return SessionRequest.builder("mx.example.test", new InetSocketAddress(InetAddress.getLoopbackAddress(), 25))
                .ehloName("probe.test").mailFrom("sender@probe.test").timeouts(TIMEOUTS);
    }

    static EmbeddedSession of(SessionRequest.Builder request) {
        return new EmbeddedSession(request.build());
    }

    // ---------------------------------------------------------------- the server's side

    /** The server's bytes as one read (one channelRead, then channelReadComplete). */
    EmbeddedSession serverSends(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        return this;
    }

    /** The server's bytes in several reads of the given pieces, all before one channelReadComplete. */
    EmbeddedSession serverSendsInReads(String... pieces) {
        Object[] buffers = new Object[pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            buffers[i] = Unpooled.copiedBuffer(pieces[i], StandardCharsets.UTF_8);
        }
        channel.writeInbound(buffers);
        return this;
    }

    /** Each write the client made since the last call, as text, in order; secrets included (this is the wire). */
    List<String> clientWrites() {
        List<String> out = new ArrayList<>();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) msg;
            out.add(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out;
    }

    /** Everything the client wrote since the last call, as one string. */
    String clientWrote() {
        return String.join("", clientWrites());
    }

    /** How many times the client flushed (one flush is one write to the socket). */
    int flushes() {
        return flushes;
    }

    /** Moves the frozen clock and runs whatever timers fall due. */
    void advance(Duration by) {
        channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    // ---------------------------------------------------------------- the session's state

    /** Sets what EHLO announced, as if HelloStep had run: each argument one extension line. */
    EmbeddedSession offers(String... extensions) {
        List<String> lines = new ArrayList<>();
        lines.add("mx.example.test");
        lines.addAll(List.of(extensions));
        ctx.capabilities = EhloCapabilities.parse(SmtpReply.of(250, lines.toArray(String[]::new)));
        ctx.capabilitiesBeforeTls = ctx.capabilities;
        return this;
    }

    String transcript() {
        return timeline.transcript().snapshot().stream().map(TranscriptLine::line).collect(Collectors.joining("\n"));
    }

    List<SessionNote.Kind> noteKinds() {
        return ctx.notes.stream().map(SessionNote::kind).collect(Collectors.toList());
    }

    /** Closes the session for the listener (as SmtpSession's finish does) and checks every phase start paired up. */
    void assertListenerPaired() {
        timeline.failOpenPhases(ctx.failure.map(f -> f.status()).orElse(ProbeStatus.CONNECTION_CLOSED));
        new SafeListener(listener).sessionEnd(request, null);
        listener.assertPaired();
    }

    static <T> T done(CompletableFuture<T> stage) {
        assertThat(stage).as("the step is done").isDone();
        return stage.join();
    }

    // ---------------------------------------------------------------- Wire.Events

    @Override
    public void unsolicited(SmtpReply reply) {
        unsolicited.add(reply);
    }

    @Override
    public void failedIdle(ProbeStatus status, String message, Throwable cause) {
        idleFailures.add(status + ": " + message);
    }
}
