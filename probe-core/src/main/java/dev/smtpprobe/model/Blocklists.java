package dev.smtpprobe.model;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which DNS blocklists (DNSBLs, RFC 5782) a probe asks about the MX addresses it finds, and about the address the
 * user sends from.
 *
 * @param enabled ask at all
 * @param zones the zones to ask, in order; empty means the default zones (Spamhaus ZEN and others; see the
 *        {@code dnsbl-zones.tsv} data file)
 * @param sendingAddress the address mail is sent from, checked as well when given ({@code --check-my-ip})
 */
public record Blocklists(boolean enabled, List<String> zones, Optional<InetAddress> sendingAddress) {
    private static final Pattern ZONE = Pattern.compile("(?i)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
            + "(?:\\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)+");

    /** The default zones for the MX addresses, no sending address. */
    public static final Blocklists DEFAULT = new Blocklists(true, List.of(), Optional.empty());
    /** No blocklist queries at all. */
    public static final Blocklists NONE = new Blocklists(false, List.of(), Optional.empty());

    public Blocklists {
        zones = zones.stream().map(z -> z.endsWith(".") ? z.substring(0, z.length() - 1) : z)
                .map(z -> z.toLowerCase(Locale.ROOT)).toList();
        for (String z : zones) {
            if (!ZONE.matcher(z).matches() || z.length() > 200) {
                throw new IllegalArgumentException("'" + Printable.escape(z) + "' is not a blocklist zone name");
            }
        }
        Objects.requireNonNull(sendingAddress);
    }

    public Blocklists withZones(List<String> v) {
        return new Blocklists(enabled, v, sendingAddress);
    }

    public Blocklists withSendingAddress(InetAddress v) {
        return new Blocklists(enabled, zones, Optional.ofNullable(v));
    }

    /**
     * Whether blocklists can list the address at all: they list public addresses, so loopback, private (RFC 1918,
     * unique local), link-local, shared (RFC 6598), unspecified and multicast addresses are never asked about.
     */
    public static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) != 0xfc; // fc00::/7, unique local
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first != 0 && !(first == 100 && second >= 64 && second < 128); // 0/8, and 100.64/10 (carrier NAT)
    }
}
