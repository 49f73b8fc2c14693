package dev.smtpprobe.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The service extensions a server announced in its EHLO reply, parsed line by line
 * (never by searching the whole text: "STARTTLS" inside a greeting is not an extension).
 *
 * @param serverName the domain on the first EHLO line
 * @param extensions every keyword line after the first, known or not, in order
 */
public record EhloCapabilities(String serverName, List<Extension> extensions) {

    /** One extension line: keyword upper-cased, parameters as sent. */
    public record Extension(String keyword, List<String> parameters) {
        public Extension {
            keyword = keyword.toUpperCase(Locale.ROOT);
            parameters = List.copyOf(parameters);
        }
    }

    public static final EhloCapabilities NONE = new EhloCapabilities("", List.of());

    // Compiled once: String.split compiles its regex at every call, and every session parses one or two replies.
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern KEYWORD_SEPARATORS = Pattern.compile("[\\s=]+");

    public EhloCapabilities {
        extensions = List.copyOf(extensions);
    }

    /** Parses a 250 EHLO reply. The first line is the greeting; later lines are keywords (RFC 5321 section 4.1.1.1). */
    public static EhloCapabilities parse(SmtpReply reply) {
        List<String> lines = reply.lines();
        String first = lines.isEmpty() ? "" : lines.get(0).strip();
        String serverName = first.isEmpty() ? "" : WHITESPACE.split(first, 2)[0];
        List<Extension> extensions = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            // A line that starts with '=' or holds only separators names no keyword: skip it rather than record "".
            String[] parts = java.util.Arrays.stream(KEYWORD_SEPARATORS.split(line)).filter(p -> !p.isEmpty())
                    .toArray(String[]::new);
            if (parts.length == 0) {
                continue;
            }
            List<String> params = new ArrayList<>();
            for (int p = 1; p < parts.length; p++) {
                params.add(parts[p]);
            }
            extensions.add(new Extension(parts[0], params));
        }
        return new EhloCapabilities(serverName, extensions);
    }

    public boolean supports(String keyword) {
        return extension(keyword).isPresent();
    }

    public Optional<Extension> extension(String keyword) {
        String k = keyword.toUpperCase(Locale.ROOT);
        return extensions.stream().filter(e -> e.keyword().equals(k)).findFirst();
    }

    public boolean startTls() {
        return supports("STARTTLS");
    }

    public boolean pipelining() {
        return supports("PIPELINING");
    }

    public boolean eightBitMime() {
        return supports("8BITMIME");
    }

    public boolean smtpUtf8() {
        return supports("SMTPUTF8");
    }

    public boolean chunking() {
        return supports("CHUNKING");
    }

    public boolean dsn() {
        return supports("DSN");
    }

    public boolean enhancedStatusCodes() {
        return supports("ENHANCEDSTATUSCODES");
    }

    public boolean requireTls() {
        return supports("REQUIRETLS");
    }

    /** The SIZE limit in octets; empty when SIZE is absent or announced without a number, 0 means no fixed limit. */
    public OptionalLong sizeLimit() {
        return extension("SIZE")
                .filter(e -> !e.parameters().isEmpty())
                .map(e -> {
                    try {
                        return OptionalLong.of(Long.parseLong(e.parameters().get(0)));
                    } catch (NumberFormatException ex) {
                        return OptionalLong.empty();
                    }
                })
                .orElse(OptionalLong.empty());
    }

    /** AUTH mechanisms, upper-cased; also honours the pre-standard "AUTH=LOGIN PLAIN" form. */
    public List<String> authMechanisms() {
        List<String> out = new ArrayList<>();
        for (Extension e : extensions) {
            if (e.keyword().equals("AUTH")) {
                for (String m : e.parameters()) {
                    String mech = m.toUpperCase(Locale.ROOT);
                    if (!out.contains(mech)) {
                        out.add(mech);
                    }
                }
            }
        }
        return List.copyOf(out);
    }
}
