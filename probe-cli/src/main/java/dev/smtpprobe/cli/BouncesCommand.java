package dev.smtpprobe.cli;

import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.cli.CatalogJson.OutputFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code smtp-probe bounces LOGFILE...}: a whole mail log summarised (the same as {@code explain --summary}, which
 * reads standard input). Streams the input, keeps only counters, and shows a progress line on a terminal.
 */
@Command(name = "bounces", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = {"Summarise a mail log: delivery results per category and per receiving domain, the top"
                + " replies of each with an example, and what to do first.",
                "Reads Postfix, Exim, Sendmail, qmail and Exchange message-tracking lines; '-' or no file reads"
                        + " standard input."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:summarised", "3:bad option, or a log file that cannot be read"},
        footer = {"", "Examples:",
                "  smtp-probe bounces /var/log/mail.log",
                "  zcat /var/log/mail.log.*.gz | smtp-probe bounces --format json > summary.json"})
public final class BouncesCommand implements Callable<Integer> {

    /** Inputs at least this large get a progress line on a terminal. */
    static final long PROGRESS_MIN_BYTES = 4L * 1024 * 1024;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "LOGFILE", description = "Mail log files ('-' for standard input).")
    private List<Path> files = new ArrayList<>();

    @Option(names = "--format", defaultValue = "text", converter = OutputFormat.Converter.class,
            description = "Output format: text or json (default: ${DEFAULT-VALUE}).")
    private OutputFormat format = OutputFormat.TEXT;

    @Option(names = "--max-keys", paramLabel = "N", defaultValue = "" + LogSummary.DEFAULT_MAX_KEYS,
            description = "Distinct receiving domains and reply shapes kept, each (default: ${DEFAULT-VALUE}); the"
                    + " rest are counted as (other).")
    private int maxKeys;

    @Option(names = "--no-progress", description = "No progress line, even on a terminal.")
    private boolean noProgress;

    @Option(names = "--progress", description = "A progress line on standard error even when it is not a terminal"
            + " and the file is small (for wrappers that show it).")
    private boolean forceProgress;

    private final InputStream stdin;

    public BouncesCommand() {
        this(System.in);
    }

    public BouncesCommand(InputStream stdin) {
        this.stdin = Objects.requireNonNull(stdin);
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxKeys < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--max-keys must be at least 1");
        }
        for (Path f : files) {
            if (!f.toString().equals("-") && (!Files.isReadable(f) || Files.isDirectory(f))) {
                throw new SmtpProbeCommand.UsageException("log file " + f + " cannot be read");
            }
        }
        if (noProgress && forceProgress) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--progress and --no-progress exclude each other");
        }
        Progress.Mode mode = forceProgress ? Progress.Mode.ALWAYS
                : !noProgress && System.console() != null ? Progress.Mode.LARGE_FILES : Progress.Mode.NEVER;
        return summarise(files, stdin, format, maxKeys, mode, out, err);
    }

    /** Shared with {@code explain --summary}. */
    static int summarise(List<Path> files, InputStream stdin, OutputFormat format, int maxKeys, Progress.Mode progressMode,
            PrintWriter out, PrintWriter err) throws IOException {
        LogSummary summary = new LogSummary(ReplyClassifier.standard(), maxKeys);
        List<Path> inputs = files.isEmpty() ? List.of(Path.of("-")) : files;
        for (Path f : inputs) {
            boolean isStdin = f.toString().equals("-");
            long size = isStdin ? -1 : Files.size(f);
            try (InputStream in = isStdin ? nonClosing(stdin) : Files.newInputStream(f)) {
                boolean show = !isStdin && (progressMode == Progress.Mode.ALWAYS
                        || progressMode == Progress.Mode.LARGE_FILES && size >= PROGRESS_MIN_BYTES);
                Progress progress = show ? new Progress(err, f, size, progressMode == Progress.Mode.ALWAYS) : null;
                CountingReader counted = new CountingReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                BoundedLineReader lines = new BoundedLineReader(counted, ExplainCommand.MAX_CHARS);
                String line;
                while ((line = lines.readLine()) != null) {
                    summary.accept(line);
                    if (progress != null) {
                        progress.update(counted.chars, summary.lines());
                    }
                }
                if (progress != null) {
                    progress.done();
                }
            }
        }
        if (format == OutputFormat.JSON) {
            out.println(CatalogJson.pretty(summary.toJson()));
        } else {
            summary.printText(out);
        }
        out.flush();
        return 0;
    }

    private static InputStream nonClosing(InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() {
                // standard input stays open for whoever owns it
            }
        };
    }

    /** Characters read so far (close enough to bytes for a progress estimate of a mostly-ASCII log). */
    private static final class CountingReader extends Reader {
        private final Reader in;
        long chars;

        CountingReader(Reader in) {
            this.in = in;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n > 0) {
                chars += n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** "\r  mail.log: 45% (1,234,567 lines)" on standard error, at most a few times a second. */
    static final class Progress {
        /** When a progress line is shown. */
        enum Mode { NEVER, LARGE_FILES, ALWAYS }

        private final PrintWriter err;
        private final String name;
        private final long size;
        private final boolean everyUpdate;
        private long last;

        Progress(PrintWriter err, Path file, long size, boolean everyUpdate) {
            this.err = err;
            this.name = String.valueOf(file.getFileName());
            this.size = size;
            this.everyUpdate = everyUpdate;
        }

        void update(long chars, long lines) {
            long now = System.nanoTime();
            if (!everyUpdate && now - last < 250_000_000L) {
                return;
            }
            if (everyUpdate && lines % 1000 != 0) {
                return;
            }
            last = now;
            err.printf(Locale.ROOT, "\r  %s: %d%% (%,d lines)", name, Math.min(100, chars * 100 / Math.max(1, size)),
                    lines);
            err.flush();
        }

        void done() {
            err.print(everyUpdate ? System.lineSeparator() : "\r\u001b[K");
            err.flush();
        }
    }
}
