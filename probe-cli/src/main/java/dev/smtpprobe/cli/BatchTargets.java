package dev.smtpprobe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns one line of {@code batch} input into a validated probe, by building {@code probe}'s own argument list and
 * letting {@link ProbeCommand} parse and validate it: the batch has no option list of its own to drift from it.
 *
 * <p>The arguments are the batch command line's probe options (parsed once, kept as picocli saw them), minus any
 * option the line sets, plus the line's: a plain line is the TARGET ({@code example.com}, {@code user@example.com})
 * or, with a port, the {@code --server}; a JSON line names options by their long name in camelCase
 * ({@code quitAfter} for {@code --quit-after}), a repeatable one as an array, a flag as true or false, the target
 * as {@code target}.
 */
final class BatchTargets {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS,
            true);

    /** Options given on the batch command line, in the order given, with their values as typed. */
    private final Map<OptionSpec, List<String>> defaults = new LinkedHashMap<>();
    /** camelCase key (and "target") to the option it sets. */
    private final Map<String, OptionSpec> byKey = new HashMap<>();
    private final String ehloName;
    /**
     * One probe command line for every line: building picocli's model by reflection costs milliseconds, which
     * per line would cap a batch's rate on the reading thread. picocli resets every option to its initial value
     * at each parse. Used by the reading thread only.
     */
    private final CommandLine lineParser = probeCommandLine();

    /**
     * @param probeArgs probe options that apply to every line (no TARGET)
     * @throws CommandLine.ParameterException when picocli rejects them, or a TARGET is among them
     */
    BatchTargets(List<String> probeArgs, CommandLine batch) {
        // The lines' own command line parses the batch's options too: one model built, not two (cold start), and
        // what is kept of this parse is copied out before the first line's.
        CommandLine probe = lineParser;
        CommandLine.ParseResult parsed;
        try {
            parsed = probe.parseArgs(probeArgs.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new CommandLine.ParameterException(batch, e.getMessage());
        }
        if (!parsed.matchedPositionals().isEmpty()) {
            throw new CommandLine.ParameterException(batch, "targets come from the input, one a line; '"
                    + parsed.matchedPositionals().get(0).originalStringValues().get(0)
                    + "' is not a batch or probe option");
        }
        for (OptionSpec o : parsed.matchedOptions()) {
            defaults.put(o, List.copyOf(o.originalStringValues()));
        }
        for (OptionSpec o : probe.getCommandSpec().options()) {
            for (String name : o.names()) {
                if (name.startsWith("--")) {
                    byKey.put(camel(name.substring(2)), o);
                }
            }
        }
        // Looked up once: ProbeCommand would ask the system for this host's name on every line.
        OptionSpec ehlo = byKey.get("ehlo");
        this.ehloName = defaults.containsKey(ehlo) ? null : ProbeCommand.defaultEhloName();
    }

    private static CommandLine probeCommandLine() {
        CommandLine cl = new CommandLine(new ProbeCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // No option's value or default names a ${variable}; only help text does, and a batch line never prints it.
        cl.setInterpolateVariables(false);
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(new StringWriter()));
        return cl;
    }

    /**
     * The line's key: what identifies its target in the output (for {@code --resume}) and picks its shard. A plain
     * line lower-cased, a JSON line re-serialised with sorted keys, so spacing and key order do not matter.
     */
    static String key(String line) {
        String t = line.strip();
        if (t.startsWith("{")) {
            try {
                JsonNode tree = JSON.readTree(t);
                return JSON.writeValueAsString(JSON.treeToValue(tree, Object.class));
            } catch (JsonProcessingException e) {
                return t;
            }
        }
        return t.toLowerCase(Locale.ROOT);
    }

    /** FNV-1a over the key's UTF-8 bytes: stable across runs, machines and JVMs, unlike String.hashCode's spread. */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** Whether the key falls in shard {@code k} (1-based) of {@code n}. */
    static boolean inShard(String key, int k, int n) {
        return Long.remainderUnsigned(hash(key), n) == k - 1;
    }

    /**
     * The probe for one line.
     *
     * @throws IllegalArgumentException with a one-line reason when the line or its options are not valid
     */
    ProbeOptions parse(String line) {
        String t = line.strip();
        Map<OptionSpec, List<String>> mine = new LinkedHashMap<>();
        String target = null;
        OptionSpec server = byKey.get("server");
        if (t.startsWith("{")) {
            JsonNode tree;
            try {
                tree = JSON.readTree(t);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
            }
            if (!tree.isObject()) {
                throw new IllegalArgumentException("a JSON line must be an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals("target")) {
                    target = scalar(field.getKey(), field.getValue());
                    continue;
                }
                OptionSpec o = byKey.get(field.getKey());
                if (o == null) {
                    throw new IllegalArgumentException("unknown key '" + field.getKey()
                            + "' (keys are probe options in camelCase, such as quitAfter, or target)");
                }
                mine.put(o, values(o, field.getKey(), field.getValue()));
            }
            if (target == null && !mine.containsKey(server)) {
                throw new IllegalArgumentException("a JSON line needs a target or a server");
            }
        } else if (t.indexOf('@') < 0 && (t.indexOf(':') >= 0 || t.startsWith("["))) {
            mine.put(server, List.of(t));
        } else {
            target = t;
        }
        List<String> args = new ArrayList<>();
        // The same arguments with the line's own target, --server and --rcpt values left out: lines that share it
        // differ only in those, and a batch of thousands of such lines validates the rest once (see Retargetable).
        List<String> shape = new ArrayList<>();
        List<String> bound = new ArrayList<>();
        boolean lineNamesTheTarget = target != null || mine.containsKey(server);
        for (Map.Entry<OptionSpec, List<String>> d : defaults.entrySet()) {
            if (mine.containsKey(d.getKey()) || (lineNamesTheTarget && d.getKey() == server)) {
                continue;
            }
            add(args, d.getKey(), d.getValue());
            add(shape, d.getKey(), d.getValue());
        }
        OptionSpec rcpt = byKey.get("rcpt");
        for (Map.Entry<OptionSpec, List<String>> m : mine.entrySet()) {
            add(args, m.getKey(), m.getValue());
            if (m.getKey() == server || m.getKey() == rcpt) {
                add(shape, m.getKey(), java.util.Collections.nCopies(m.getValue().size(), BOUND));
                bound.addAll(m.getValue());
            } else {
                add(shape, m.getKey(), m.getValue());
            }
        }
        if (ehloName != null && !mine.containsKey(byKey.get("ehlo"))) {
            args.add("--ehlo=" + ehloName);
            shape.add("--ehlo=" + ehloName);
        }
        if (target != null) {
            args.add("--");
            args.add(target);
            shape.add("--");
            shape.add(BOUND);
            bound.add(target);
        }
        // picocli refuses an option value that looks like an option ("-x"): such a line always takes the full path.
        boolean plainValues = bound.stream().noneMatch(v -> v.startsWith("-"));
        String serverValue = mine.containsKey(server) ? mine.get(server).get(0) : null;
        List<String> lineRecipients = mine.get(rcpt);
        Template known = plainValues ? templates.get(shape) : null;
        if (known != null) {
            return known.retarget().apply(known.validated(), target, serverValue, lineRecipients);
        }
        ProbeCommand command = (ProbeCommand) lineParser.getCommand();
        ProbeOptions validated;
        try {
            lineParser.parseArgs(args.toArray(String[]::new));
            validated = command.validate();
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (plainValues && templates.size() < MAX_TEMPLATES) {
            command.retargetable().ifPresent(r -> templates.put(shape, new Template(validated, r)));
        }
        return validated;
    }

    /** A line's target, --server and --rcpt values in its {@link #parse shape}. */
    private static final String BOUND = "\0";
    /** Distinct shapes remembered; a batch has a handful (one per set of keys and shared values). */
    private static final int MAX_TEMPLATES = 256;

    /** A line validated in full, and how to give its probe another line's target and recipients. */
    private record Template(ProbeOptions validated, ProbeCommand.Retargetable retarget) {
    }

    /** Shape to template; used by the reading thread only. */
    private final Map<List<String>, Template> templates = new HashMap<>();

    private static void add(List<String> args, OptionSpec o, List<String> values) {
        String name = o.longestName();
        if (o.arity().max() == 0) {
            // A flag: picocli records "true" (or nothing) for it; false means leave it out.
            boolean on = values.isEmpty() || values.stream().anyMatch(v -> !v.equalsIgnoreCase("false"));
            if (on) {
                args.add(name);
            }
            return;
        }
        for (String v : values) {
            args.add(name + "=" + v);
        }
    }

    private static List<String> values(OptionSpec o, String key, JsonNode value) {
        List<String> out = new ArrayList<>();
        if (value.isArray()) {
            if (!o.isMultiValue()) {
                throw new IllegalArgumentException("'" + key + "' takes one value, not an array");
            }
            value.forEach(v -> out.add(scalar(key, v)));
        } else {
            out.add(scalar(key, value));
        }
        return out;
    }

    private static String scalar(String key, JsonNode v) {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        throw new IllegalArgumentException("'" + key + "' takes a string, number or boolean");
    }

    static String camel(String kebab) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
