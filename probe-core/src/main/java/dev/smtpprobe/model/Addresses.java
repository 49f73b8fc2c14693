package dev.smtpprobe.model;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Addresses as people write them: IPv6 in the RFC 5952 short form ("::1", not Java's "0:0:0:0:0:0:0:1"). */
public final class Addresses {
    private Addresses() {
    }

    public static String text(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        String full = address.getHostAddress();
        int percent = full.indexOf('%');
        String scope = percent < 0 ? "" : full.substring(percent);
        String[] groups = (percent < 0 ? full : full.substring(0, percent)).split(":");
        // RFC 5952 section 4.2: shorten the longest run of two or more zero groups (the first, on a tie).
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < groups.length; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(groups[i]);
        }
        return out + scope;
    }

    /** "192.0.2.1:25" or "[2001:db8::1]:25". */
    public static String withPort(String host, int port) {
        boolean bareIpv6 = host.indexOf(':') >= 0 && !host.startsWith("[") && host.indexOf(' ') < 0;
        return (bareIpv6 ? "[" + host + "]" : host) + ":" + port;
    }
}
