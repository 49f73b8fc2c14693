package dev.smtpprobe.cli;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.smtpprobe.model.ProbeRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The {@code serve} configuration: modules (probe options, keyed by the probe option's long name, as
 * blackbox_exporter's modules) and targets (a domain or a server, a module, a schedule, labels). Every error is one
 * line naming the file, the line and the key, so that {@code serve --check-config} can run in a deploy pipeline.
 *
 * <pre>
 * listen: 127.0.0.1:9465
 * concurrency: 4
 * jitter: 30s
 * modules:
 *   mx_starttls: { starttls: require, rcpt: postmaster@example.com, timeout: 30 }
 * targets:
 *   - { name: example, domain: example.com, module: mx_starttls, schedule: 15m, labels: { team: mail } }
 *   - { name: relay, server: "[127.0.0.1]:2525", module: mx_starttls, schedule: "0 3 * * *" }
 * allow: [ "example.org" ]   # more targets /probe may be asked for, beyond the configured ones
 * </pre>
 */
record ServeConfig(
        Optional<InetSocketAddress> listen,
        int concurrency,
        Duration jitter,
        Map<String, Module> modules,
        List<Target> targets,
        List<String> allow,
        Optional<Path> stateDir,
        Set<String> labelKeys) {

    /** Probe options that make no sense per module: output and the target are serve's business. */
    private static final Set<String> NOT_IN_MODULES = Set.of("server", "format", "quiet", "verbose", "metrics-file",
            "help", "version", "color", "no-color", "transcript");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern LABEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Set<String> RESERVED_LABELS = Set.of("target", "phase", "outcome", "family", "status",
            "code_class", "category", "type", "job", "instance", "le", "quantile");
    private static final Pattern INTERVAL = Pattern.compile("(\\d{1,6})(s|m|h|d)");
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /** A module: the probe options as command-line arguments, validated by the probe command itself. */
    record Module(String name, List<String> args) {
    }

    /**
     * @param target the domain, or "--server" with the server
     * @param request the validated request, built once at load time
     */
    record Target(String name, String spec, boolean server, String module, Schedule schedule, Map<String, String> labels,
            ProbeOptions options, int line) {
        ProbeRequest request() {
            return options.request();
        }
    }

    /** Either every {@code interval}, or at a cron expression's times. */
    record Schedule(String text, Optional<Duration> interval, Optional<ExecutionTime> cron) {
        /** The delay from {@code now} to the next run after a run at {@code now}. */
        Duration next(ZonedDateTime now) {
            if (interval.isPresent()) {
                return interval.get();
            }
            return cron.get().timeToNextExecution(now).orElse(Duration.ofDays(365));
        }
    }

    static final class ConfigException extends IllegalArgumentException {
        ConfigException(String message) {
            super(message);
        }
    }

    /** This config with the state directory the command line named. */
    ServeConfig withStateDir(Path dir) {
        return new ServeConfig(listen, concurrency, jitter, modules, targets, allow, Optional.of(dir), labelKeys);
    }

    static ServeConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    static ServeConfig parse(String fileName, String text) {
        YAMLMapper mapper = new YAMLMapper();
        JsonNode root;
        Map<String, Integer> lines = new HashMap<>();
        try {
            root = mapper.readTree(text);
            try (JsonParser p = new YAMLFactory().createParser(text)) {
                if (p.nextToken() != null) {
                    walk(p, "", lines);
                }
            }
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ConfigException(fileName + ":" + line + ": not valid YAML: "
                    + SmtpProbeCommand.oneLine(e.getOriginalMessage()).replaceAll("\\s+", " "));
        } catch (IOException e) {
            throw new ConfigException(fileName + ": " + SmtpProbeCommand.oneLine(e.getMessage()));
        }
        return new Loader(fileName, lines).load(root);
    }

    /** Records the line of every key and list item, by path ({@code targets[1].schedule}). */
    private static void walk(JsonParser p, String path, Map<String, Integer> lines) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String child = path.isEmpty() ? p.currentName() : path + "." + p.currentName();
                lines.put(child, p.currentTokenLocation().getLineNr());
                p.nextToken();
                walk(p, child, lines);
            }
        } else if (t == JsonToken.START_ARRAY) {
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                String child = path + "[" + i++ + "]";
                lines.put(child, p.currentTokenLocation().getLineNr());
                walk(p, child, lines);
            }
        }
    }

    private static final class Loader {
        private final String file;
        private final Map<String, Integer> lines;

        Loader(String file, Map<String, Integer> lines) {
            this.file = file;
            this.lines = lines;
        }

        private ConfigException error(String path, String message) {
            int line = lines.getOrDefault(path, 0);
            String key = path.isEmpty() ? "" : " " + path + ":";
            return new ConfigException(file + ":" + line + ":" + key + " " + message);
        }

        ServeConfig load(JsonNode root) {
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw error("", "the file is empty; it needs modules and targets");
            }
            if (!root.isObject()) {
                throw error("", "the top level must be a mapping with modules and targets");
            }
            onlyKeys(root, "", Set.of("listen", "concurrency", "jitter", "modules", "targets", "allow", "state_dir"));
            Optional<InetSocketAddress> listen = Optional.ofNullable(root.get("listen"))
                    .map(n -> listenAddress(scalar(n, "listen"), "listen"));
            int concurrency = root.has("concurrency") ? integer(root.get("concurrency"), "concurrency", 1, 64) : 4;
            Duration jitter = root.has("jitter") ? interval(scalar(root.get("jitter"), "jitter"), "jitter", true)
                    : Duration.ofSeconds(10);
            Optional<Path> stateDir = Optional.ofNullable(root.get("state_dir"))
                    .map(n -> Path.of(scalar(n, "state_dir")));

            JsonNode modulesNode = root.get("modules");
            if (modulesNode == null || !modulesNode.isObject() || modulesNode.isEmpty()) {
                throw error(modulesNode == null ? "" : "modules", "modules: at least one module is needed, as a mapping");
            }
            Map<String, Module> modules = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = modulesNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String path = "modules." + e.getKey();
                if (!NAME.matcher(e.getKey()).matches()) {
                    throw error(path, "a module name is letters, digits, '_', '.' and '-'");
                }
                modules.put(e.getKey(), module(e.getKey(), e.getValue(), path));
            }

            JsonNode targetsNode = root.get("targets");
            if (targetsNode == null || !targetsNode.isArray() || targetsNode.isEmpty()) {
                throw error(targetsNode == null ? "" : "targets", "targets: at least one target is needed, as a list");
            }
            Set<String> labelKeys = new TreeSet<>();
            for (int i = 0; i < targetsNode.size(); i++) {
                JsonNode labels = targetsNode.get(i).get("labels");
                if (labels != null && labels.isObject()) {
                    labels.fieldNames().forEachRemaining(labelKeys::add);
                }
            }
            List<Target> targets = new ArrayList<>();
            Set<String> names = new TreeSet<>();
            for (int i = 0; i < targetsNode.size(); i++) {
                Target t = target(targetsNode.get(i), "targets[" + i + "]", modules);
                if (!names.add(t.name())) {
                    throw error("targets[" + i + "].name", "target name '" + t.name() + "' is used twice");
                }
                targets.add(t);
            }
            List<String> allow = new ArrayList<>();
            JsonNode allowNode = root.get("allow");
            if (allowNode != null) {
                if (!allowNode.isArray()) {
                    throw error("allow", "a list of domains or servers that /probe may be asked for");
                }
                for (int i = 0; i < allowNode.size(); i++) {
                    allow.add(scalar(allowNode.get(i), "allow[" + i + "]"));
                }
            }
            return new ServeConfig(listen, concurrency, jitter, Map.copyOf(modules), List.copyOf(targets),
                    List.copyOf(allow), stateDir, Set.copyOf(labelKeys));
        }

        private Module module(String name, JsonNode node, String path) {
            if (node == null || node.isNull()) {
                return new Module(name, List.of());
            }
            if (!node.isObject()) {
                throw error(path, "a module is a mapping of probe options (long names without '--')");
            }
            CommandLine.Model.CommandSpec spec = new CommandLine(new ProbeCommand()).getCommandSpec();
            List<String> args = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                String keyPath = path + "." + key;
                CommandLine.Model.OptionSpec option = spec.findOption("--" + key);
                if (option == null || NOT_IN_MODULES.contains(key) || !option.longestName().equals("--" + key)
                        && !List.of(option.names()).contains("--" + key)) {
                    throw error(keyPath, "'" + key + "' is not a probe option (see smtp-probe probe --help)"
                            + (NOT_IN_MODULES.contains(key) ? " that a module may set" : ""));
                }
                List<String> these = new ArrayList<>();
                JsonNode v = e.getValue();
                boolean flag = option.arity().max() == 0;
                if (flag) {
                    if (!v.isBoolean()) {
                        throw error(keyPath, "'" + key + "' is a switch: true or false");
                    }
                    if (v.booleanValue()) {
                        these.add("--" + key);
                    }
                } else if (v.isArray()) {
                    for (JsonNode item : v) {
                        these.add("--" + key);
                        these.add(scalar(item, keyPath));
                    }
                } else {
                    these.add("--" + key);
                    these.add(scalar(v, keyPath));
                }
                // Each option alone through picocli, so a bad value is blamed on its own line.
                try {
                    List<String> probe = new ArrayList<>(these);
                    probe.add("example.invalid");
                    new CommandLine(new ProbeCommand()).setCaseInsensitiveEnumValuesAllowed(true)
                            .parseArgs(probe.toArray(String[]::new));
                } catch (CommandLine.ParameterException ex) {
                    throw error(keyPath, SmtpProbeCommand.oneLine(ex.getMessage()));
                }
                args.addAll(these);
            }
            return new Module(name, List.copyOf(args));
        }

        private Target target(JsonNode node, String path, Map<String, Module> modules) {
            if (!node.isObject()) {
                throw error(path, "a target is a mapping: name, domain or server, module, schedule, labels");
            }
            onlyKeys(node, path, Set.of("name", "domain", "server", "module", "schedule", "labels"));
            String name = required(node, path, "name");
            if (!NAME.matcher(name).matches()) {
                throw error(path + ".name", "a target name is letters, digits, '_', '.' and '-' (it is a URL path and a tag)");
            }
            boolean hasDomain = node.has("domain");
            boolean hasServer = node.has("server");
            if (hasDomain == hasServer) {
                throw error(path, "target '" + name + "' needs exactly one of domain and server");
            }
            String spec = hasDomain ? scalar(node.get("domain"), path + ".domain") : scalar(node.get("server"), path + ".server");
            String moduleName = required(node, path, "module");
            Module module = modules.get(moduleName);
            if (module == null) {
                throw error(path + ".module", "no module '" + moduleName + "' (modules: " + String.join(", ",
                        new TreeSet<>(modules.keySet())) + ")");
            }
            String scheduleText = required(node, path, "schedule");
            Schedule schedule = schedule(scheduleText, path + ".schedule");
            Map<String, String> labels = new LinkedHashMap<>();
            JsonNode labelsNode = node.get("labels");
            if (labelsNode != null) {
                if (!labelsNode.isObject()) {
                    throw error(path + ".labels", "labels are a mapping of label names to values");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = labelsNode.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String lp = path + ".labels." + e.getKey();
                    if (!LABEL.matcher(e.getKey()).matches() || RESERVED_LABELS.contains(e.getKey())) {
                        throw error(lp, "a label name is [a-z_][a-z0-9_]* and not one the metrics use ("
                                + String.join(", ", new TreeSet<>(RESERVED_LABELS)) + ")");
                    }
                    labels.put(e.getKey(), scalar(e.getValue(), lp));
                }
            }
            ProbeOptions request;
            try {
                request = options(module, spec, hasServer);
            } catch (IllegalArgumentException e) {
                throw error(path, "target '" + name + "' with module '" + moduleName + "': "
                        + SmtpProbeCommand.oneLine(e.getMessage()));
            }
            return new Target(name, spec, hasServer, moduleName, schedule, Map.copyOf(labels), request,
                    lines.getOrDefault(path, 0));
        }

        private Schedule schedule(String text, String path) {
            if (INTERVAL.matcher(text).matches()) {
                return new Schedule(text, Optional.of(interval(text, path, false)), Optional.empty());
            }
            try {
                com.cronutils.model.Cron cron = CRON.parse(text).validate();
                return new Schedule(text, Optional.empty(), Optional.of(ExecutionTime.forCron(cron)));
            } catch (IllegalArgumentException e) {
                throw error(path, "'" + text + "' is neither an interval (30s, 15m, 6h, 1d) nor a cron expression"
                        + " (minute hour day-of-month month day-of-week): " + SmtpProbeCommand.oneLine(e.getMessage()));
            }
        }

        private Duration interval(String text, String path, boolean zeroOk) {
            Matcher m = INTERVAL.matcher(text);
            if (!m.matches()) {
                throw error(path, "'" + text + "' is not an interval such as 30s, 15m, 6h or 1d");
            }
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (!zeroOk && d.compareTo(Duration.ofSeconds(10)) < 0) {
                throw error(path, "an interval of at least 10s, so a probe never hammers a server");
            }
            return d;
        }

        private InetSocketAddress listenAddress(String text, String path) {
            try {
                return ServeCommand.parseListen(text);
            } catch (IllegalArgumentException e) {
                throw error(path, e.getMessage());
            }
        }

        private void onlyKeys(JsonNode node, String path, Set<String> allowed) {
            node.fieldNames().forEachRemaining(k -> {
                if (!allowed.contains(k)) {
                    throw error(path.isEmpty() ? k : path + "." + k, "unknown key '" + k + "' (expected one of "
                            + String.join(", ", new TreeSet<>(allowed)) + ")");
                }
            });
        }

        private String required(JsonNode node, String path, String key) {
            JsonNode v = node.get(key);
            if (v == null) {
                throw error(path, "'" + key + "' is missing");
            }
            return scalar(v, path + "." + key);
        }

        private String scalar(JsonNode v, String path) {
            if (v == null || !v.isValueNode() || v.isNull()) {
                throw error(path, "expected a single value");
            }
            return v.asText();
        }

        private int integer(JsonNode v, String path, int min, int max) {
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < min || v.intValue() > max) {
                throw error(path, "expected a whole number from " + min + " to " + max);
            }
            return v.intValue();
        }
    }

    /** Builds a request the way {@code smtp-probe probe} would from the module's options and the target. */
    static ProbeRequest request(Module module, String spec, boolean server) {
        return options(module, spec, server).request();
    }

    static ProbeOptions options(Module module, String spec, boolean server) {
        List<String> args = new ArrayList<>(module.args());
        if (server) {
            args.add("--server");
        }
        args.add(spec);
        ProbeCommand command = new ProbeCommand();
        CommandLine cl = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
        try {
            cl.parseArgs(args.toArray(String[]::new));
            return command.validate();
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
