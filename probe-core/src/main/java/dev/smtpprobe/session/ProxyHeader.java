package dev.smtpprobe.session;

import dev.smtpprobe.model.Addresses;
import dev.smtpprobe.model.ProxyProtocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The HAProxy PROXY protocol header (v1 text, v2 binary), written once right after connect and before any other
 * byte: it claims the socket's real source and destination, as a load balancer in front of the server would.
 */
final class ProxyHeader {
    private ProxyHeader() {
    }

    /** What the header claims, for the transcript: {@code PROXY v1 TCP4 127.0.0.1:40000 -> 127.0.0.1:25}. */
    static String describe(ProxyProtocol version, Channel ch) {
        InetSocketAddress src = (InetSocketAddress) ch.localAddress();
        InetSocketAddress dst = (InetSocketAddress) ch.remoteAddress();
        return "PROXY " + version.id() + " " + protocol(src.getAddress()).name() + " "
                + Addresses.withPort(text(src.getAddress()), src.getPort()) + " -> "
                + Addresses.withPort(text(dst.getAddress()), dst.getPort());
    }

    /** Writes the header through a short-lived encoder at the head of the pipeline, then removes it. */
    static ChannelFuture send(ProxyProtocol version, Channel ch) {
        InetSocketAddress src = (InetSocketAddress) ch.localAddress();
        InetSocketAddress dst = (InetSocketAddress) ch.remoteAddress();
        HAProxyMessage message = new HAProxyMessage(
                version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2,
                HAProxyCommand.PROXY, protocol(src.getAddress()), text(src.getAddress()), text(dst.getAddress()),
                src.getPort(), dst.getPort());
        ch.pipeline().addFirst("proxy-header", HAProxyMessageEncoder.INSTANCE);
        ChannelFuture written = ch.writeAndFlush(message);
        ch.pipeline().remove("proxy-header"); // the bytes are already on their way; nothing else is a header
        return written;
    }

    private static HAProxyProxiedProtocol protocol(InetAddress a) {
        return a instanceof Inet6Address ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4;
    }

    /** Without a scope id: the header has no room for one. */
    private static String text(InetAddress a) {
        String t = Addresses.text(a);
        int percent = t.indexOf('%');
        return percent < 0 ? t : t.substring(0, percent);
    }
}
