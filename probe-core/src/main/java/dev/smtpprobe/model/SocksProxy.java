package dev.smtpprobe.model;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A SOCKS5 proxy (RFC 1928) that every TCP connection of a session goes through, with an optional user name and
 * password (RFC 1929). The target is always sent to the proxy as an IP address: names are resolved by the probe's
 * own DNS, never by the proxy. Written {@code socks5://[user@]host:port}; the password never appears in that
 * form (it would show in {@code ps}, shell history and logs), so it is given apart and never printed.
 *
 * @param address the proxy's address; unresolved when given as a name (the caller resolves it before any
 *        session runs: sessions dial IP addresses only)
 * @param credential the user name and password to authenticate with; empty offers no authentication
 */
public record SocksProxy(InetSocketAddress address, Optional<Credential.Password> credential) {

    /** RFC 1929: the user name and password are each 1 to 255 octets. */
    private static final int MAX_FIELD_OCTETS = 255;

    public SocksProxy {
        Objects.requireNonNull(address);
        Objects.requireNonNull(credential);
        credential.ifPresent(c -> {
            checkField("proxy user name", c.username());
            checkField("proxy password", c.password());
        });
    }

    /**
     * Parses {@code socks5://[user@]host:port} ({@code host} a name, an IPv4 address or a bracketed IPv6 address).
     *
     * @param password the proxy password, required when the URI names a user and refused when it does not
     * @throws IllegalArgumentException with a one-line reason that never echoes a password
     */
    public static SocksProxy parse(String uri, Optional<String> password) {
        Objects.requireNonNull(uri);
        Objects.requireNonNull(password);
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw new IllegalArgumentException("the proxy URI contains a line break or NUL");
            }
            if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                throw new IllegalArgumentException("the proxy URI contains a space or control character");
            }
        }
        int colonSlash = uri.indexOf("://");
        if (colonSlash < 0) {
            throw new IllegalArgumentException("the proxy must be written socks5://[user@]host:port, not '" + uri + "'");
        }
        String scheme = uri.substring(0, colonSlash).toLowerCase(Locale.ROOT);
        String rest = uri.substring(colonSlash + 3);
        int at = rest.lastIndexOf('@');
        String user = at < 0 ? null : rest.substring(0, at);
        if (user != null && user.indexOf(':') >= 0) {
            // Not echoed: what follows the colon is a password.
            throw new IllegalArgumentException("the proxy URI must not carry a password (it would show in ps and logs);"
                    + " give it with --proxy-password-env or --proxy-password-file");
        }
        if (!scheme.equals("socks5")) {
            throw new IllegalArgumentException(scheme.equals("socks5h")
                    ? "socks5h (names resolved by the proxy) is not supported: the probe resolves names itself; use socks5://"
                    : "proxy scheme '" + scheme + "' is not supported; only socks5://[user@]host:port is");
        }
        String hostPort = at < 0 ? rest : rest.substring(at + 1);
        if (hostPort.endsWith("/")) {
            hostPort = hostPort.substring(0, hostPort.length() - 1);
        }
        if (hostPort.indexOf('/') >= 0 || hostPort.indexOf('?') >= 0 || hostPort.indexOf('#') >= 0) {
            throw new IllegalArgumentException("the proxy URI takes no path or query: socks5://[user@]host:port");
        }
        String host;
        String portText;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("the proxy's IPv6 address lacks its closing ']'");
            }
            host = hostPort.substring(1, close);
            String tail = hostPort.substring(close + 1);
            if (!tail.startsWith(":")) {
                throw new IllegalArgumentException("the proxy needs a port: socks5://[" + host + "]:1080");
            }
            portText = tail.substring(1);
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("the proxy needs a port: socks5://" + hostPort + ":1080");
            }
            host = hostPort.substring(0, colon);
            portText = hostPort.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("write the proxy's IPv6 address in brackets: socks5://[" + host
                        + "]:" + portText);
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("the proxy URI names no host");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535 || !portText.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("the proxy port must be 1 to 65535, not '" + portText + "'");
        }
        if (user != null && user.isEmpty()) {
            throw new IllegalArgumentException("the proxy URI has an empty user name before '@'");
        }
        if (user == null && password.isPresent()) {
            throw new IllegalArgumentException("a proxy password was given, but the proxy URI names no user"
                    + " (socks5://user@host:port)");
        }
        if (user != null && password.isEmpty()) {
            throw new IllegalArgumentException("the proxy user needs a password: --proxy-password-env or"
                    + " --proxy-password-file");
        }
        Optional<Credential.Password> credential = user == null ? Optional.empty()
                : Optional.of(new Credential.Password(user, password.get()));
        return new SocksProxy(address(host, port), credential);
    }

    /** The same proxy at a resolved address (its name resolved by the caller, before any session). */
    public SocksProxy withAddress(InetAddress resolved) {
        return new SocksProxy(new InetSocketAddress(resolved, address.getPort()), credential);
    }

    /** Whether the proxy's address still needs resolving. */
    public boolean unresolved() {
        return address.isUnresolved();
    }

    /** {@code 127.0.0.1:1080}, {@code [::1]:1080} or {@code proxy.example:1080}: never the user or password. */
    public String hostPort() {
        String host = address.isUnresolved() ? address.getHostString() : Addresses.text(address.getAddress());
        return Addresses.withPort(host, address.getPort());
    }

    /** {@code socks5://host:port}, as reports show it: never the user or password. */
    public String display() {
        return "socks5://" + hostPort();
    }

    @Override
    public String toString() {
        return "SocksProxy[" + display() + (credential.isPresent() ? ", user and password <redacted>" : "") + "]";
    }

    private static InetSocketAddress address(String host, int port) {
        byte[] literal = ipLiteral(host);
        if (literal != null) {
            try {
                return new InetSocketAddress(InetAddress.getByAddress(literal), port);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("the proxy address '" + host + "' is not valid");
            }
        }
        if (!host.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("the proxy host '" + host + "' is neither an IP address nor a host name");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** Parses an IPv4 or IPv6 literal locally (never a DNS lookup); null for anything else. */
    private static byte[] ipLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            if (!host.matches("[0-9A-Fa-f:.]+")) {
                return null;
            }
            try {
                return InetAddress.getByName(host).getAddress(); // a literal: InetAddress parses it without DNS
            } catch (UnknownHostException e) {
                return null;
            }
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                return null;
            }
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static void checkField(String what, String value) {
        int octets = value.getBytes(StandardCharsets.UTF_8).length;
        if (octets < 1 || octets > MAX_FIELD_OCTETS) {
            throw new IllegalArgumentException(what + " must be 1 to " + MAX_FIELD_OCTETS + " octets (RFC 1929)");
        }
    }
}
