package dev.smtpprobe.session;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.ProxyProtocol;
import dev.smtpprobe.model.SessionOptions;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SocksProxy;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Dials the TCP connection, outside the protocol steps: the connect timeout, the source address, and never a DNS
 * lookup on the event loop (Netty's default resolver would block it): resolved addresses as they are, unresolved
 * IP literals parsed locally, unresolved names refused. Egress options belong here too: through a SOCKS5 proxy
 * ({@link SocksTunnel}; the connect limit covers the proxy's handshake) or with a PROXY protocol header first
 * ({@link ProxyHeader}). Either way the steps see a connection to the target and nothing else.
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
        Optional<SocksProxy> proxy = ctx.options.proxy();
        ctx.note("connecting to " + ctx.request.address()
                + proxy.map(p -> " through the SOCKS proxy " + p.hostPort()).orElse(""));
        Optional<InetSocketAddress> target = connectTarget(ctx.request.address());
        if (target.isEmpty()) {
            phase.fail(ProbeStatus.UNREACHABLE);
            return CompletableFuture.failedFuture(new ExchangeFailure(ProbeStatus.UNREACHABLE, SmtpPhase.CONNECT,
                    "the address " + ctx.request.address().getHostString() + " is not resolved; sessions connect "
                            + "to IP addresses only (resolve the name first)"));
        }
        if (proxy.isPresent() && proxy.get().unresolved()) {
            phase.fail(ProbeStatus.PROXY_FAILED);
            return CompletableFuture.failedFuture(new ExchangeFailure(ProbeStatus.PROXY_FAILED, SmtpPhase.CONNECT,
                    "the SOCKS proxy " + proxy.get().hostPort() + " is not resolved; sessions connect to IP "
                            + "addresses only (resolve the proxy's name first)"));
        }
        SocksTunnel tunnel = proxy.map(p -> new SocksTunnel(p, target.get())).orElse(null);
        SmtpReplyDecoder decoder = new SmtpReplyDecoder();
        long startNanos = System.nanoTime();
        long connectMillis = millis(ctx.options.timeouts().connect().toMillis());
        ChannelFuture connect = connect(loop, target.get(), ctx.options, ch -> {
            if (tunnel != null) {
                tunnel.install(ch.pipeline());
            }
            ctx.wire = new Wire(ch, decoder, ctx.timeline, ctx.scrub, events);
            ch.pipeline().addLast("smtp-decoder", decoder);
            ch.pipeline().addLast("smtp-encoder", new SmtpCommandEncoder());
            ch.pipeline().addLast("smtp-wire", ctx.wire);
        });
        ctx.channel = connect.channel();
        CompletableFuture<Void> connected = new CompletableFuture<>();
        connect.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                if (tunnel != null) {
                    SocksTunnel.Failure failure = tunnel.tcpFailure(f.cause(), connectMillis);
                    phase.fail(failure.status());
                    connected.completeExceptionally(new ExchangeFailure(failure.status(), SmtpPhase.CONNECT,
                            failure.message()));
                    return;
                }
                ProbeStatus status = Failures.connectStatus(f.cause());
                // A reset right after the TCP handshake races the connect report: the server did accept, and
                // hung up before its greeting, whichever the kernel told us first. Say so the same way both times.
                SmtpPhase where = status == ProbeStatus.CONNECTION_CLOSED ? SmtpPhase.BANNER : SmtpPhase.CONNECT;
                phase.fail(status);
                connected.completeExceptionally(new ExchangeFailure(status, where,
                        Failures.connectMessage(status, target.get(), f.cause())));
                return;
            }
            if (tunnel == null) {
                ctx.options.proxyProtocol().ifPresent(version -> sendProxyHeader(ctx, version, f.channel()));
                phase.end(Optional.empty());
                ctx.note("connected from " + f.channel().localAddress());
                connected.complete(null);
                return;
            }
            ctx.note("connected to the SOCKS proxy " + tunnel.proxyText() + " from " + f.channel().localAddress());
            long remaining = TimeUnit.MILLISECONDS.toNanos(connectMillis) - (System.nanoTime() - startNanos);
            tunnel.handshake(f.channel(), remaining, connectMillis).thenAccept(failure -> {
                if (failure != null) {
                    phase.fail(failure.status());
                    connected.completeExceptionally(new ExchangeFailure(failure.status(), SmtpPhase.CONNECT,
                            failure.message()));
                    return;
                }
                phase.end(Optional.empty());
                ctx.note("the SOCKS proxy " + tunnel.proxyText() + " connected to " + ctx.request.address()
                        + (tunnel.authenticated() ? " (authenticated with user name and password)"
                                : " (no authentication)"));
                connected.complete(null); // the steps start here and await the greeting...
                tunnel.open(); // ...so whatever the server sent behind the proxy's reply is read only now
            });
        });
        return connected;
    }

    /**
     * The PROXY header goes out before anything else, SMTP or TLS: the server (or its load balancer port) reads it
     * first and would take any other byte as a broken header.
     */
    private static void sendProxyHeader(SessionContext ctx, ProxyProtocol version, Channel ch) {
        String claim = ProxyHeader.describe(version, ch);
        ctx.timeline.sent(claim);
        ProxyHeader.send(version, ch); // a failed write shows as the connection closing before the greeting
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
