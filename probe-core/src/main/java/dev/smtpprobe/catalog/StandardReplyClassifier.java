package dev.smtpprobe.catalog;

import dev.smtpprobe.catalog.Classification.Confidence;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.EnhancedStatus;
import dev.smtpprobe.model.SmtpReply;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The resource-backed classifier. Order of precedence for a 4yz/5yz reply:
 * <ol>
 *   <li>SPECIFIC text patterns: a provider's or MTA's own wording (Gmail, Microsoft, Postfix...);</li>
 *   <li>GENERAL keyword rules ("user unknown", "blocked using", "over quota"...), in file order, blocklists first;</li>
 *   <li>a decisive enhanced code (5.1.1, 5.2.2, 5.7.8...);</li>
 *   <li>WEAK keyword rules (vague words such as "try again later", "policy");</li>
 *   <li>a vague enhanced code (5.7.1, 4.3.0...);</li>
 *   <li>the basic code's catalog entry (and for an unlisted code, its first digit).</li>
 * </ol>
 * Text outranks codes because providers re-use enhanced codes for other meanings (Gmail's 5.7.27 means SPF
 * failure, IANA's means a null-MX sender; Microsoft's 5.1.10 is an unknown recipient, IANA's a null MX).
 * 2yz and 3yz replies are always {@link Category#OK}: success text is never scanned for failure words.
 */
final class StandardReplyClassifier implements ReplyClassifier {

    /** Basic codes that servers use for almost anything, so an enhanced subject tells more than they do. */
    private static final Set<Integer> CATCH_ALL_CODES = Set.of(421, 450, 451, 550, 554);

    /** Categories that name an address problem without saying whose; a log line's command can tell. */
    private static final Set<Category> ABOUT_AN_ADDRESS = Set.of(Category.RECIPIENT_UNKNOWN,
            Category.DOMAIN_NOT_FOUND, Category.MAILBOX_DISABLED);

    private static final java.util.regex.Pattern TEMPORARILY = java.util.regex.Pattern.compile(
            "(?i)\\btemporar(?:y|ily) (?:rejected|refused|deferred|failure)");

    private final ResourceReplyCatalog catalog;
    private final List<ReplyRule> rules;
    private final Map<Category, CategoryAdvice> advice;
    private final Map<String, ObservationMapping> observations;
    private final List<LogObservation> logObservations;

    StandardReplyClassifier(ResourceReplyCatalog catalog, List<ReplyRule> rules,
            Map<Category, CategoryAdvice> advice, Map<String, ObservationMapping> observations) {
        this(catalog, rules, advice, observations, List.of());
    }

    StandardReplyClassifier(ResourceReplyCatalog catalog, List<ReplyRule> rules,
            Map<Category, CategoryAdvice> advice, Map<String, ObservationMapping> observations,
            List<LogObservation> logObservations) {
        this.logObservations = List.copyOf(logObservations);
        this.catalog = catalog;
        this.rules = List.copyOf(rules);
        this.advice = Map.copyOf(advice);
        this.observations = Map.copyOf(observations);
        for (ObservationMapping m : observations.values()) {
            if (catalog.entry(m.code()).isEmpty()) {
                throw new IllegalStateException("client-observed status " + m.key() + " maps to code "
                        + m.code() + ", which has no catalog entry");
            }
        }
    }

    static StandardReplyClassifier loadFromClasspath() {
        ResourceReplyCatalog catalog = new ResourceReplyCatalog(
                CatalogLoader.entries("catalog-entries.json"),
                CatalogLoader.enhanced("enhanced-status-codes.tsv"));
        return new StandardReplyClassifier(catalog,
                CatalogLoader.rules("reply-patterns.txt"),
                CatalogLoader.advice("categories.tsv"),
                CatalogLoader.observations("client-observations.tsv"),
                CatalogLoader.logObservations("log-observations.tsv"));
    }

    @Override
    public ReplyCatalog catalog() {
        return catalog;
    }

    /** The rules in precedence order (for tests and the catalog command). */
    List<ReplyRule> rules() {
        return rules;
    }

    @Override
    public Classification classify(SmtpReply reply) {
        Objects.requireNonNull(reply);
        String text = reply.text();
        Optional<EnhancedStatus> enhanced = reply.enhanced().isPresent()
                ? reply.enhanced()
                : ReplyTextParser.enhancedIn(reply.lines().isEmpty() ? "" : reply.lines().get(0), text, reply.code());
        return classify(String.join("\n", reply.wireLines()), reply.code(), enhanced, text);
    }

    @Override
    public Classification classify(SmtpReply reply, SmtpPhase phase) {
        Classification c = classify(reply);
        if (phase == SmtpPhase.MAIL && ABOUT_AN_ADDRESS.contains(c.category())) {
            // The probe's own MAIL FROM was refused: "no such user" or "domain does not exist" is about the sender.
            Optional<EnhancedStatus> enhanced = c.enhancedCode().flatMap(EnhancedStatus::parse);
            return fromCategory(c.input(), c.code(), c.enhancedCode(), enhanced.map(catalog::describe), c.entry(),
                    Category.SENDER_REJECTED, c.confidence());
        }
        return c;
    }

    @Override
    public Classification classify(String replyText) {
        Objects.requireNonNull(replyText);
        Optional<ReplyTextParser.Found> reply = ReplyTextParser.find(replyText);
        if (reply.isEmpty()) {
            return withoutReplyCode(replyText).orElseThrow(
                    () -> new IllegalArgumentException("no SMTP reply code found in the text"));
        }
        ReplyTextParser.Found found = reply.get();
        Classification c = classify(replyText, found.code(), found.enhanced(), found.text());
        return aboutTheSenderWhenMailFromWasRefused(replyText, c);
    }

    /**
     * Text with no basic reply code, as mail logs and bounce notices write it. In order: a failure the logging MTA
     * observed itself (log-observations.tsv: a connection that timed out, a name that did not resolve), which has no
     * server reply at all; then an enhanced status alone ("5.2.2 <bob@...>... Mailbox Full", dsn=5.4.4, qmail's
     * "(#5.1.2)"); then a log's own result word (Exim's "**", Postfix's status=bounced), which gives the class. The
     * last two are classified like a reply whose basic code is the class's generic 450 or 550, marked as inferred.
     */
    private Optional<Classification> withoutReplyCode(String text) {
        MailLogLine log = MailLogLine.parse(text);
        String reason = log.reason().isBlank() ? text : log.reason();
        for (LogObservation o : logObservations) {
            if (o.regex().matcher(reason).find()) {
                return Optional.of(observed(text, o.status(), o.phase().orElse(SmtpPhase.CONNECT)));
            }
        }
        Optional<MailLogLine.LeadingStatus> leading = MailLogLine.leadingStatus(reason);
        Optional<EnhancedStatus> status = leading.map(MailLogLine.LeadingStatus::status).or(log::dsn);
        String words = leading.map(MailLogLine.LeadingStatus::rest).orElse(reason);
        if (log.disposition() == MailLogLine.Disposition.DELIVERED
                || status.map(st -> st.statusClass() == 2).orElse(false)) {
            // "status=sent (delivered to mailbox)": a success the log records without a reply code.
            CatalogEntry ok = catalog.entry(250).orElseThrow();
            return Optional.of(withOrigin(new Classification(text, 250, status.map(EnhancedStatus::toString),
                    status.map(catalog::describe), Category.OK, ok, Optional.empty(), Confidence.MEDIUM, false,
                    Actor.NOBODY, ok.remedy()), Classification.Origin.INFERRED));
        }
        int statusClass;
        if (status.isPresent() && status.get().statusClass() >= 4) {
            statusClass = status.get().statusClass();
        } else if (log.disposition() == MailLogLine.Disposition.BOUNCED
                || log.disposition() == MailLogLine.Disposition.DEFERRED) {
            statusClass = log.disposition() == MailLogLine.Disposition.BOUNCED ? 5 : 4;
            status = Optional.empty();
        } else if (log.disposition() == MailLogLine.Disposition.REJECTED_HERE) {
            // Exim logs its own refusals without the code: "temporarily rejected RCPT" was a 4yz, "rejected RCPT" a 5yz.
            statusClass = TEMPORARILY.matcher(reason).find() ? 4 : 5;
            status = Optional.empty();
        } else {
            return Optional.empty();
        }
        int code = statusClass * 100 + 50;
        Classification c = classify(text, code, status, words, Optional.of(inferredEntry(code, status)));
        return Optional.of(aboutTheSenderWhenMailFromWasRefused(text, c));
    }

    private Classification aboutTheSenderWhenMailFromWasRefused(String replyText, Classification c) {
        if (ReplyTextParser.answersMailFrom(replyText) && ABOUT_AN_ADDRESS.contains(c.category())) {
            // "No such user" or "domain does not exist" in answer to MAIL FROM speaks of the sender's address.
            Optional<EnhancedStatus> enhanced = c.enhancedCode().flatMap(EnhancedStatus::parse);
            Classification s = fromCategory(replyText, c.code(), c.enhancedCode(), enhanced.map(catalog::describe),
                    c.entry(), Category.SENDER_REJECTED, c.confidence());
            return withOrigin(s, c.origin());
        }
        return c;
    }

    /** The entry for a reply that gave no basic code: named by its enhanced status, read by its class. */
    private CatalogEntry inferredEntry(int code, Optional<EnhancedStatus> status) {
        boolean temporary = code / 100 == 4;
        String what = status.map(s -> "enhanced status " + s + catalog.registered(s).map(d -> " (" + d.title() + ")")
                .orElse("")).orElse("a " + (temporary ? "deferral" : "failure") + " recorded by the mail log");
        CategoryAdvice a = advice.get(Category.UNKNOWN);
        return new CatalogEntry(code, temporary ? ReplyClass.TRANSIENT : ReplyClass.PERMANENT,
                status.flatMap(catalog::registered).map(EnhancedDetail::title)
                        .orElse(temporary ? "Temporary failure (no reply code)" : "Permanent failure (no reply code)"),
                "The text carries no basic reply code, only " + what + "; it is read as a " + code
                        + " (the generic " + (temporary ? "temporary" : "permanent") + " code of its class), which no"
                        + " server sent.",
                List.of(), a.remedy(), a.actor(), temporary, Category.UNKNOWN,
                "RFC 3463 (class of the enhanced status); RFC 5321 section 4.2 (first digit)", Optional.empty());
    }

    private static Classification withOrigin(Classification c, Classification.Origin origin) {
        return new Classification(c.input(), c.code(), c.enhancedCode(), c.enhancedMeaning(), c.category(), c.entry(),
                c.pattern(), c.confidence(), c.retryable(), c.actor(), c.remedy(), origin);
    }

    @Override
    public Classification classify(ProbeStatus status, SmtpPhase phase) {
        return observed(status.id(), status, phase);
    }

    private Classification observed(String input, ProbeStatus status, SmtpPhase phase) {
        ObservationMapping m = observations.get(ObservationMapping.key(status, Optional.of(phase)));
        if (m == null) {
            m = observations.get(ObservationMapping.key(status, Optional.empty()));
        }
        if (m == null) {
            throw new IllegalArgumentException("no catalog entry for the client-observed status " + status);
        }
        CatalogEntry entry = catalog.entry(m.code()).orElseThrow();
        PatternMatch how = new PatternMatch("observation-" + m.key().toLowerCase(Locale.ROOT).replace('_', '-')
                .replace('@', '-'), entry.title(), "smtp-probe (observed by the client)", "client-observations.tsv");
        return new Classification(input.equals(status.id()) ? m.key() : input, m.code(), Optional.empty(),
                Optional.empty(), m.category(), entry, Optional.of(how), Confidence.HIGH, m.retryable(), m.actor(),
                m.remedy(), Classification.Origin.OBSERVED);
    }

    private Classification classify(String input, int code, Optional<EnhancedStatus> enhanced, String text) {
        return classify(input, code, enhanced, text, Optional.empty());
    }

    private Classification classify(String input, int code, Optional<EnhancedStatus> enhanced, String text,
            Optional<CatalogEntry> inferred) {
        Classification c = decide(input, code, enhanced, text,
                inferred.orElseGet(() -> catalog.entry(code).orElseGet(() -> unlistedEntry(code))));
        return inferred.isPresent() ? withOrigin(c, Classification.Origin.INFERRED) : c;
    }

    private Classification decide(String input, int code, Optional<EnhancedStatus> enhanced, String text,
            CatalogEntry entry) {
        Optional<String> meaning = enhanced.map(catalog::describe);
        Optional<String> enhancedCode = enhanced.map(EnhancedStatus::toString);
        if (code < 400) {
            return new Classification(input, code, enhancedCode, meaning, Category.OK, entry, Optional.empty(),
                    Confidence.HIGH, false, Actor.NOBODY, entry.remedy());
        }
        // A rule's regex sees the code too, so rules may anchor on "550 5.7.1" style prefixes.
        String haystack = code + " " + text;
        Optional<ReplyRule> specific = firstRule(ReplyRule.Tier.SPECIFIC, code, haystack);
        if (specific.isPresent()) {
            return fromRule(input, code, enhancedCode, meaning, entry, specific.get(), Confidence.HIGH);
        }
        Optional<EnhancedDetail> detail = enhanced.flatMap(catalog::registered);
        Optional<Category> decisive = detail.filter(EnhancedDetail::decisive)
                .flatMap(d -> d.categoryFor(enhanced.get().statusClass()));
        Optional<ReplyRule> general = firstRule(ReplyRule.Tier.GENERAL, code, haystack);
        if (general.isPresent()) {
            boolean conflicts = decisive.isPresent() && decisive.get() != general.get().category();
            return fromRule(input, code, enhancedCode, meaning, entry, general.get(),
                    conflicts ? Confidence.MEDIUM : Confidence.HIGH);
        }
        if (decisive.isPresent()) {
            return fromCategory(input, code, enhancedCode, meaning, entry, decisive.get(), Confidence.HIGH);
        }
        Optional<ReplyRule> weak = firstRule(ReplyRule.Tier.WEAK, code, haystack);
        if (weak.isPresent()) {
            return fromRule(input, code, enhancedCode, meaning, entry, weak.get(), Confidence.MEDIUM);
        }
        // A registered detail with no category of its own ("-", such as X.7.0) defers to the basic code when
        // that code is specific (530 5.7.0 is "authentication required"); with a catch-all basic code (421,
        // 450, 451, 550, 554) the subject says more. An unregistered detail always borrows its subject's.
        Optional<Category> vague = detail.flatMap(d -> d.categoryFor(enhanced.get().statusClass()));
        if (vague.isEmpty() && (detail.isEmpty() || CATCH_ALL_CODES.contains(code))) {
            vague = enhanced.flatMap(catalog::subject).flatMap(d -> d.categoryFor(enhanced.get().statusClass()));
        }
        if (vague.isPresent()) {
            return fromCategory(input, code, enhancedCode, meaning, entry, vague.get(), Confidence.MEDIUM);
        }
        return fromCategory(input, code, enhancedCode, meaning, entry, entry.category(), Confidence.LOW);
    }

    private Optional<ReplyRule> firstRule(ReplyRule.Tier tier, int code, String text) {
        String lowerCaseText = text.toLowerCase(java.util.Locale.ROOT);
        for (ReplyRule r : rules) {
            if (r.tier() == tier && r.matches(code, text, lowerCaseText)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private Classification fromRule(String input, int code, Optional<String> enhancedCode, Optional<String> meaning,
            CatalogEntry entry, ReplyRule rule, Confidence confidence) {
        CategoryAdvice a = advice.get(rule.category());
        Actor actor = rule.actor().orElse(rule.category() == entry.category() ? entry.actor() : a.actor());
        boolean retry = rule.retryable().orElse(code / 100 == 4);
        return new Classification(input, code, enhancedCode, meaning, rule.category(), entry,
                Optional.of(rule.toMatch()), confidence, retry, actor, rule.remedy());
    }

    private Classification fromCategory(String input, int code, Optional<String> enhancedCode,
            Optional<String> meaning, CatalogEntry entry, Category requested, Confidence confidence) {
        Category category = requested;
        if (code >= 400 && category == Category.OK) {
            // A failure is never "ok", even when its enhanced detail reads as success (X.1.5 "destination
            // address valid" on a 550): fall back to what the basic code says, and say we are unsure.
            category = entry.category() == Category.OK ? Category.UNKNOWN : entry.category();
            confidence = Confidence.LOW;
        }
        boolean own = category == entry.category();
        CategoryAdvice a = advice.get(category);
        boolean retry = own ? entry.retryable() : code / 100 == 4;
        return new Classification(input, code, enhancedCode, meaning, category, entry, Optional.empty(),
                confidence, retry, own ? entry.actor() : a.actor(), own ? entry.remedy() : a.remedy());
    }

    /** A stand-in for a code the catalog does not list: RFC 5321 section 4.2 says to act on its first digit. */
    private CatalogEntry unlistedEntry(int code) {
        int digit = code / 100;
        ReplyClass cls = switch (digit) {
            case 2 -> ReplyClass.POSITIVE;
            case 3 -> ReplyClass.INTERMEDIATE;
            case 4 -> ReplyClass.TRANSIENT;
            default -> ReplyClass.PERMANENT;
        };
        Category category = digit < 4 ? Category.OK : Category.UNKNOWN;
        CategoryAdvice a = advice.get(category);
        return new CatalogEntry(code, cls, "Unlisted " + digit + "yz reply",
                "The catalog has no entry for " + code + "; RFC 5321 section 4.2 tells clients to act on the first"
                        + " digit alone, so this is read as a " + cls.name().toLowerCase() + " reply.",
                List.of("a server-specific code outside RFC 5321 and its extensions"),
                a.remedy(), a.actor(), digit == 4, category, "RFC 5321 section 4.2 (first digit only)",
                Optional.empty());
    }
}
