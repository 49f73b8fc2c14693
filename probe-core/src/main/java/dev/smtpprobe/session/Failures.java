package dev.smtpprobe.session;

import dev.smtpprobe.model.Addresses;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.smtp.SmtpProtocolException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/** Local failures in plain words: what users read in a report instead of a Java exception's name. */
final class Failures {
    private Failures() {
    }

    /** The status a failed TCP connect means. */
    static ProbeStatus connectStatus(Throwable t) {
        if (t instanceof ConnectTimeoutException) {
            return ProbeStatus.CONNECT_TIMEOUT;
        }
        String msg = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        if (t instanceof ConnectException && msg.contains("refused")) {
            return ProbeStatus.CONNECTION_REFUSED;
        }
        if (msg.contains("reset")) {
            // The TCP handshake completed and the server reset it before the connect was reported (a server that
            // accepts and drops at once, like a tarpit or a connection limit): reachable, and it hung up.
            return ProbeStatus.CONNECTION_CLOSED;
        }
        if (msg.contains("timed out")) {
            return ProbeStatus.CONNECT_TIMEOUT;
        }
        return ProbeStatus.UNREACHABLE;
    }

    /** Netty says "Connection refused: host./192.0.2.1:25"; say it plainly, with the address as users write it. */
    static String connectMessage(ProbeStatus status, InetSocketAddress target, Throwable cause) {
        String where = Addresses.withPort(Addresses.text(target.getAddress()), target.getPort());
        return switch (status) {
            case CONNECTION_REFUSED -> "connection refused by " + where
                    + " (nothing listens on that port, or a firewall rejects)";
            case CONNECT_TIMEOUT -> "no answer to the TCP connection attempt to " + where + " in time";
            case CONNECTION_CLOSED -> where + " accepted the TCP connection and reset it at once";
            case UNREACHABLE -> where + " is unreachable: " + describe(cause);
            default -> describe(cause);
        };
    }

    static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof DecoderException || cur instanceof EncoderException)
                && !(cur instanceof SmtpProtocolException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    /** The message a user can act on; never a bare exception class name. */
    static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        if (t instanceof ClosedChannelException) {
            return "the connection was closed";
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return "an unexpected " + plainName(t) + " error";
        }
        return m;
    }

    /** "SSLHandshakeException" reads as "SSL handshake": the words without the Java. */
    private static String plainName(Throwable t) {
        String name = t.getClass().getSimpleName().replaceAll("(Exception|Error)$", "").replace("Stackless", "");
        return name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT).strip();
    }
}
