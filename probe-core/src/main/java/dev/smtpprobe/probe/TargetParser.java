package dev.smtpprobe.probe;

import dev.smtpprobe.model.AddressSyntax;
import dev.smtpprobe.model.ProbeTarget;
import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns what the user typed into a {@link ProbeTarget}: a domain, an address, or a server ({@code host},
 * {@code host:port}, {@code [2001:db8::1]:25}, {@code 192.0.2.1:587}). Internationalised names are converted to
 * their A-label form and kept in both forms. Every error is an {@link IllegalArgumentException} whose message is
 * one sentence a user can act on.
 */
public final class TargetParser {
    public static final int SMTP_PORT = 25;

    private static final Pattern LABEL = Pattern.compile("(?i)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");
    /** RFC 5321 General-address-literal: Standardized-tag ":" 1*dcontent (printable ASCII except [ \\ ]). */
    private static final Pattern GENERAL_CONTENT = Pattern.compile("[\\x21-\\x5a\\x5e-\\x7e]+");
    private static final Pattern GENERAL_LITERAL = Pattern.compile("[A-Za-z0-9-]*[A-Za-z0-9]:[\\x21-\\x5a\\x5e-\\x7e]+");
    // RFC 5321 section 4.1.2 Local-part: dot-string or quoted-string; we refuse what no MTA would take.
    private static final Pattern DOT_ATOM_LOCAL = Pattern.compile("[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\\.[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern QUOTED_LOCAL = Pattern.compile("\"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*\"");

    private TargetParser() {
    }

    /** A domain or an address, to be resolved through MX. */
    public static ProbeTarget parseMailTarget(String input, int port) {
        String s = checkedInput(input, "target");
        if (s.contains("@")) {
            String mailbox = parseMailbox(s, "target address");
            String domain = mailbox.substring(mailbox.lastIndexOf('@') + 1);
            return new ProbeTarget(input, ProbeTarget.Kind.ADDRESS, domain, toUnicode(domain),
                    Optional.of(mailbox), checkPort(port));
        }
        if (s.startsWith("[") || s.contains(":") || IPV4.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + s + "' is an address or host:port, not a mail domain; use --server "
                    + s + " to probe a server directly");
        }
        String domain = parseDomain(s, "target domain");
        return new ProbeTarget(input, ProbeTarget.Kind.DOMAIN, domain, toUnicode(domain), Optional.empty(),
                checkPort(port));
    }

    /** A server given as {@code host}, {@code host:port}, {@code IPv4:port}, {@code [IPv6]:port} or a bare IPv6. */
    public static ProbeTarget parseServer(String input, int defaultPort) {
        String s = checkedInput(input, "server");
        String host;
        int port = defaultPort;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("server '" + s + "' opens '[' but never closes it");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("server '" + s + "': expected ':PORT' after ']'");
                }
                port = parsePort(rest.substring(1));
            }
            requireIpv6(host, s);
        } else if (s.indexOf(':') != s.lastIndexOf(':')) {
            host = s; // bare IPv6 literal without a port
            requireIpv6(host, s);
            refusePortLikeTail(s);
        } else if (s.contains(":")) {
            host = s.substring(0, s.indexOf(':'));
            port = parsePort(s.substring(s.indexOf(':') + 1));
        } else {
            host = s;
        }
        if (!host.contains(":") && !IPV4.matcher(host).matches()) {
            host = parseDomain(host, "server host name");
        } else if (IPV4.matcher(host).matches()) {
            requireIpv4(host, s);
        }
        return new ProbeTarget(input, ProbeTarget.Kind.SERVER, host, host.contains(":") ? host : toUnicode(host),
                Optional.empty(), checkPort(port));
    }

    /** Checks an envelope address (for --from and --rcpt): local@domain, no line breaks, IDN domain allowed. */
    public static String parseMailbox(String input, String what) {
        String s = checkedInput(input, what);
        if (s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1);
        }
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1) {
            throw new IllegalArgumentException(what + " '" + s + "' is not of the form local-part@domain");
        }
        String local = s.substring(0, at);
        String domain = s.substring(at + 1);
        if (local.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 64) {
            throw new IllegalArgumentException(what + " '" + s + "': local part longer than 64 octets (RFC 5321 section 4.5.3.1.1)");
        }
        if (!DOT_ATOM_LOCAL.matcher(local).matches() && !QUOTED_LOCAL.matcher(local).matches()) {
            throw new IllegalArgumentException(what + " '" + s + "': the local part '" + local + "' is not valid");
        }
        String asciiDomain;
        if (domain.startsWith("[") && domain.endsWith("]")) {
            requireAddressLiteral(domain, what, s);
            asciiDomain = domain; // address literal, RFC 5321 section 4.1.3: dialled directly, never an MX name
        } else {
            asciiDomain = parseDomain(domain, what + " domain");
        }
        return local + "@" + asciiDomain;
    }

    /** Checks a host name for EHLO. */
    public static String parseEhloName(String input) {
        String s = checkedInput(input, "EHLO name");
        if (s.startsWith("[") && s.endsWith("]")) {
            return addressLiteral(s, "EHLO name");
        }
        return parseDomain(s, "EHLO name");
    }

    /**
     * An address literal as RFC 5321 section 4.1.3 writes it: {@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]} or a
     * general literal {@code [tag:content]}. Anything else between brackets (spaces, controls, nothing) would go
     * into MAIL, RCPT or EHLO as it is, so it is refused.
     */
    static String addressLiteral(String literal, String what) {
        String inner = literal.substring(1, literal.length() - 1);
        boolean ok;
        if (IPV4.matcher(inner).matches()) {
            ok = java.util.Arrays.stream(inner.split("\\.")).allMatch(p -> Integer.parseInt(p) <= 255);
        } else if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            ok = GENERAL_CONTENT.matcher(inner.substring(5)).matches() && inner.substring(5).matches("[0-9A-Fa-f:.]+")
                    && inner.indexOf(':', 5) >= 0;
        } else {
            ok = GENERAL_LITERAL.matcher(inner).matches();
        }
        if (!ok) {
            throw new IllegalArgumentException(what + " '" + literal + "' is not a valid address literal");
        }
        return literal;
    }

    private static String checkedInput(String input, String what) {
        if (input == null || input.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        AddressSyntax.requireNoLineBreak(what, input);
        String s = input.strip();
        if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException(what + " contains control characters");
        }
        return s;
    }

    static String parseDomain(String input, String what) {
        String s = input.endsWith(".") ? input.substring(0, input.length() - 1) : input;
        String ascii;
        try {
            ascii = IDN.toASCII(s, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + input + "' is not a valid domain name (" + e.getMessage() + ")");
        }
        if (ascii.isEmpty() || ascii.length() > 253) {
            throw new IllegalArgumentException(what + " '" + input + "' is not a valid domain name (length)");
        }
        for (String label : ascii.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException(what + " '" + input + "' is not a valid domain name (label '" + label + "')");
            }
        }
        return ascii;
    }

    private static String toUnicode(String ascii) {
        return IDN.toUnicode(ascii, IDN.ALLOW_UNASSIGNED);
    }

    private static int parsePort(String text) {
        try {
            return checkPort(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + text + "' is not a number");
        }
    }

    /** An IP address literal (no name: nothing is resolved), with or without brackets around an IPv6 one. */
    public static java.net.InetAddress parseIpAddress(String input, String what) {
        String host = input.strip();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        byte[] bytes = io.netty.util.NetUtil.createByteArrayFromIpAddressString(host);
        if (bytes == null) {
            throw new IllegalArgumentException(what + " takes an IP address, not '" + input + "'");
        }
        try {
            return java.net.InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(what + " takes an IP address, not '" + input + "'");
        }
    }

    public static int checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (1-65535)");
        }
        return port;
    }

    private static void requireIpv6(String host, String input) {
        if (!host.matches("[0-9A-Fa-f:.]+") || !host.contains(":")) {
            throw new IllegalArgumentException("server '" + input + "': '" + host + "' is not an IPv6 address");
        }
    }

    /**
     * "::1:2537" is a valid IPv6 address, but far more often a user's "::1 port 2537": when the last group is decimal
     * and what precedes it is itself an address, the input is ambiguous, so it is refused with both readings spelled
     * out. (RFC 5952 section 6: a port beside an IPv6 address goes after brackets.)
     */
    private static void refusePortLikeTail(String input) {
        int last = input.lastIndexOf(':');
        String tail = input.substring(last + 1);
        String head = input.substring(0, last);
        if (!tail.matches("\\d{2,5}") || head.isEmpty() || head.endsWith(":") && !head.endsWith("::")
                || !isIpv6Literal(head)) {
            return;
        }
        throw new IllegalArgumentException("server '" + input + "' is ambiguous: an IPv6 address with a port needs"
                + " brackets; write [" + head + "]:" + tail + " for port " + tail + ", or [" + input
                + "] for the address alone");
    }

    private static boolean isIpv6Literal(String text) {
        if (!text.matches("[0-9A-Fa-f:.]+") || !text.contains(":")) {
            return false;
        }
        try {
            // A string with ':' is parsed as an IPv6 literal and never looked up in DNS.
            return java.net.InetAddress.getByName(text) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** RFC 5321 section 4.1.3 address literals: [192.0.2.1], [IPv6:2001:db8::1] (and, leniently, [2001:db8::1]). */
    private static void requireAddressLiteral(String literal, String what, String input) {
        String inner = literal.substring(1, literal.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            inner = inner.substring(5);
        }
        boolean ok = IPV4.matcher(inner).matches()
                ? java.util.Arrays.stream(inner.split("\\.")).allMatch(p -> Integer.parseInt(p) <= 255)
                : isIpv6Literal(inner);
        if (!ok) {
            throw new IllegalArgumentException(what + " '" + input + "': " + literal
                    + " is not an address literal (RFC 5321 section 4.1.3: [192.0.2.1] or [IPv6:2001:db8::1])");
        }
    }

    private static void requireIpv4(String host, String input) {
        for (String part : host.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                throw new IllegalArgumentException("server '" + input + "': '" + host + "' is not an IPv4 address");
            }
        }
    }
}
