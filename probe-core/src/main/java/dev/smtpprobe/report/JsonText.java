package dev.smtpprobe.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.smtpprobe.model.Printable;
import dev.smtpprobe.model.SecretScrubber;
import java.util.Iterator;
import java.util.Map;

/**
 * The last step before any JSON we print: every string value goes through {@link Printable#escape} (and the
 * secret scrubber), so that neither the JSON text nor what a consumer decodes from it ({@code jq -r}) carries a
 * control character, whichever field a server managed to reach. Keys are ours and left as they are.
 */
public final class JsonText {
    private JsonText() {
    }

    /** Escapes every string value in place; returns the same node. */
    public static <T extends JsonNode> T escapeAll(T node) {
        return escapeAll(node, SecretScrubber.NONE);
    }

    /** Scrubs the secrets from and escapes every string value in place; returns the same node. */
    public static <T extends JsonNode> T escapeAll(T node, SecretScrubber secrets) {
        walk(node, secrets);
        return node;
    }

    private static void walk(JsonNode node, SecretScrubber secrets) {
        if (node instanceof ObjectNode object) {
            // Replacing the value of a key already there is no structural change, so iterating on is safe; and
            // a string that needs nothing keeps its node (most do: a report is built from escaped parts).
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode value = e.getValue();
                if (value.isTextual()) {
                    String text = value.textValue();
                    String cleaned = clean(text, secrets);
                    if (!cleaned.equals(text)) {
                        object.set(e.getKey(), TextNode.valueOf(cleaned));
                    }
                } else if (value.isContainerNode()) {
                    walk(value, secrets);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                if (value.isTextual()) {
                    String text = value.textValue();
                    String cleaned = clean(text, secrets);
                    if (!cleaned.equals(text)) {
                        array.set(i, TextNode.valueOf(cleaned));
                    }
                } else if (value.isContainerNode()) {
                    walk(value, secrets);
                }
            }
        }
    }

    private static String clean(String text, SecretScrubber secrets) {
        return Printable.escape(secrets.scrub(text));
    }
}
