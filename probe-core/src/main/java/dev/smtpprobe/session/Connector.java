package dev.smtpprobe.session;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionOptions;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.smtp.SmtpCommandEncoder;
import dev.smtpprobe.smtp.SmtpReplyDecoder;
import dev.smtpprobe.tls.HostNames;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Dials the TCP connection, outside the protocol steps: the connect timeout, the source address, and never a DNS
 * lookup on the event loop (Netty's default resolver would block it): resolved addresses as they are, unresolved
 * IP literals parsed locally, unresolved names refused.
 */
final class Connector {
    private final Bootstrap template;

    Connector(Bootstrap template) {
        this.template = template;
    }

    /**
     * Dials the session's address and sets up its pipeline (reply decoder, command encoder, {@link Wire}) before
     * any byte arrives. Records the CONNECT phase; completes when connected, or fails with an
     * {@link ExchangeFailure} that words the cause plainly. {@code ctx.channel} is set before this returns.
     */
    CompletableFuture<Void> open(SessionContext ctx, EventLoop loop, Wire.Events events) {
        Timeline.Phase phase = ctx.timeline.begin(SmtpPhase.CONNECT, Optional.empty());
        ctx.note("connecting to " + ctx.request.address());
        Optional<InetSocketAddress> target = connectTarget(ctx.request.address());
        if (target.isEmpty()) {
            phase.fail(ProbeStatus.UNREACHABLE);
            return CompletableFuture.failedFuture(new ExchangeFailure(ProbeStatus.UNREACHABLE, SmtpPhase.CONNECT,
                    "the address " + ctx.request.address().getHostString() + " is not resolved; sessions connect "
                            + "to IP addresses only (resolve the name first)"));
        }
        SmtpReplyDecoder decoder = new SmtpReplyDecoder();
        ChannelFuture connect = connect(loop, target.get(), ctx.options, ch -> {
            ctx.wire = new Wire(ch, decoder, ctx.timeline, ctx.scrub, events);
            ch.pipeline().addLast("smtp-decoder", decoder);
            ch.pipeline().addLast("smtp-encoder", new SmtpCommandEncoder());
            ch.pipeline().addLast("smtp-wire", ctx.wire);
        });
        ctx.channel = connect.channel();
        CompletableFuture<Void> connected = new CompletableFuture<>();
        connect.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                phase.end(Optional.empty());
                ctx.note("connected from " + f.channel().localAddress());
                connected.complete(null);
            } else {
                ProbeStatus status = Failures.connectStatus(f.cause());
                // A reset right after the TCP handshake races the connect report: the server did accept, and
                // hung up before its greeting, whichever the kernel told us first. Say so the same way both times.
                SmtpPhase where = status == ProbeStatus.CONNECTION_CLOSED ? SmtpPhase.BANNER : SmtpPhase.CONNECT;
                phase.fail(status);
                connected.completeExceptionally(new ExchangeFailure(status, where,
                        Failures.connectMessage(status, target.get(), f.cause())));
            }
        });
        return connected;
    }

    private ChannelFuture connect(EventLoop loop, InetSocketAddress target, SessionOptions options, Consumer<Channel> init) {
        Bootstrap b = template.clone(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis(options.timeouts().connect().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        init.accept(ch);
                    }
                });
        return options.localAddress().isPresent()
                ? b.connect(target, new InetSocketAddress(options.localAddress().get(), 0))
                : b.connect(target);
    }

    /** The address to dial, or empty for a name nobody resolved (sessions connect to IP addresses only). */
    static Optional<InetSocketAddress> connectTarget(InetSocketAddress address) {
        if (!address.isUnresolved()) {
            return Optional.of(address);
        }
        String host = HostNames.normalize(address.getHostString());
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(literal), address.getPort()));
        } catch (UnknownHostException e) {
            return Optional.empty(); // only for a wrong length, which the parser never returns
        }
    }

    private static int millis(long ms) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }
}
