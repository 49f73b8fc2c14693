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
import me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
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
 * The work of {@code batch} once its arguments are checked. Apart from {@link BatchCommand}, so that picocli
 * building the command tree for another command (which instantiates every subcommand) loads none of Jackson,
 * Netty or the engine: cold start.
 */
final class BatchRun {
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private BatchRun() {
    }

    /**
     * How many lines of the input file the run will probe (targets in the shard, not already done), for the
     * progress bar's total; -1 when it cannot tell. One quick pass: reading is far cheaper than probing.
     */
    static long countTargets(Path input, int[] slice, Set<Long> done) {
        long n = 0;
        try (java.io.Reader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            BoundedLineReader lines = new BoundedLineReader(reader, BatchCommand.MAX_LINE_CHARS);
            String line;
            while ((line = lines.readLine()) != null) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    if (wanted(t, slice, done)) {
                        n++;
                    }
                }
            }
            return n;
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** Whether a line is in the shard and not already done; the key (a JSON line re-serialised) only when needed. */
    private static boolean wanted(String line, int[] slice, Set<Long> done) {
        if (slice[1] <= 1 && done.isEmpty()) {
            return true;
        }
        String key = BatchTargets.key(line);
        return BatchTargets.inShard(key, slice[0], slice[1]) && !done.contains(BatchTargets.hash(key));
    }

    static int run(BatchTargets targets, int concurrency, int perHost, double perDomainRate, Path summaryFile, int[] slice, Duration backOff, Set<Long> done, BoundedLineReader lines,
            long expectedTargets, Writer out, PrintWriter err) throws IOException, InterruptedException {
        Summary summary = new Summary();
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "smtp-probe-batch-writer");
            t.setDaemon(true);
            return t;
        });
        Progress progress = Progress.forStandardError(expectedTargets);
        ReplyClassifier classifier = ReplyClassifier.standard();
        DiagnosisEngine diagnoses = new DiagnosisEngine(classifier);
        // Probes start here, not on the event loop that ended the one before (see Dispatcher.Builder#starter).
        ExecutorService starter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "smtp-probe-batch-starter");
            t.setDaemon(true);
            return t;
        });
        // Twice the concurrency in flight: the dispatcher always has the next probe queued, and input is read
        // no further ahead than that, so memory does not grow with the input.
        int window = concurrency * 2;
        Semaphore inFlight = new Semaphore(window);
        try (SmtpProber prober = SmtpProber.builder().build()) {
            Dispatcher dispatcher = Dispatcher.builder().maxConcurrent(concurrency).maxPerAddress(perHost)
                    .perDomainRate(perDomainRate).retryTransient(backOff).scheduler(prober.eventLoopGroup())
                    .starter(starter).build();
            String line;
            while ((line = lines.readLine()) != null) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                if (slice[1] > 1 || !done.isEmpty()) {
                    String key = BatchTargets.key(t);
                    if (!BatchTargets.inShard(key, slice[0], slice[1])) {
                        continue;
                    }
                    if (done.contains(BatchTargets.hash(key))) {
                        summary.resumed++;
                        continue;
                    }
                }
                ProbeOptions options;
                try {
                    options = targets.parse(t);
                } catch (IllegalArgumentException e) {
                    String message = SmtpProbeCommand.oneLine(e.getMessage());
                    inFlight.acquire();
                    writer.execute(() -> {
                        try {
                            ObjectNode error = Json.MAPPER.createObjectNode();
                            error.put("batchInput", t);
                            error.put("error", message);
                            writeLine(out, error);
                            summary.errors++;
                            progress.update(summary);
                        } finally {
                            inFlight.release();
                        }
                    });
                    continue;
                }
                inFlight.acquire();
                ReportOptions reportOptions = ProbeRunner.reportOptions(options).withColor(false);
                dispatcher.submit(options.request(), prober::probe).whenCompleteAsync((result, error) -> {
                    try {
                        if (result != null) {
                            Diagnosis diagnosis = diagnoses.diagnose(result);
                            ObjectNode report = new JsonReport(classifier, reportOptions).toTree(result, diagnosis);
                            report.put("batchInput", t);
                            writeLine(out, report);
                            summary.add(diagnosis);
                        } else {
                            ObjectNode e = Json.MAPPER.createObjectNode();
                            e.put("batchInput", t);
                            e.put("error", "internal error: " + SmtpProbeCommand.oneLine(String.valueOf(error)));
                            writeLine(out, e);
                            summary.errors++;
                        }
                        progress.update(summary);
                    } finally {
                        inFlight.release();
                    }
                }, writer);
            }
            inFlight.acquire(window);
        } finally {
            starter.shutdown();
            writer.shutdown();
            writer.awaitTermination(10, TimeUnit.SECONDS);
        }
        progress.close();
        writeSummary(summary, summaryFile, err);
        return summary.worstExitCode();
    }

    /** One compact line, flushed, so a reader (or a kill) never sees half a report that is not the last line. */
    private static void writeLine(Writer out, JsonNode node) {
        try {
            out.write(Json.MAPPER.writeValueAsString(node));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeSummary(Summary summary, Path summaryFile, PrintWriter err) throws IOException {
        String text = Json.MAPPER.writeValueAsString(summary.toJson()) + "\n";
        if (summaryFile != null) {
            Files.writeString(summaryFile, text, StandardCharsets.UTF_8);
        } else {
            err.print(text);
            err.flush();
        }
    }

    /**
     * The keys of the lines the output already has, after dropping a last line that a kill cut short (the file
     * is truncated back to its last newline, so what is appended starts on a line of its own).
     */
    static Set<Long> alreadyDone(Path file) throws IOException {
        Set<Long> done = new HashSet<>();
        if (!Files.exists(file)) {
            return done;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long end = raf.length();
            long keep = end;
            while (keep > 0) {
                raf.seek(keep - 1);
                if (raf.read() == '\n') {
                    break;
                }
                keep--;
            }
            if (keep != end) {
                raf.setLength(keep);
            }
        }
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode input = Json.MAPPER.readTree(line).get("batchInput");
                    if (input != null && input.isTextual()) {
                        done.add(BatchTargets.hash(BatchTargets.key(input.textValue())));
                    }
                } catch (IOException e) {
                    // not one of ours: left alone, and its target (if any) is probed again
                }
            }
        }
        return done;
    }

    /** Counts, touched only by the writer thread (and read after it has stopped). */
    static final class Summary {
        int reports;
        int errors;
        int resumed;
        private int critical;
        private final Map<String, Integer> verdicts = new TreeMap<>();
        private final Map<String, Integer> categories = new TreeMap<>();
        private int worst = Verdict.OK.exitCode();

        void add(Diagnosis d) {
            reports++;
            verdicts.merge(d.verdict().name(), 1, Integer::sum);
            // Each report counted once, under the category of its worst finding.
            String category = d.findings().isEmpty() ? "none" : d.findings().get(0).category().id();
            categories.merge(category, 1, Integer::sum);
            worst = Math.max(worst, d.verdict().exitCode());
            if (d.verdict().exitCode() >= Verdict.CRITICAL.exitCode()) {
                critical++;
            }
        }

        /** Reports whose verdict is CRITICAL or UNKNOWN, and input lines that gave no report. */
        int failed() {
            return critical + errors;
        }

        int worstExitCode() {
            return errors > 0 ? Verdict.UNKNOWN.exitCode() : worst;
        }

        ObjectNode toJson() {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("reports", reports);
            n.put("errors", errors);
            n.put("skippedAsDone", resumed);
            ObjectNode v = n.putObject("verdicts");
            verdicts.forEach(v::put);
            ObjectNode c = n.putObject("categories");
            categories.forEach(c::put);
            n.put("exitCode", worstExitCode());
            return n;
        }
    }

    /**
     * A progress bar on standard error (done of total, rate, ETA, and the failures so far), drawn by the
     * progressbar library only when standard error is a terminal; otherwise nothing, so that logs and pipes get
     * no carriage returns. The total is known when the input is a file; from standard input the bar counts up.
     */
    static final class Progress implements AutoCloseable {
        private final ProgressBar bar;

        private Progress(ProgressBar bar) {
            this.bar = bar;
        }

        static Progress forStandardError(long expectedTargets) {
            if (!standardErrorIsTerminal()) {
                return new Progress(null);
            }
            return new Progress(new ProgressBarBuilder()
                    .setTaskName("smtp-probe batch")
                    .setInitialMax(expectedTargets)
                    .setUnit(" targets", 1)
                    .showSpeed()
                    .setUpdateIntervalMillis(200)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new InteractiveConsoleProgressBarConsumer(System.err))
                    .clearDisplayOnFinish()
                    .build());
        }

        private static boolean standardErrorIsTerminal() {
            try {
                String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return false;
            }
        }

        void update(Summary s) {
            if (bar == null) {
                return;
            }
            bar.stepTo(s.reports + s.errors);
            long failed = s.failed();
            bar.setExtraMessage(failed == 0 ? "" : failed + " failed");
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
