package dev.smtpprobe.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.smtpprobe.model.Printable;
import dev.smtpprobe.model.SecretScrubber;
import java.util.ArrayList;
import java.util.List;
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
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            object.fields().forEachRemaining(fields::add);
            for (Map.Entry<String, JsonNode> e : fields) {
                if (e.getValue().isTextual()) {
                    object.set(e.getKey(), clean(e.getValue().textValue(), secrets));
                } else {
                    walk(e.getValue(), secrets);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, clean(array.get(i).textValue(), secrets));
                } else {
                    walk(array.get(i), secrets);
                }
            }
        }
    }

    private static TextNode clean(String text, SecretScrubber secrets) {
        return TextNode.valueOf(Printable.escape(secrets.scrub(text)));
    }
}
