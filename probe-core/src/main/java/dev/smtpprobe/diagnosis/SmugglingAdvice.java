package dev.smtpprobe.diagnosis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The wording of the SMTP smuggling findings and the fix per MTA, from {@code smuggling.tsv} next to this class:
 * data, not code, like the reply catalog. Load errors name the file and line.
 */
final class SmugglingAdvice {
    private static final String FILE = "smuggling.tsv";
    private static final SmugglingAdvice INSTANCE = load();

    /** One MTA: the pattern that recognises its greeting, its CVE (empty for none) and its fix. */
    record Mta(String name, Pattern greeting, String cve, String fix) {
    }

    private final List<Mta> mtas;
    private final Map<String, String> texts;

    private SmugglingAdvice(List<Mta> mtas, Map<String, String> texts) {
        this.mtas = List.copyOf(mtas);
        this.texts = Map.copyOf(texts);
    }

    static SmugglingAdvice get() {
        return INSTANCE;
    }

    /** The first MTA whose pattern matches the greeting; the "other" row matches anything. */
    Mta mta(String greeting) {
        for (Mta m : mtas) {
            if (m.greeting().matcher(greeting).find()) {
                return m;
            }
        }
        return mtas.get(mtas.size() - 1);
    }

    List<Mta> mtas() {
        return mtas;
    }

    /** The text under {@code key} with each {@code {name}} replaced. */
    String text(String key, Map<String, String> values) {
        String t = texts.get(key);
        if (t == null) {
            throw new IllegalStateException(FILE + ": no text row '" + key + "'");
        }
        for (Map.Entry<String, String> e : values.entrySet()) {
            t = t.replace("{" + e.getKey() + "}", e.getValue());
        }
        return t;
    }

    private static SmugglingAdvice load() {
        List<Mta> mtas = new ArrayList<>();
        Map<String, String> texts = new HashMap<>();
        try (InputStream in = SmugglingAdvice.class.getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IllegalStateException(FILE + " is missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                String where = FILE + " line " + number;
                if (f[0].equals("mta") && f.length == 5) {
                    try {
                        mtas.add(new Mta(f[1], Pattern.compile(f[2]), f[3].equals("-") ? "" : f[3], f[4]));
                    } catch (PatternSyntaxException e) {
                        throw new IllegalStateException(where + ": bad pattern: " + e.getDescription());
                    }
                } else if (f[0].equals("text") && f.length == 3) {
                    texts.put(f[1], f[2]);
                } else {
                    throw new IllegalStateException(where + ": expected 'mta NAME PATTERN CVE FIX' or 'text KEY TEXT'"
                            + ", tab-separated");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(FILE + " cannot be read", e);
        }
        if (mtas.isEmpty() || !mtas.get(mtas.size() - 1).name().equals("other")) {
            throw new IllegalStateException(FILE + ": the last mta row must be 'other'");
        }
        return new SmugglingAdvice(mtas, texts);
    }
}
