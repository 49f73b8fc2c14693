package dev.smtpprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpprobe.catalog.CatalogEntry;
import dev.smtpprobe.catalog.Classification;
import dev.smtpprobe.catalog.PatternMatch;
import dev.smtpprobe.catalog.ReplyClass;
import dev.smtpprobe.report.JsonText;
import java.util.Locale;
import picocli.CommandLine;

/** JSON shapes shared by {@code explain} and {@code catalog}; field names are a public contract. */
final class CatalogJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** --format for both commands; parsed case-insensitively so "json" and "JSON" both work. */
    enum OutputFormat {
        TEXT, JSON;

        static final class Converter implements CommandLine.ITypeConverter<OutputFormat> {
            @Override
            public OutputFormat convert(String value) {
                try {
                    return OutputFormat.valueOf(value.strip().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.TypeConversionException("expected text or json, got '" + value + "'");
                }
            }
        }
    }

    private CatalogJson() {
    }

    private static Object escaped(Object node) {
        return node instanceof JsonNode json ? JsonText.escapeAll(json.deepCopy()) : node;
    }

    /*
     * The commands call these instead of building Jackson nodes themselves: picocli reflects over every command
     * class's methods (lambdas included) at start, and a Jackson type in one of their signatures loads Jackson
     * for every command, a probe's cold start included.
     */

    /** Every entry, as a pretty JSON array. */
    static String allEntries(dev.smtpprobe.catalog.ReplyCatalog catalog) {
        ArrayNode all = MAPPER.createArrayNode();
        catalog.entries().forEach(e -> all.add(entry(e)));
        return pretty(all);
    }

    /** An enhanced status code and its meaning, as pretty JSON. */
    static String enhanced(String enhanced, String meaning) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("enhancedCode", enhanced);
        o.put("enhancedMeaning", meaning);
        return pretty(o);
    }

    static String classId(ReplyClass c) {
        return c.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static ObjectNode classification(Classification c, boolean withEntry) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("input", c.input());
        o.put("code", c.code());
        o.put("enhancedCode", c.enhancedCode().orElse(null));
        o.put("enhancedMeaning", c.enhancedMeaning().orElse(null));
        o.put("category", c.category().id());
        o.put("title", c.title());
        o.put("actor", c.actor().id());
        o.put("retryable", c.retryable());
        o.put("remedy", c.remedy());
        if (c.pattern().isPresent()) {
            o.set("pattern", pattern(c.pattern().get()));
        } else {
            o.putNull("pattern");
        }
        o.put("confidence", c.confidence().name().toLowerCase(Locale.ROOT));
        // reply: a server sent this code; inferred: only an enhanced status or a log result was given, and code is
        // the generic code of its class; observed: no server replied, code is the catalog's number for the failure.
        o.put("origin", c.origin().name().toLowerCase(Locale.ROOT));
        if (withEntry) {
            o.set("entry", entry(c.entry()));
        }
        return o;
    }

    /** Adds what a mail-log line says beyond the reply: recipient, its domain, and the delivery's fate. */
    static ObjectNode logLine(ObjectNode o, dev.smtpprobe.catalog.MailLogLine log) {
        o.put("recipient", log.recipient().orElse(null));
        o.put("recipientDomain", log.recipientDomain().orElse(null));
        o.put("disposition", log.disposition().id());
        return o;
    }

    static ObjectNode pattern(PatternMatch p) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", p.id());
        o.put("title", p.title());
        o.put("source", p.source());
        o.put("reference", p.reference());
        return o;
    }

    static ObjectNode entry(CatalogEntry e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("code", e.code());
        o.put("class", classId(e.replyClass()));
        o.put("title", e.title());
        o.put("explanation", e.explanation());
        ArrayNode causes = o.putArray("likelyCauses");
        e.likelyCauses().forEach(causes::add);
        o.put("remedy", e.remedy());
        o.put("actor", e.actor().id());
        o.put("retryable", e.retryable());
        o.put("category", e.category().id());
        o.put("standard", e.standard());
        o.put("alternativeReading", e.alternativeReading().orElse(null));
        return o;
    }

    static ObjectNode error(String input, String message) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("input", input);
        o.put("error", message);
        return o;
    }

    /** One line of JSON; every string value escaped first (the input echoes what a server wrote into a log). */
    static String compact(Object node) {
        try {
            return MAPPER.writeValueAsString(escaped(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pretty(Object node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(escaped(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
