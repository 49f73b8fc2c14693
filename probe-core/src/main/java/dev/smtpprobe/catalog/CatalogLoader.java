package dev.smtpprobe.catalog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SmtpPhase;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the catalog resources. Every data error names the file and line, because a typo in a resource must fail
 * the build's tests loudly rather than silently drop a rule.
 */
final class CatalogLoader {

    static final String BASE = "/dev/smtpprobe/catalog/";

    private CatalogLoader() {
    }

    /**
     * catalog-entries.json, read with Jackson's streaming parser: every probe report classifies replies, and the
     * data-binding layer would load several hundred classes at start for one small file.
     */
    static Map<Integer, CatalogEntry> entries(String resource) {
        Map<Integer, CatalogEntry> out = new LinkedHashMap<>();
        try (InputStream in = open(resource); JsonParser p = new JsonFactory().createParser(in)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, resource);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                JsonToken value = p.nextToken();
                if (!p.currentName().equals("entries")) {
                    p.skipChildren();
                    continue;
                }
                expect(p, value, JsonToken.START_ARRAY, resource);
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    CatalogEntry e = entry(readFields(p, resource), resource);
                    if (out.put(e.code(), e) != null) {
                        throw new IllegalStateException(resource + ": duplicate entry " + e.code());
                    }
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(resource, ex);
        }
        return out;
    }

    /** One entry object's fields: strings, numbers and booleans as text, an array as a list, null as absent. */
    private static Map<String, Object> readFields(JsonParser p, String resource) throws IOException {
        Map<String, Object> fields = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                List<String> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(p.getText());
                }
                fields.put(name, items);
            } else if (t == JsonToken.START_OBJECT) {
                throw new IllegalStateException(resource + " line " + p.currentLocation().getLineNr()
                        + ": field " + name + " must not be an object");
            } else if (t != JsonToken.VALUE_NULL) {
                fields.put(name, p.getText());
            }
        }
        return fields;
    }

    private static CatalogEntry entry(Map<String, Object> n, String resource) {
        Object codeField = n.get("code");
        if (!(codeField instanceof String codeText) || !codeText.matches("[0-9]{3}")) {
            throw new IllegalStateException(resource + ": an entry without a three-digit code: " + n);
        }
        int code = Integer.parseInt(codeText);
        if (!(n.get("causes") instanceof List<?> list)) {
            throw new IllegalStateException("catalog entry " + code + " lacks causes");
        }
        List<String> causes = list.stream().map(String::valueOf).toList();
        Object alt = n.get("alternativeReading");
        return new CatalogEntry(
                code,
                ReplyClass.valueOf(text(n, "class", code).toUpperCase(Locale.ROOT).replace('-', '_')),
                text(n, "title", code),
                text(n, "explanation", code),
                causes,
                text(n, "remedy", code),
                actor(text(n, "actor", code), resource + " code " + code),
                Boolean.parseBoolean(text(n, "retryable", code)),
                category(text(n, "category", code), resource + " code " + code),
                text(n, "standard", code),
                alt instanceof String a ? Optional.of(a) : Optional.empty());
    }

    private static void expect(JsonParser p, JsonToken got, JsonToken wanted, String resource) {
        if (got != wanted) {
            throw new IllegalStateException(resource + " line " + p.currentLocation().getLineNr() + ": expected "
                    + wanted + ", found " + got);
        }
    }

    private static String text(Map<String, Object> n, String field, int code) {
        if (!(n.get(field) instanceof String v) || v.isBlank()) {
            throw new IllegalStateException("catalog entry " + code + " lacks " + field);
        }
        return v;
    }

    /** One data row of a TSV resource: its fields and where it stands, for error messages. */
    private record Row(String[] fields, String where) {
    }

    /** The data rows of a TSV resource (blank lines and # comments skipped), each with exactly {@code width} fields. */
    private static List<Row> rows(String resource, int width) {
        List<Row> out = new java.util.ArrayList<>();
        int lineNo = 0;
        for (String line : lines(resource)) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            String where = resource + ":" + lineNo;
            if (f.length != width) {
                throw new IllegalStateException(where + ": expected " + width + " tab-separated fields, got " + f.length);
            }
            out.add(new Row(f, where));
        }
        return out;
    }

    /** enhanced-status-codes.tsv: subject.detail, title, 4yz category, 5yz category, decisive, basic, ref, meaning. */
    static Map<String, EnhancedDetail> enhanced(String resource) {
        Map<String, EnhancedDetail> out = new LinkedHashMap<>();
        for (Row row : rows(resource, 8)) {
            String[] f = row.fields();
            String where = row.where();
            EnhancedDetail d = new EnhancedDetail(f[0].strip(), f[1].strip(), f[7].strip(),
                    optionalCategory(f[2], where), optionalCategory(f[3], where),
                    switch (f[4].strip()) {
                        case "decisive" -> true;
                        case "vague" -> false;
                        default -> throw new IllegalStateException(where + ": decisive|vague expected");
                    },
                    f[5].strip(), f[6].strip());
            if (out.put(d.subjectDetail(), d) != null) {
                throw new IllegalStateException(where + ": duplicate " + d.subjectDetail());
            }
        }
        return out;
    }

    /** categories.tsv: category id, actor id, remedy. */
    static Map<Category, CategoryAdvice> advice(String resource) {
        Map<Category, CategoryAdvice> out = new EnumMap<>(Category.class);
        for (Row row : rows(resource, 3)) {
            String[] f = row.fields();
            Category c = category(f[0], row.where());
            out.put(c, new CategoryAdvice(c, actor(f[1], row.where()), f[2].strip()));
        }
        for (Category c : Category.values()) {
            if (!out.containsKey(c)) {
                throw new IllegalStateException(resource + ": no advice for category " + c.id());
            }
        }
        return out;
    }

    /** client-observations.tsv: status[@phase], code, category, actor, retryable, remedy. */
    static Map<String, ObservationMapping> observations(String resource) {
        Map<String, ObservationMapping> out = new HashMap<>();
        for (Row row : rows(resource, 6)) {
            String[] f = row.fields();
            String where = row.where();
            String[] key = f[0].strip().split("@", 2);
            ProbeStatus status;
            Optional<SmtpPhase> phase;
            try {
                status = ProbeStatus.valueOf(key[0]);
                phase = key.length == 2 ? Optional.of(SmtpPhase.valueOf(key[1].toUpperCase(Locale.ROOT)))
                        : Optional.empty();
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(where + ": unknown status or phase '" + f[0].strip() + "'");
            }
            ObservationMapping m = new ObservationMapping(status, phase, Integer.parseInt(f[1].strip()),
                    category(f[2], where), actor(f[3], where), yesNo(f[4], where), f[5].strip());
            out.put(m.key(), m);
        }
        for (ProbeStatus s : CLIENT_OBSERVED) {
            if (!out.containsKey(s.name())) {
                throw new IllegalStateException(resource + ": no mapping for " + s);
            }
        }
        return out;
    }

    /** log-observations.tsv: regex, status[@phase]. Regexes are compiled case-insensitively here, once. */
    static List<LogObservation> logObservations(String resource) {
        List<LogObservation> out = new ArrayList<>();
        for (Row row : rows(resource, 2)) {
            String[] f = row.fields();
            String where = row.where();
            Pattern regex;
            try {
                regex = Pattern.compile(f[0].strip(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
            } catch (PatternSyntaxException ex) {
                throw new IllegalStateException(where + ": bad regex: " + ex.getMessage(), ex);
            }
            String[] key = f[1].strip().split("@", 2);
            try {
                out.add(new LogObservation(regex, ProbeStatus.valueOf(key[0]), key.length == 2
                        ? Optional.of(SmtpPhase.valueOf(key[1].toUpperCase(Locale.ROOT))) : Optional.empty()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(where + ": unknown status or phase '" + f[1].strip() + "'");
            }
        }
        return out;
    }

    /** Statuses the client observes with no server reply to classify: each needs a catalog entry. */
    static final Set<ProbeStatus> CLIENT_OBSERVED = EnumSet.of(ProbeStatus.CONNECTION_REFUSED, ProbeStatus.UNREACHABLE,
            ProbeStatus.CONNECT_TIMEOUT, ProbeStatus.TIMEOUT, ProbeStatus.DEADLINE_EXCEEDED,
            ProbeStatus.CONNECTION_CLOSED, ProbeStatus.TLS_HANDSHAKE_FAILED, ProbeStatus.DNS_NXDOMAIN,
            ProbeStatus.DNS_NO_RECORDS, ProbeStatus.DNS_SERVFAIL, ProbeStatus.DNS_TIMEOUT, ProbeStatus.NULL_MX);

    /**
     * reply-patterns.txt: stanzas "[id]" followed by "key = value" lines (category, tier, codes, match, title,
     * remedy, actor, retry, source, reference). Regexes are compiled case-insensitively here, once.
     */
    static List<ReplyRule> rules(String resource) {
        List<ReplyRule> out = new ArrayList<>();
        Map<String, String> stanza = null;
        String id = null;
        int stanzaLine = 0;
        int lineNo = 0;
        Set<String> ids = new LinkedHashSet<>();
        for (String raw : lines(resource)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                if (stanza != null) {
                    out.add(rule(id, stanza, resource + ":" + stanzaLine));
                }
                id = line.substring(1, line.length() - 1).strip();
                if (!ids.add(id)) {
                    throw new IllegalStateException(resource + ":" + lineNo + ": duplicate pattern id " + id);
                }
                stanza = new LinkedHashMap<>();
                stanzaLine = lineNo;
                continue;
            }
            int eq = line.indexOf('=');
            if (stanza == null || eq < 0) {
                throw new IllegalStateException(resource + ":" + lineNo + ": expected [id] or key = value");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (stanza.put(key, value) != null) {
                throw new IllegalStateException(resource + ":" + lineNo + ": repeated key " + key);
            }
        }
        if (stanza != null) {
            out.add(rule(id, stanza, resource + ":" + stanzaLine));
        }
        return out;
    }

    private static ReplyRule rule(String id, Map<String, String> s, String where) {
        for (String required : List.of("category", "tier", "match", "title", "remedy", "source", "reference")) {
            if (!s.containsKey(required) || s.get(required).isBlank()) {
                throw new IllegalStateException(where + " [" + id + "]: missing " + required);
            }
        }
        if (!s.get("match").chars().allMatch(c -> c < 128)) {
            throw new IllegalStateException(where + " [" + id + "]: match must be ASCII (write \\uXXXX for others)");
        }
        Pattern regex;
        try {
            // ASCII case folding only: every pattern is ASCII, and Unicode folding made each of the 83 finds
            // about a fifth slower (ClassifierBenchmark).
            regex = Pattern.compile(s.get("match"), Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException ex) {
            throw new IllegalStateException(where + " [" + id + "]: bad regex: " + ex.getMessage(), ex);
        }
        Set<String> codes = new LinkedHashSet<>();
        if (s.containsKey("codes")) {
            for (String c : s.get("codes").split("[,\\s]+")) {
                if (!c.matches("[2-5](xx|\\d\\d)")) {
                    throw new IllegalStateException(where + " [" + id + "]: bad code filter " + c);
                }
                codes.add(c);
            }
        }
        return new ReplyRule(id,
                ReplyRule.Tier.valueOf(s.get("tier").toUpperCase(Locale.ROOT)),
                category(s.get("category"), where),
                regex, Set.copyOf(codes),
                s.get("title"), s.get("remedy"),
                s.containsKey("actor") ? Optional.of(actor(s.get("actor"), where)) : Optional.empty(),
                s.containsKey("retry") ? Optional.of(yesNo(s.get("retry"), where)) : Optional.empty(),
                s.get("source"), s.get("reference"),
                RequiredLiterals.of(s.get("match")));
    }

    private static Optional<Category> optionalCategory(String id, String where) {
        return id.strip().equals("-") ? Optional.empty() : Optional.of(category(id, where));
    }

    static Category category(String id, String where) {
        return Category.fromId(id).orElseThrow(() -> new IllegalStateException(where + ": unknown category " + id));
    }

    static Actor actor(String id, String where) {
        String wanted = id.strip();
        for (Actor a : Actor.values()) {
            if (a.id().equals(wanted)) {
                return a;
            }
        }
        throw new IllegalStateException(where + ": unknown actor " + id);
    }

    private static boolean yesNo(String v, String where) {
        return switch (v.strip()) {
            case "yes", "true" -> true;
            case "no", "false" -> false;
            default -> throw new IllegalStateException(where + ": yes|no expected, got " + v);
        };
    }

    private static List<String> lines(String resource) {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(resource), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(resource, ex);
        }
        return out;
    }

    private static InputStream open(String resource) {
        InputStream in = CatalogLoader.class.getResourceAsStream(BASE + resource);
        if (in == null) {
            throw new IllegalStateException("catalog resource missing from the class path: " + BASE + resource);
        }
        return in;
    }
}
