package dev.smtpprobe.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes a credential from text a server sent back. The engine redacts what the client sends by type
 * ({@link SmtpCommand}); this is for the other direction: a server that echoes the AUTH blob ("535 5.7.8 bad
 * credentials dGVzdABib2IAaHVudGVyMg==") would otherwise have its reply, and every finding that quotes it, carry the
 * password into a report that gets pasted into a ticket.
 *
 * <p>What is looked for, given user and password: the password itself, the base64 of the SASL PLAIN message
 * ({@code \0user\0password}, and with the user as authorization identity), the base64 of the password alone and of
 * the user name alone (AUTH LOGIN), each with or without its {@code =} padding; and in {@linkplain #scrubServerText
 * server text} also the plain user name. Base64 forms and short values (under {@value #SUBSTRING_MIN} characters)
 * are matched as whole tokens only, so a four-letter password does not eat every word that contains it; longer
 * passwords are matched anywhere. Each match becomes {@value #REDACTED}; existing markers are left alone, so
 * scrubbing twice changes nothing.
 *
 * <p>A pure function of its input: the engine calls it when it stores server text, diagnosis and the reports call it
 * again as a second line of defence.
 */
public final class SecretScrubber {
    public static final String REDACTED = "<redacted>";
    /** Secrets at least this long are removed wherever they occur; shorter ones only as whole tokens. */
    public static final int SUBSTRING_MIN = 8;

    /** Scrubs nothing. */
    public static final SecretScrubber NONE = new SecretScrubber(null, null);

    /** Characters that continue a plain token: a user name such as "bob@example.com" is one token. */
    private static final String WORD = "A-Za-z0-9._@+\\-";
    private static final String BASE64 = "A-Za-z0-9+/=";

    /** Matches the secrets (password and every base64 form); empty for NONE. */
    private final Optional<Pattern> secrets;
    /** Matches the secrets and the plain user name. */
    private final Optional<Pattern> serverText;

    private SecretScrubber(Pattern secrets, Pattern serverText) {
        this.secrets = Optional.ofNullable(secrets);
        this.serverText = Optional.ofNullable(serverText);
    }

    /** The scrubber for this credential; {@link #NONE} for null. */
    public static SecretScrubber of(Credential credential) {
        if (credential == null) {
            return NONE;
        }
        if (credential instanceof Credential.BearerToken token) {
            // The OAuth messages carry the token beside the user name; their base64 forms are secrets too.
            return forSecrets(List.of(token.token(),
                    "user=" + token.username() + "\u0001auth=Bearer " + token.token() + "\u0001\u0001"));
        }
        Credential.Password p = (Credential.Password) credential;
        return forPassword(p.username(), p.password());
    }

    /** The scrubber for this credential, when there is one. */
    public static SecretScrubber of(Optional<Credential> credential) {
        return of(credential.orElse(null));
    }

    /** User name and password as AUTH PLAIN and AUTH LOGIN send them. Either may be empty. */
    public static SecretScrubber forPassword(String user, String password) {
        String u = user == null ? "" : user;
        String p = password == null ? "" : password;
        List<String> alternatives = new ArrayList<>();
        Set<String> base64 = new LinkedHashSet<>();
        if (!p.isEmpty()) {
            alternatives.add(plain(p, true));
            base64.add(base64("\0" + u + "\0" + p));
            base64.add(base64(u + "\0" + u + "\0" + p));
            base64.add(base64(p));
        }
        if (!u.isEmpty()) {
            base64.add(base64(u));
        }
        base64.forEach(b -> alternatives.add(base64Token(b)));
        if (alternatives.isEmpty()) {
            return NONE;
        }
        Pattern secrets = Pattern.compile(String.join("|", sortLongestFirst(alternatives)));
        List<String> withUser = new ArrayList<>(alternatives);
        if (!u.isEmpty()) {
            withUser.add(plain(u, false));
        }
        return new SecretScrubber(secrets, Pattern.compile(String.join("|", sortLongestFirst(withUser))));
    }

    /**
     * Other secrets (a bearer token, an API key): each value, and its base64 form, is removed. For credential
     * kinds this class does not know by name.
     */
    public static SecretScrubber forSecrets(List<String> values) {
        List<String> alternatives = new ArrayList<>();
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                alternatives.add(plain(v, true));
                alternatives.add(base64Token(base64(v)));
            }
        }
        if (alternatives.isEmpty()) {
            return NONE;
        }
        Pattern p = Pattern.compile(String.join("|", sortLongestFirst(alternatives)));
        return new SecretScrubber(p, p);
    }

    public boolean isEmpty() {
        return secrets.isEmpty();
    }

    /** Removes the secrets (not the user name) from any text, ours or the server's. */
    public String scrub(String text) {
        return secrets.map(p -> replace(p, text)).orElse(text);
    }

    /** Removes the secrets and the plain user name from text the server sent (reply lines, received lines). */
    public String scrubServerText(String text) {
        return serverText.map(p -> replace(p, text)).orElse(text);
    }

    public SmtpReply scrub(SmtpReply reply) {
        if (isEmpty()) {
            return reply;
        }
        List<String> lines = new ArrayList<>(reply.lines().size());
        boolean changed = false;
        for (String line : reply.lines()) {
            String s = scrubServerText(line);
            changed |= !s.equals(line);
            lines.add(s);
        }
        return changed ? new SmtpReply(reply.code(), reply.enhanced(), lines, reply.flags(), reply.firstByteNanos(),
                reply.lastByteNanos()) : reply;
    }

    /** The session with every stored server string scrubbed: replies, EHLO lines, failure, transcript. */
    public SessionResult scrub(SessionResult s) {
        if (isEmpty()) {
            return s;
        }
        List<Step> steps = new ArrayList<>(s.steps().size());
        for (Step step : s.steps()) {
            steps.add(new Step(step.phase(), step.command().map(this::scrub), step.reply().map(this::scrub),
                    step.startNanos(), step.elapsed()));
        }
        Optional<SessionFailure> failure = s.failure().map(f -> new SessionFailure(f.status(), f.phase(),
                scrubServerText(f.message()), f.reply().map(this::scrub)));
        List<TranscriptLine> transcript = new ArrayList<>(s.transcript().size());
        for (TranscriptLine line : s.transcript()) {
            String text = line.direction() == TranscriptLine.Direction.SENT ? scrub(line.line())
                    : scrubServerText(line.line());
            transcript.add(new TranscriptLine(line.direction(), line.nanos(), text));
        }
        List<RecipientResult> recipients = s.recipients().stream().map(r -> new RecipientResult(r.address(),
                r.probe(), r.reply().map(this::scrub), r.notTried(), r.messageReply().map(this::scrub))).toList();
        List<SessionNote> notes = s.notes().stream().map(n -> new SessionNote(n.kind(), n.phase(),
                scrubServerText(n.detail()))).toList();
        Optional<SessionResult.Delivery> delivery = s.delivery().map(d -> new SessionResult.Delivery(d.method(),
                d.octets(), d.chunks(), d.messageId(), d.queueId().map(this::scrubServerText)));
        Optional<SmugglingResult> smuggling = s.smuggling().map(m -> new SmugglingResult(m.sequence(), m.verdict(),
                m.replies().stream().map(this::scrub).toList(), scrubServerText(m.detail())));
        return new SessionResult(s.request(), steps, scrub(s.capabilitiesBeforeTls()), scrub(s.capabilities()),
                s.heloFallback(), s.tls(), s.auth(), recipients, delivery, s.roundTrips(), s.pipelinedCommands(),
                notes, failure, s.politeEnd(), transcript, s.startNanos(), s.elapsed(), smuggling);
    }

    /** The probe with every session scrubbed (DNS and posture carry no server echo of the credential). */
    public ProbeResult scrub(ProbeResult r) {
        if (isEmpty()) {
            return r;
        }
        List<SessionResult> sessions = new ArrayList<>(r.sessions().size());
        r.sessions().forEach(s -> sessions.add(scrub(s)));
        List<SessionResult> smuggling = r.smuggling().stream().map(this::scrub).toList();
        return new ProbeResult(r.target(), r.startedAt(), r.elapsed(), r.dns(), sessions, r.posture(), r.allMx(),
                r.transport(), smuggling);
    }

    private EhloCapabilities scrub(EhloCapabilities caps) {
        List<EhloCapabilities.Extension> extensions = new ArrayList<>(caps.extensions().size());
        for (EhloCapabilities.Extension e : caps.extensions()) {
            List<String> params = new ArrayList<>(e.parameters().size());
            e.parameters().forEach(p -> params.add(scrubServerText(p)));
            extensions.add(new EhloCapabilities.Extension(scrubServerText(e.keyword()), params));
        }
        return new EhloCapabilities(scrubServerText(caps.serverName()), extensions);
    }

    /** Replaces every match outside existing markers, so that a second pass finds nothing new. */
    private static String replace(Pattern p, String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        StringBuilder out = null;
        int from = 0;
        while (from <= text.length()) {
            int marker = text.indexOf(REDACTED, from);
            int end = marker < 0 ? text.length() : marker;
            String segment = text.substring(from, end);
            Matcher m = p.matcher(segment);
            if (m.find()) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, from);
                }
                out.append(m.replaceAll(Matcher.quoteReplacement(REDACTED)));
            } else if (out != null) {
                out.append(segment);
            }
            if (marker < 0) {
                break;
            }
            if (out != null) {
                out.append(REDACTED);
            }
            from = marker + REDACTED.length();
        }
        return out == null ? text : out.toString();
    }

    private static String plain(String value, boolean anywhereWhenLong) {
        String quoted = Pattern.quote(value);
        if (anywhereWhenLong && value.length() >= SUBSTRING_MIN) {
            return quoted;
        }
        return "(?<![" + WORD + "])" + quoted + "(?![" + WORD + "])";
    }

    /** A base64 value as a whole token, its padding optional (servers that echo often drop it). */
    private static String base64Token(String encoded) {
        String unpadded = encoded.replaceAll("=+$", "");
        return "(?<![" + BASE64 + "])" + Pattern.quote(unpadded) + "=*(?![" + BASE64 + "])";
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> sortLongestFirst(List<String> alternatives) {
        List<String> sorted = new ArrayList<>(alternatives);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return sorted;
    }

    @Override
    public String toString() {
        return isEmpty() ? "SecretScrubber[none]" : "SecretScrubber[<redacted>]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretScrubber other && Objects.equals(secrets.map(Pattern::pattern),
                other.secrets.map(Pattern::pattern));
    }

    @Override
    public int hashCode() {
        return secrets.map(Pattern::pattern).hashCode();
    }
}
