package dev.smtpprobe.tls;

import io.netty.util.NetUtil;
import java.util.Locale;

/** Host name helpers shared by SNI and name matching. */
public final class HostNames {
    private HostNames() {
    }

    /** The host without IPv6 brackets or a trailing dot, lower-cased. */
    public static String normalize(String host) {
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    public static boolean isIpLiteral(String host) {
        String h = normalize(host);
        if (h.startsWith("ipv6:")) {
            h = h.substring(5);
        }
        return NetUtil.isValidIpV4Address(h) || NetUtil.isValidIpV6Address(h);
    }

    /** What we send as SNI: the host name, or empty for IP literals (RFC 6066 forbids literals in SNI). */
    public static String sniFor(String host) {
        return isIpLiteral(host) || normalize(host).isEmpty() ? "" : normalize(host);
    }
}
