package dev.smtpprobe.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Removes every known form of a credential's secret from text a server sent back, before it is stored: a server
 * that echoes the AUTH blob must not make a report quote it. The forms: the secret itself, its base64, and the
 * base64 of the SASL PLAIN message that carries it (with and without an authorization identity).
 */
public final class SecretScrub {
    public static final String REDACTED = "<redacted>";
    private static final SecretScrub NONE = new SecretScrub(List.of());

    private final List<String> forms;

    private SecretScrub(List<String> forms) {
        this.forms = forms;
    }

    public static SecretScrub of(Optional<Credential> credential) {
        if (credential.isEmpty()) {
            return NONE;
        }
        Credential c = credential.get();
        List<String> forms = new ArrayList<>();
        for (String secret : c.secretForms()) {
            if (secret.length() < 3) {
                continue; // too short to scrub without mangling ordinary words; refused as weak elsewhere
            }
            forms.add(secret);
            forms.add(base64(secret));
            forms.add(base64("\0" + c.username() + "\0" + secret));
            forms.add(base64(c.username() + "\0" + c.username() + "\0" + secret));
            forms.add(base64("user=" + c.username() + "\u0001auth=Bearer " + secret + "\u0001\u0001"));
        }
        forms.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretScrub(List.copyOf(forms));
    }

    public String apply(String text) {
        if (forms.isEmpty() || text == null) {
            return text;
        }
        String out = text;
        for (String form : forms) {
            if (out.contains(form)) {
                out = out.replace(form, REDACTED);
            }
        }
        return out;
    }

    /** The reply with its lines scrubbed; the same reply when nothing needed it. */
    public SmtpReply apply(SmtpReply reply) {
        if (forms.isEmpty()) {
            return reply;
        }
        List<String> lines = reply.lines().stream().map(this::apply).toList();
        return lines.equals(reply.lines()) ? reply
                : new SmtpReply(reply.code(), reply.enhanced(), lines, reply.flags(), reply.firstByteNanos(),
                        reply.lastByteNanos());
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
