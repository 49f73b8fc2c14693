package dev.smtpprobe.session;

import dev.smtpprobe.model.Addresses;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SocksProxy;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's way through a SOCKS5 proxy, around Netty's {@link Socks5ProxyHandler}: it watches the proxy's
 * replies as they are decoded (which method it chose, whether it took the credentials, the reply code to CONNECT),
 * so a failure is worded by what the proxy said rather than by the handler's exception text; it holds back
 * whatever the server sends behind the proxy's last reply until the session is ready to read its greeting; and it
 * keeps the connect deadline over the TCP connection and the handshake together.
 *
 * <p>The target goes to the proxy as an IP address (Netty sends a resolved address as IPv4 or IPv6): names are
 * the probe's own DNS's business, never the proxy's.
 */
final class SocksTunnel {

    /** What went wrong, worded for the report, and the status it means. */
    record Failure(ProbeStatus status, String message) {
    }

    private final SocksProxy proxy;
    private final InetSocketAddress target;
    private final Socks5ProxyHandler handler;
    private final Replies replies = new Replies();
    private final Gate gate = new Gate();
    private final CompletableFuture<Failure> outcome = new CompletableFuture<>();
    private ScheduledFuture<?> timer;

    SocksTunnel(SocksProxy proxy, InetSocketAddress target) {
        this.proxy = proxy;
        this.target = target;
        this.handler = proxy.credential()
                .map(c -> new Socks5ProxyHandler(proxy.address(), c.username(), c.password()))
                .orElseGet(() -> new Socks5ProxyHandler(proxy.address()));
        handler.setConnectTimeoutMillis(0); // our own timer keeps one deadline over TCP and the handshake
    }

    /** Adds the SOCKS handlers; the SMTP handlers go after them. The channel is registered, not yet connected. */
    void install(ChannelPipeline p) {
        p.addLast("socks", handler); // adds its codec in front of itself at once
        p.addBefore("socks", "socks-replies", replies); // between the codec's decoder and the handler
        p.addLast("socks-gate", gate);
    }

    String proxyText() {
        return proxy.hostPort();
    }

    /** Whether the probe authenticated to the proxy (the proxy chose user name and password). */
    boolean authenticated() {
        return replies.method == Socks5AuthMethod.PASSWORD;
    }

    /**
     * Once the TCP connection to the proxy is up: completes with null when the proxy reports the target
     * connected, or with the failure; never exceptionally. {@code remainingNanos} is what the connect deadline
     * leaves.
     */
    CompletableFuture<Failure> handshake(Channel ch, long remainingNanos, long deadlineMillis) {
        timer = ch.eventLoop().schedule(() -> {
            if (outcome.complete(timeout(deadlineMillis))) {
                ch.close();
            }
        }, Math.max(1, remainingNanos), TimeUnit.NANOSECONDS);
        handler.connectFuture().addListener(f -> {
            timer.cancel(false);
            if (f.isSuccess()) {
                ch.pipeline().remove(replies);
                outcome.complete(null);
            } else {
                outcome.complete(failure(f.cause()));
            }
        });
        return outcome;
    }

    /** Lets the SMTP handlers read what the server sent so far; call once the session awaits its greeting. */
    void open() {
        gate.open();
    }

    /** The TCP connection to the proxy itself failed. */
    Failure tcpFailure(Throwable cause, long connectMillis) {
        ProbeStatus tcp = Failures.connectStatus(cause);
        String p = "the SOCKS proxy " + proxyText();
        return new Failure(ProbeStatus.PROXY_FAILED, switch (tcp) {
            case CONNECTION_REFUSED -> p + " refused the connection (nothing listens on that port, or a firewall"
                    + " rejects)";
            case CONNECT_TIMEOUT -> "no answer from " + p + " to the TCP connection attempt within "
                    + connectMillis + " ms";
            case CONNECTION_CLOSED -> p + " accepted the TCP connection and reset it at once";
            default -> p + " is unreachable: " + Failures.describe(cause);
        });
    }

    private Failure timeout(long deadlineMillis) {
        if (commandSent()) {
            return new Failure(ProbeStatus.CONNECT_TIMEOUT, "the SOCKS proxy " + proxyText() + " did not report a"
                    + " connection to " + targetText() + " within the connect limit of " + deadlineMillis
                    + " ms (the server does not answer the proxy, or the proxy stalls)");
        }
        return new Failure(ProbeStatus.PROXY_FAILED, "the SOCKS proxy " + proxyText() + " accepted the connection but"
                + " did not finish its " + (replies.method == null ? "SOCKS5 greeting" : "authentication")
                + " within the connect limit of " + deadlineMillis + " ms");
    }

    private boolean commandSent() {
        return replies.method == Socks5AuthMethod.NO_AUTH
                || (replies.method == Socks5AuthMethod.PASSWORD && replies.auth == Socks5PasswordAuthStatus.SUCCESS);
    }

    private Failure failure(Throwable cause) {
        String p = "the SOCKS proxy " + proxyText();
        if (replies.malformed != null) {
            return proxyFailed(p + " did not answer in SOCKS5 (" + replies.malformed + "); is it a SOCKS5 proxy?");
        }
        if (replies.command != null && !replies.command.isSuccess()) {
            return commandFailure(replies.command);
        }
        if (replies.auth != null && replies.auth != Socks5PasswordAuthStatus.SUCCESS) {
            return proxyFailed(p + " refused the user name and password (check the user in --proxy and the password"
                    + " in --proxy-password-env or --proxy-password-file)");
        }
        if (replies.method != null && replies.method != Socks5AuthMethod.NO_AUTH
                && replies.method != Socks5AuthMethod.PASSWORD) {
            return proxyFailed(replies.method == Socks5AuthMethod.UNACCEPTED
                    ? p + (proxy.credential().isPresent()
                            ? " accepts none of the authentication methods offered (none, user name and password)"
                            : " requires authentication: give a user in --proxy socks5://USER@host:port and its"
                                    + " password with --proxy-password-env or --proxy-password-file")
                    : p + " chose an authentication method the probe does not offer (" + methodName(replies.method)
                            + ")");
        }
        if (replies.method == Socks5AuthMethod.PASSWORD && proxy.credential().isEmpty()) {
            return proxyFailed(p + " asked for a user name and password, which the probe was not given");
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        boolean closed = String.valueOf(cause.getMessage()).endsWith("disconnected")
                || root instanceof java.nio.channels.ClosedChannelException;
        String how = closed ? "closed the connection" : "lost the connection (" + Failures.describe(root) + ")";
        if (replies.method == null) {
            return proxyFailed(p + " " + how + " before answering the SOCKS5 greeting; is it a SOCKS5 proxy?");
        }
        if (!commandSent()) {
            return proxyFailed(p + " " + how + " without answering the user name and password");
        }
        return proxyFailed(p + " " + how + " before it reported whether it reached " + targetText());
    }

    /** RFC 1928 section 6, in words; a refusal or an unreachable target is the target's, the rest the proxy's. */
    private Failure commandFailure(Socks5CommandStatus status) {
        String p = "the SOCKS proxy " + proxyText();
        String t = targetText();
        int code = status.byteValue() & 0xff;
        return switch (code) {
            case 0x01 -> proxyFailed(p + " could not connect to " + t + ": general SOCKS server failure");
            case 0x02 -> proxyFailed(p + " refused to connect to " + t + ": not allowed by its rules");
            case 0x03 -> new Failure(ProbeStatus.UNREACHABLE, p + " could not reach " + t + ": network unreachable");
            case 0x04 -> new Failure(ProbeStatus.UNREACHABLE, p + " could not reach " + t + ": host unreachable");
            case 0x05 -> new Failure(ProbeStatus.CONNECTION_REFUSED, p + " could not reach " + t
                    + ": connection refused");
            case 0x06 -> new Failure(ProbeStatus.UNREACHABLE, p + " could not reach " + t + ": TTL expired");
            case 0x07 -> proxyFailed(p + " does not support the CONNECT command");
            case 0x08 -> proxyFailed(p + " does not take " + (target.getAddress() instanceof java.net.Inet6Address
                    ? "IPv6" : "IPv4") + " addresses as a target");
            default -> proxyFailed(p + " refused to connect to " + t + " with the unknown reply code " + code);
        };
    }

    private static Failure proxyFailed(String message) {
        return new Failure(ProbeStatus.PROXY_FAILED, message);
    }

    private String targetText() {
        return Addresses.withPort(Addresses.text(target.getAddress()), target.getPort());
    }

    private static String methodName(Socks5AuthMethod m) {
        return switch (m.byteValue() & 0xff) {
            case 0x01 -> "GSSAPI";
            default -> "method " + (m.byteValue() & 0xff);
        };
    }


    /** Notes each proxy reply as the codec decodes it, on its way to the proxy handler. */
    private static final class Replies extends ChannelInboundHandlerAdapter {
        Socks5AuthMethod method;
        Socks5PasswordAuthStatus auth;
        Socks5CommandStatus command;
        String malformed;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Socks5Message m && m.decoderResult().isFailure()) {
                Throwable c = m.decoderResult().cause();
                malformed = c == null || c.getMessage() == null ? "a malformed reply" : c.getMessage();
            } else if (msg instanceof Socks5InitialResponse r) {
                method = r.authMethod();
            } else if (msg instanceof Socks5PasswordAuthResponse r) {
                auth = r.status();
            } else if (msg instanceof Socks5CommandResponse r) {
                command = r.status();
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Holds what arrives behind the proxy's last reply (a greeting in the same read) until the session awaits it,
     * and keeps the handshake's own failure from reaching the SMTP handlers: the tunnel reports it.
     */
    private static final class Gate extends ChannelInboundHandlerAdapter {
        private final List<Object> held = new ArrayList<>();
        private ChannelHandlerContext ctx;
        private boolean open;
        private boolean readComplete;
        private boolean inactive;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void open() {
            if (open || ctx == null || ctx.isRemoved()) {
                return;
            }
            open = true;
            List<Object> ready = List.copyOf(held);
            held.clear();
            for (Object msg : ready) {
                ctx.fireChannelRead(msg);
            }
            if (readComplete) {
                ctx.fireChannelReadComplete();
            }
            if (inactive) {
                ctx.fireChannelInactive();
            }
            ctx.pipeline().remove(this);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (open) {
                ctx.fireChannelRead(msg);
            } else {
                held.add(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (open) {
                ctx.fireChannelReadComplete();
            } else {
                readComplete = true;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (open) {
                ctx.fireChannelInactive();
            } else {
                inactive = true;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (open) {
                ctx.fireExceptionCaught(cause);
            }
            // else: the proxy handler's own failure, which the tunnel words
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            for (Object msg : held) {
                ReferenceCountUtil.release(msg);
            }
            held.clear();
        }
    }
}
