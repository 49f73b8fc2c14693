package dev.smtpprobe.mtasts;

import dev.smtpprobe.model.MtaStsPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses an MTA-STS policy body strictly (RFC 8461 §3.2): {@code key: value} lines ending in CRLF or LF;
 * {@code version: STSv1}, {@code mode} and {@code max_age} exactly once (a repeated one is noted, the first wins),
 * at least one {@code mx} unless the mode is none; unknown keys are ignored, as the RFC says. Every {@code mx}
 * pattern must be a host name, or {@code *.} and a host name (a wildcard only as the whole left-most label).
 */
public final class MtaStsPolicyParser {
    /** RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
    public static final long MAX_AGE_LIMIT = 31_557_600L;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,31}");
    private static final Pattern LABEL = Pattern.compile("(?i)[a-z0-9]([a-z0-9\\-]{0,61}[a-z0-9])?");

    private MtaStsPolicyParser() {
    }

    /**
     * @param policy the policy when it is valid
     * @param errors what makes it invalid (senders then ignore it)
     * @param notes what is odd but allowed (repeated keys, a very short max_age)
     */
    public record Parsed(Optional<MtaStsPolicy> policy, List<String> errors, List<String> notes) {
    }

    public static Parsed parse(String body) {
        List<String> errors = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        List<String> mx = new ArrayList<>();
        String[] lines = body.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                errors.add("line " + (i + 1) + " \"" + shorten(line) + "\" is not \"key: value\"");
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (!KEY.matcher(key).matches()) {
                errors.add("line " + (i + 1) + ": \"" + shorten(key) + "\" is not a valid key");
                continue;
            }
            String k = key.toLowerCase(Locale.ROOT);
            if (k.equals("mx")) {
                mx.add(value);
            } else if (fields.putIfAbsent(k, value) != null) {
                notes.add(k + " appears more than once; the first (" + fields.get(k) + ") counts");
            }
        }
        String version = fields.get("version");
        if (version == null) {
            errors.add("version is missing");
        } else if (!version.equals("STSv1")) {
            errors.add("version is \"" + version + "\", not STSv1");
        }
        MtaStsPolicy.Mode mode = null;
        String m = fields.get("mode");
        if (m == null) {
            errors.add("mode is missing");
        } else {
            switch (m) {
                case "enforce" -> mode = MtaStsPolicy.Mode.ENFORCE;
                case "testing" -> mode = MtaStsPolicy.Mode.TESTING;
                case "none" -> mode = MtaStsPolicy.Mode.NONE;
                default -> errors.add("mode is \"" + m + "\", not enforce, testing or none");
            }
        }
        long maxAge = -1;
        String age = fields.get("max_age");
        if (age == null) {
            errors.add("max_age is missing");
        } else if (!age.matches("\\d{1,10}") || Long.parseLong(age) > MAX_AGE_LIMIT) {
            errors.add("max_age \"" + age + "\" is not a number of seconds from 0 to " + MAX_AGE_LIMIT);
        } else {
            maxAge = Long.parseLong(age);
            if (maxAge < 86_400) {
                notes.add("max_age is " + maxAge + " s (under a day): senders refetch constantly and a short "
                        + "outage of the policy host ends the protection; weeks are usual (RFC 8461 §3.2)");
            }
        }
        for (String pattern : mx) {
            String problem = patternProblem(pattern);
            if (problem != null) {
                errors.add("mx \"" + shorten(pattern) + "\" " + problem);
            }
        }
        if (mx.isEmpty() && mode != MtaStsPolicy.Mode.NONE && mode != null) {
            errors.add("no mx pattern (one is required unless the mode is none)");
        }
        if (!errors.isEmpty()) {
            return new Parsed(Optional.empty(), errors, notes);
        }
        return new Parsed(Optional.of(new MtaStsPolicy(mode, mx, maxAge)), errors, notes);
    }

    /** Null when the pattern is a host name or a left-most-label wildcard over one, else why not. */
    static String patternProblem(String pattern) {
        String p = pattern.endsWith(".") ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (p.isEmpty()) {
            return "is empty";
        }
        if (p.startsWith("*.")) {
            p = p.substring(2);
            if (!p.contains(".")) {
                return "has a wildcard over a single label";
            }
        }
        if (p.contains("*")) {
            return "has a wildcard that is not the whole left-most label";
        }
        if (p.length() > 253) {
            return "is longer than a host name can be";
        }
        for (String label : p.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return "is not a host name (label \"" + shorten(label) + "\"; IDNs go in A-label form)";
            }
        }
        return null;
    }

    private static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 59) + "\u2026";
    }
}
