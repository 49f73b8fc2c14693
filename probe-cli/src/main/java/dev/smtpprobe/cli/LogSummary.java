package dev.smtpprobe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpprobe.catalog.Category;
import dev.smtpprobe.catalog.Classification;
import dev.smtpprobe.catalog.MailLogLine;
import dev.smtpprobe.catalog.MailLogLine.Disposition;
import dev.smtpprobe.catalog.ReplyClassifier;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A whole mail log in, one table out: delivery results counted per category and per receiving domain, the most
 * frequent replies of each category with one example, and what to do first. Lines are read one at a time and only
 * counters are kept, so memory is bounded by the number of distinct domains and reply shapes, each capped at
 * {@code maxKeys}; past the cap, further keys are counted under "(other)" and the output says so.
 */
final class LogSummary {

    /** Distinct receiving domains and distinct reply shapes kept by default, each. */
    static final int DEFAULT_MAX_KEYS = 10_000;
    private static final String OTHER = "(other)";
    private static final int TOP_REPLIES = 3;
    private static final int TOP_DOMAINS = 15;

    // Reply shapes: what varies between two copies of the same refusal (addresses, IPs, ids, numbers) is masked.
    private static final Pattern ADDRESS = Pattern.compile("<?[^\\s<>()\\[\\],;:\"']+@[^\\s<>()\\[\\],;:\"']+>?");
    private static final Pattern IP = Pattern.compile(
            "\\[?(?:\\d{1,3}\\.){3}\\d{1,3}\\]?"
                    + "|\\[?(?<![\\w:])(?=[0-9a-fA-F:]*[0-9a-fA-F]:[0-9a-fA-F]*:)(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{1,4}\\]?");
    private static final Pattern TOKEN_WITH_DIGITS = Pattern.compile("\\b(?=[\\w-]*\\d)[\\w-]{6,}\\b");
    private static final Pattern PROVENANCE = Pattern.compile("\\s*\\(in reply to [^)]*\\)\\s*$");

    private final ReplyClassifier classifier;
    private final int maxKeys;

    private long lines;
    private long results;
    private long unreadable;
    private final Map<Disposition, Long> byDisposition = new EnumMap<>(Disposition.class);
    private final Map<Category, Tally> byCategory = new EnumMap<>(Category.class);
    private final Map<String, Tally> byDomain = new HashMap<>();
    private final Map<Category, Map<String, Shape>> shapes = new EnumMap<>(Category.class);
    private final Map<Category, Classification> firstReading = new EnumMap<>(Category.class);
    private int shapeCount;
    private boolean domainsCapped;
    private boolean shapesCapped;

    /** Counts of one category or domain, by what became of the delivery. */
    static final class Tally {
        long total;
        /** The first failure seen for this key, as an example (one string per key, so memory stays bounded). */
        String example;
        final Map<Disposition, Long> byDisposition = new EnumMap<>(Disposition.class);
        final Map<Category, Long> byCategory = new EnumMap<>(Category.class);

        void add(Disposition d, Category c) {
            total++;
            byDisposition.merge(d, 1L, Long::sum);
            byCategory.merge(c, 1L, Long::sum);
        }

        long count(Disposition d) {
            return byDisposition.getOrDefault(d, 0L);
        }

        Category topCategory() {
            return byCategory.entrySet().stream().filter(e -> e.getKey() != Category.OK)
                    .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(Category.OK);
        }
    }

    /** One reply shape: how often it came, and the first line it came in, as an example. */
    static final class Shape {
        long count;
        final String example;

        Shape(String example) {
            this.example = example;
        }
    }

    LogSummary(ReplyClassifier classifier, int maxKeys) {
        this.classifier = classifier;
        this.maxKeys = maxKeys;
    }

    /** Reads one log line; lines that record no delivery result (connection notices, queue lines) are only counted. */
    void accept(String line) {
        lines++;
        if (line.isBlank()) {
            return;
        }
        MailLogLine log = MailLogLine.parse(line);
        if (log.disposition() == Disposition.UNKNOWN) {
            return;
        }
        Classification c;
        if (log.disposition() == Disposition.DELIVERED) {
            c = null;
        } else {
            try {
                c = classifier.classify(line);
            } catch (IllegalArgumentException e) {
                unreadable++;
                c = null;
            }
        }
        Category category = c == null ? (log.disposition() == Disposition.DELIVERED ? Category.OK : Category.UNKNOWN)
                : c.category();
        results++;
        if (c != null) {
            firstReading.putIfAbsent(category, c);
        }
        byDisposition.merge(log.disposition(), 1L, Long::sum);
        byCategory.computeIfAbsent(category, k -> new Tally()).add(log.disposition(), category);
        String domain = log.recipientDomain().orElse("(no recipient)");
        Tally d = byDomain.get(domain);
        if (d == null) {
            if (byDomain.size() >= maxKeys) {
                domainsCapped = true;
                d = byDomain.computeIfAbsent(OTHER, k -> new Tally());
            } else {
                d = new Tally();
                byDomain.put(domain, d);
            }
        }
        d.add(log.disposition(), category);
        if (category != Category.OK && d.example == null) {
            d.example = abbreviate(log.reply().orElse(log.reason()), 200);
        }
        if (category != Category.OK) {
            String reply = log.reply().orElse(log.reason());
            Map<String, Shape> forCategory = shapes.computeIfAbsent(category, k -> new HashMap<>());
            String key = shape(reply);
            Shape s = forCategory.get(key);
            if (s == null) {
                if (shapeCount >= maxKeys) {
                    shapesCapped = true;
                    key = OTHER;
                    s = forCategory.computeIfAbsent(OTHER, k -> new Shape("(replies past the cap)"));
                } else {
                    shapeCount++;
                    s = new Shape(abbreviate(reply, 200));
                    forCategory.put(key, s);
                }
            }
            s.count++;
        }
    }

    /** The reply with what differs between copies masked: "550 5.1.1 <addr>: Recipient address rejected: ...". */
    static String shape(String reply) {
        String r = PROVENANCE.matcher(reply).replaceAll("");
        r = ADDRESS.matcher(r).replaceAll("<addr>");
        r = IP.matcher(r).replaceAll("<ip>");
        String head = r.length() > 10 ? r.substring(0, 10) : r;
        String tail = r.length() > 10 ? r.substring(10) : "";
        tail = TOKEN_WITH_DIGITS.matcher(tail).replaceAll("<id>").replaceAll("\\b\\d{2,}\\b", "<n>");
        return abbreviate((head + tail).replaceAll("\\s+", " ").strip(), 160);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    long lines() {
        return lines;
    }

    /** Categories worst first: most failures, bounces weighing more than deferrals; delivered mail last. */
    private List<Map.Entry<Category, Tally>> rankedCategories() {
        List<Map.Entry<Category, Tally>> out = new ArrayList<>(byCategory.entrySet());
        out.sort(Comparator.<Map.Entry<Category, Tally>>comparingLong(e -> e.getKey() == Category.OK ? 1 : 0)
                .thenComparing(Comparator.<Map.Entry<Category, Tally>>comparingLong(e -> weight(e.getValue()))
                        .reversed())
                .thenComparing(e -> e.getKey().id()));
        return out;
    }

    private static long weight(Tally t) {
        return 3 * (t.count(Disposition.BOUNCED) + t.count(Disposition.REJECTED_HERE)) + t.count(Disposition.DEFERRED);
    }

    private List<Map.Entry<String, Tally>> rankedDomains() {
        List<Map.Entry<String, Tally>> out = new ArrayList<>(byDomain.entrySet());
        out.sort(Comparator.<Map.Entry<String, Tally>>comparingLong(e -> weight(e.getValue())).reversed()
                .thenComparing(Comparator.<Map.Entry<String, Tally>>comparingLong(e -> e.getValue().total).reversed())
                .thenComparing(Map.Entry::getKey));
        return out;
    }

    private List<Map.Entry<String, Shape>> topShapes(Category c) {
        List<Map.Entry<String, Shape>> out = new ArrayList<>(shapes.getOrDefault(c, Map.of()).entrySet());
        out.sort(Comparator.<Map.Entry<String, Shape>>comparingLong(e -> e.getValue().count).reversed()
                .thenComparing(Map.Entry::getKey));
        return out.subList(0, Math.min(TOP_REPLIES, out.size()));
    }

    /** The first failing categories and their advice, from the classifier's own reading of a typical reply. */
    private List<Map.Entry<Category, Tally>> firstActions() {
        return rankedCategories().stream().filter(e -> e.getKey() != Category.OK).limit(3).toList();
    }

    /** How the classifier read the first line of a category: its actor and remedy speak for the category here. */
    private Classification exampleReading(Category c) {
        return firstReading.get(c);
    }

    private String remedy(Category c) {
        Classification r = exampleReading(c);
        return r != null ? r.remedy() + " (" + r.actor().id() + ")" : "Read the example reply and the category's entry (smtp-probe catalog).";
    }

    void printText(PrintWriter out) {
        out.printf(Locale.ROOT, "Mail log summary: %,d lines, %,d delivery results (%,d delivered, %,d deferred, %,d bounced,"
                        + " %,d refused here)%n", lines, results, byDisposition.getOrDefault(Disposition.DELIVERED, 0L),
                byDisposition.getOrDefault(Disposition.DEFERRED, 0L), byDisposition.getOrDefault(Disposition.BOUNCED, 0L),
                byDisposition.getOrDefault(Disposition.REJECTED_HERE, 0L));
        if (domainsCapped || shapesCapped) {
            out.printf(Locale.ROOT, "Note: more than %,d distinct %s; the rest are counted under %s.%n", maxKeys,
                    domainsCapped && shapesCapped ? "domains and reply shapes" : domainsCapped ? "domains" : "reply shapes",
                    OTHER);
        }
        if (results == 0) {
            out.println("No delivery results found (expected Postfix, Exim, Sendmail, qmail or Exchange log lines).");
            return;
        }
        out.println();
        out.printf(Locale.ROOT, "%-24s %8s %9s %8s %8s  %s%n", "By category", "results", "deferred", "bounced", "refused",
                "who acts");
        for (Map.Entry<Category, Tally> e : rankedCategories()) {
            Tally t = e.getValue();
            Classification r = e.getKey() == Category.OK ? null : exampleReading(e.getKey());
            out.printf(Locale.ROOT, "  %-22s %8d %9d %8d %8d  %s%n", e.getKey().id(), t.total,
                    t.count(Disposition.DEFERRED), t.count(Disposition.BOUNCED), t.count(Disposition.REJECTED_HERE),
                    e.getKey() == Category.OK ? "nobody" : r == null ? "-" : r.actor().id());
        }
        out.println();
        out.printf(Locale.ROOT, "%-32s %8s %9s %8s  %s%n", "By receiving domain", "results", "deferred", "bounced",
                "main problem");
        List<Map.Entry<String, Tally>> domains = rankedDomains();
        for (Map.Entry<String, Tally> e : domains.subList(0, Math.min(TOP_DOMAINS, domains.size()))) {
            Tally t = e.getValue();
            Category top = t.topCategory();
            out.printf(Locale.ROOT, "  %-30s %8d %9d %8d  %s%n", abbreviate(e.getKey(), 30), t.total,
                    t.count(Disposition.DEFERRED), t.count(Disposition.BOUNCED),
                    top == Category.OK ? "-" : top.id() + " (" + t.byCategory.get(top) + ")");
        }
        if (domains.size() > TOP_DOMAINS) {
            out.printf(Locale.ROOT, "  ... and %,d more domains (--format json lists them all)%n", domains.size() - TOP_DOMAINS);
        }
        out.println();
        out.println("Top replies per category");
        for (Map.Entry<Category, Tally> e : rankedCategories()) {
            if (e.getKey() == Category.OK) {
                continue;
            }
            out.printf(Locale.ROOT, "  %s (%d)%n", e.getKey().id(), e.getValue().total);
            for (Map.Entry<String, Shape> s : topShapes(e.getKey())) {
                out.printf(Locale.ROOT, "    %5dx  %s%n", s.getValue().count, s.getKey());
                out.printf(Locale.ROOT, "           e.g. %s%n", s.getValue().example);
            }
        }
        List<Map.Entry<Category, Tally>> first = firstActions();
        if (!first.isEmpty()) {
            out.println();
            out.println("What to do first");
            int i = 1;
            for (Map.Entry<Category, Tally> e : first) {
                out.printf(Locale.ROOT, "  %d. %s (%d): %s%n", i++, e.getKey().id(), e.getValue().total,
                        remedy(e.getKey()));
            }
        }
        if (unreadable > 0) {
            out.printf(Locale.ROOT, "%n%,d failed deliveries gave no reason the catalog could read (counted as unknown).%n",
                    unreadable);
        }
    }

    ObjectNode toJson() {
        ObjectNode o = CatalogJson.MAPPER.createObjectNode();
        o.put("lines", lines);
        o.put("results", results);
        ObjectNode disp = o.putObject("byDisposition");
        for (Disposition d : Disposition.values()) {
            if (d != Disposition.UNKNOWN) {
                disp.put(d.id(), byDisposition.getOrDefault(d, 0L));
            }
        }
        ObjectNode capped = o.putObject("capped");
        capped.put("maxKeys", maxKeys);
        capped.put("domains", domainsCapped);
        capped.put("replies", shapesCapped);
        ArrayNode cats = o.putArray("categories");
        for (Map.Entry<Category, Tally> e : rankedCategories()) {
            ObjectNode c = cats.addObject();
            c.put("category", e.getKey().id());
            tallyJson(c, e.getValue());
            Classification r = e.getKey() == Category.OK ? null : exampleReading(e.getKey());
            c.put("actor", e.getKey() == Category.OK ? "nobody" : r == null ? null : r.actor().id());
            c.put("remedy", e.getKey() == Category.OK ? null : r == null ? null : r.remedy());
            ArrayNode top = c.putArray("topReplies");
            for (Map.Entry<String, Shape> s : topShapes(e.getKey())) {
                ObjectNode t = top.addObject();
                t.put("shape", s.getKey());
                t.put("count", s.getValue().count);
                t.put("example", s.getValue().example);
            }
        }
        ArrayNode doms = o.putArray("domains");
        for (Map.Entry<String, Tally> e : rankedDomains()) {
            ObjectNode d = doms.addObject();
            d.put("domain", e.getKey());
            tallyJson(d, e.getValue());
            d.put("example", e.getValue().example);
            ObjectNode bc = d.putObject("byCategory");
            e.getValue().byCategory.entrySet().stream()
                    .sorted(Map.Entry.<Category, Long>comparingByValue().reversed())
                    .forEach(x -> bc.put(x.getKey().id(), x.getValue()));
        }
        ArrayNode first = o.putArray("firstActions");
        for (Map.Entry<Category, Tally> e : firstActions()) {
            ObjectNode a = first.addObject();
            Classification r = exampleReading(e.getKey());
            a.put("category", e.getKey().id());
            a.put("results", e.getValue().total);
            a.put("actor", r == null ? null : r.actor().id());
            a.put("remedy", r == null ? null : r.remedy());
        }
        o.put("unreadable", unreadable);
        return o;
    }

    private static void tallyJson(ObjectNode n, Tally t) {
        n.put("results", t.total);
        n.put("delivered", t.count(Disposition.DELIVERED));
        n.put("deferred", t.count(Disposition.DEFERRED));
        n.put("bounced", t.count(Disposition.BOUNCED));
        n.put("refusedHere", t.count(Disposition.REJECTED_HERE));
    }

    /** Keys kept so far (for tests of the bound). */
    Map<String, Integer> keyCounts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("domains", byDomain.size());
        m.put("shapes", shapeCount);
        return m;
    }
}
