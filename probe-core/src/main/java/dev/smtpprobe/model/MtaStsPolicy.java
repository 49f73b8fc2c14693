package dev.smtpprobe.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed MTA-STS policy (RFC 8461 §3.2).
 *
 * @param mode enforce, testing or none
 * @param mx the {@code mx} patterns, in the order given: exact names or {@code *.} plus a suffix
 * @param maxAgeSeconds how long senders cache the policy
 */
public record MtaStsPolicy(Mode mode, List<String> mx, long maxAgeSeconds) {

    public enum Mode { ENFORCE, TESTING, NONE }

    public MtaStsPolicy {
        Objects.requireNonNull(mode);
        mx = List.copyOf(mx);
    }

    /** The first pattern that matches {@code host}, if any. */
    public Optional<String> matchingPattern(String host) {
        for (String pattern : mx) {
            if (matches(pattern, host)) {
                return Optional.of(pattern);
            }
        }
        return Optional.empty();
    }

    /**
     * RFC 8461 §4.1: an exact, case-insensitive match, or {@code *.suffix}, whose {@code *} stands for exactly one
     * left-most label ({@code *.example.com} matches {@code mx.example.com}, not {@code example.com} nor
     * {@code a.b.example.com}).
     */
    public static boolean matches(String pattern, String host) {
        String p = strip(pattern);
        String h = strip(host);
        if (p.isEmpty() || h.isEmpty()) {
            return false;
        }
        if (!p.startsWith("*.")) {
            return p.equals(h);
        }
        String suffix = p.substring(1);
        if (!h.endsWith(suffix)) {
            return false;
        }
        String label = h.substring(0, h.length() - suffix.length());
        return !label.isEmpty() && label.indexOf('.') < 0;
    }

    private static String strip(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
