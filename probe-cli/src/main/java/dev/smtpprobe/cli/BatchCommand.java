package dev.smtpprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpprobe.SmtpProber;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Verdict;
import dev.smtpprobe.dispatch.Dispatcher;
import dev.smtpprobe.report.JsonReport;
import dev.smtpprobe.report.ReportOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code smtp-probe batch}: many probes on one prober, politely, a JSON report line per target as each finishes.
 *
 * <p>Threads: the caller's reads the input and submits; the prober's event loop runs every session; one writer
 * thread diagnoses, renders and writes each result (never the event loop, which must not do file I/O). Nothing
 * is kept per target once its line is written, except, with {@code --resume}, a 64-bit hash of each key done.
 */
@Command(name = "batch",
        usageHelpWidth = 110,
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Probe many targets, one a line, with at most N at once and limits per MX address and domain.",
                "Input lines: example.com, user@example.com, host:port, or JSON objects of probe options in camelCase:",
                "  {\"server\":\"mx.example.net:25\",\"rcpt\":[\"a@example.net\"],\"quitAfter\":\"rcpt\",\"starttls\":\"require\"}",
                "Any other option is a probe option (see 'smtp-probe probe --help') and applies to every line that",
                "does not set it. Output: one JSON report per line (the probe --format json schema, plus batchInput),",
                "then a summary on standard error."},
        footer = {"",
                "Examples:",
                "  smtp-probe batch -i domains.txt --quit-after rcpt > reports.jsonl",
                "  smtp-probe batch -i domains.txt --resume reports.jsonl       # after a crash: only what is missing",
                "  smtp-probe batch -i domains.txt --shard 2/4 -o part2.jsonl  # the second of four slices",
                "",
                "Exit code: the worst verdict of all targets (a line that is not valid counts as UNKNOWN, 3)."})
public final class BatchCommand implements Callable<Integer> {
    static final int MAX_LINE_CHARS = 16 * 1024;


    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Targets, one a line (default: standard input; '-' too).")
    String input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the reports here (default: standard output).")
    Path output;

    @Option(names = {"--resume"}, paramLabel = "FILE",
            description = "Append to FILE, skipping targets it already has a line for (a half-written last line is dropped).")
    Path resume;

    @Option(names = {"--shard"}, paramLabel = "K/N",
            description = "Only the K-th (1..N) of N slices of the input, by a hash of each normalised line.")
    String shard;

    @Option(names = {"--concurrency"}, paramLabel = "N", defaultValue = "20",
            description = "Probes at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = {"--per-host"}, paramLabel = "N", defaultValue = "2",
            description = "Sessions at once to one MX address (default: ${DEFAULT-VALUE}; 0: no limit).")
    int perHost;

    @Option(names = {"--per-domain-rate"}, paramLabel = "R", defaultValue = "2",
            description = "New sessions per second toward one receiving domain (default: ${DEFAULT-VALUE}; 0: no limit).")
    double perDomainRate;

    @Option(names = {"--retry-transient"}, paramLabel = "DURATION",
            description = "Probe a target again once, after DURATION (30s, 5m, PT5M), when a recipient got 450/451 (greylisting).")
    String retryTransient;

    @Option(names = {"--summary"}, paramLabel = "FILE", description = "Write the summary (JSON) here instead of standard error.")
    Path summaryFile;

    @CommandLine.Unmatched
    List<String> probeArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (concurrency < 1 || concurrency > 10_000) {
            throw new CommandLine.ParameterException(cl, "--concurrency must be between 1 and 10000");
        }
        if (perHost < 0 || !(perDomainRate >= 0) || Double.isInfinite(perDomainRate)) {
            throw new CommandLine.ParameterException(cl, "--per-host and --per-domain-rate must be 0 or more");
        }
        if (resume != null && output != null) {
            throw new CommandLine.ParameterException(cl, "--resume FILE is the output: leave out --output");
        }
        int[] slice = shard == null ? new int[] {1, 1} : parseShard(shard);
        Duration backOff = retryTransient == null ? Duration.ZERO : parseDuration(retryTransient);
        BatchTargets targets = new BatchTargets(probeArgs, cl);
        try {
            targets.parse("example.com");
        } catch (IllegalArgumentException e) {
            // The shared options are wrong for every line: say so once, as a usage error.
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }

        Set<Long> done = resume == null ? Set.of() : BatchRun.alreadyDone(resume);
        PrintWriter err = cl.getErr();
        try (Writer out = openOutput(); InputStream in = openInput()) {
            long expected = input == null || input.equals("-") || !Files.isRegularFile(Path.of(input)) ? -1
                    : BatchRun.countTargets(Path.of(input), slice, done);
            return BatchRun.run(targets, concurrency, perHost, perDomainRate, summaryFile, slice, backOff, done, new BoundedLineReader(
                    new InputStreamReader(in, StandardCharsets.UTF_8), MAX_LINE_CHARS), expected, out, err);
        }
    }

    private Writer openOutput() throws IOException {
        if (resume != null) {
            return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(resume, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE), StandardCharsets.UTF_8));
        }
        if (output != null) {
            return Files.newBufferedWriter(output, StandardCharsets.UTF_8);
        }
        PrintWriter out = spec.commandLine().getOut();
        return new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                out.write(buf, off, len);
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                out.flush();
            }
        };
    }

    private InputStream openInput() throws IOException {
        if (input == null || input.equals("-")) {
            return new java.io.FilterInputStream(System.in) {
                @Override
                public void close() {
                    // standard input stays open for whoever runs us
                }
            };
        }
        Path p = Path.of(input);
        if (!Files.isReadable(p)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--input " + input + " cannot be read");
        }
        return Files.newInputStream(p);
    }

    private int[] parseShard(String text) {
        String[] parts = text.split("/", -1);
        try {
            if (parts.length == 2) {
                int k = Integer.parseInt(parts[0].strip());
                int n = Integer.parseInt(parts[1].strip());
                if (n >= 1 && k >= 1 && k <= n) {
                    return new int[] {k, n};
                }
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--shard takes K/N with 1 <= K <= N, not '" + text + "'");
    }

    private Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (t.startsWith("p")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                d = Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            } else if (t.endsWith("m")) {
                d = Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
            } else if (t.endsWith("h")) {
                d = Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 3_600_000));
            } else {
                d = Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
            }
            if (!d.isNegative() && d.compareTo(Duration.ofDays(1)) <= 0) {
                return d;
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // fall through
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                "--retry-transient takes a duration up to a day (30s, 5m, PT5M), not '" + text + "'");
    }

}
