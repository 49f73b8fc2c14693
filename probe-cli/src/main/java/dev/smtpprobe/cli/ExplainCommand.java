package dev.smtpprobe.cli;

import dev.smtpprobe.catalog.Classification;
import dev.smtpprobe.catalog.MailLogLine;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.model.Printable;
import dev.smtpprobe.cli.CatalogJson.OutputFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code smtp-probe explain}: what an SMTP reply means, who must act and what to do. The reply comes from the
 * arguments (each argument one line of a multi-line reply, or the words of one reply) or from standard input.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Explain an SMTP reply: category, who acts, whether to retry, and the remedy.",
                "Give the reply as arguments or on standard input; log lines such as Postfix's"
                        + " \"said: 550 ...\" are fine.",
                "With --batch, read one reply or mail-log line per line from standard input and write one JSON object"
                        + " per line; log lines with no server reply (a connection that timed out) are explained too.",
                "With --summary, read a whole mail log from standard input and print one table (as smtp-probe bounces)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:explained", "3:bad option, or no SMTP reply code found in the input"},
        usageHelpWidth = 110,
        footer = {"", "Examples:",
                "  smtp-probe explain \"550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown\"",
                "  smtp-probe explain \"550-5.7.26 Unauthenticated email\" \"550 5.7.26 is not accepted\"",
                "  smtp-probe explain --format json \"421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred\"",
                "  grep 'status=' /var/log/mail.log | smtp-probe explain --batch > bounces.jsonl",
                "  smtp-probe explain --summary < /var/log/mail.log"})
public final class ExplainCommand implements Callable<Integer> {

    /** Exit code when the input holds no reply code. */
    public static final int EXIT_NO_REPLY = 3;

    /** Longest input kept per reply (and per batch line): a reply is at most a few lines of 512 octets. */
    static final int MAX_CHARS = 64 * 1024;

    private static final Pattern WIRE_LINE = Pattern.compile("^\\s*[2-5]\\d\\d(?:[ -].*)?$");

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "REPLY",
            description = "The reply, e.g. \"550 5.1.1 <bob@example.com>: User unknown\". Omit to read stdin.")
    private List<String> reply = List.of();

    @Option(names = "--format", defaultValue = "text", converter = OutputFormat.Converter.class,
            description = "Output format: text or json (default: ${DEFAULT-VALUE}). --batch always writes JSON.")
    private OutputFormat format = OutputFormat.TEXT;

    @Option(names = "--batch", description = "Read one reply per line from stdin; write one JSON object per line.")
    private boolean batch;

    @Option(names = "--summary", description = "Read a whole mail log from stdin; print counts per category and"
            + " receiving domain, the top replies and what to do first (--format json for scripts).")
    private boolean summary;

    @Option(names = "--max-keys", paramLabel = "N", defaultValue = "" + LogSummary.DEFAULT_MAX_KEYS,
            description = "With --summary: distinct domains and reply shapes kept, each (default: ${DEFAULT-VALUE}).")
    private int maxKeys;

    private final InputStream stdin;

    public ExplainCommand() {
        this(System.in);
    }

    /** For tests and embedding: read standard input from {@code stdin}. */
    public ExplainCommand(InputStream stdin) {
        this.stdin = Objects.requireNonNull(stdin);
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReplyClassifier classifier = ReplyClassifier.standard();
        if (batch && summary) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--batch and --summary exclude each other");
        }
        if (summary) {
            if (!reply.isEmpty()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--summary reads standard input; give log files to 'smtp-probe bounces'");
            }
            if (maxKeys < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--max-keys must be at least 1");
            }
            return BouncesCommand.summarise(List.of(), stdin, format, maxKeys, BouncesCommand.Progress.Mode.NEVER, out,
                    err);
        }
        if (batch) {
            return runBatch(classifier, out, err);
        }
        String input = reply.isEmpty() ? readAll() : joinArguments(reply);
        Classification c;
        try {
            c = classifier.classify(input);
        } catch (IllegalArgumentException e) {
            err.println("smtp-probe: explain: no SMTP reply code found in the input (expected something like \"550 5.1.1 ...\")");
            err.flush();
            return EXIT_NO_REPLY;
        }
        if (format == OutputFormat.JSON) {
            out.println(CatalogJson.pretty(CatalogJson.classification(c, true)));
        } else {
            printText(c, out);
        }
        out.flush();
        return 0;
    }

    private int runBatch(ReplyClassifier classifier, PrintWriter out, PrintWriter err) throws IOException {
        BoundedLineReader lines = new BoundedLineReader(
                new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)), MAX_CHARS);
        String line;
        while ((line = lines.readLine()) != null) {
            Object json;
            if (line.isBlank()) {
                json = CatalogJson.error(line, "empty line");
            } else {
                try {
                    json = CatalogJson.logLine(CatalogJson.classification(classifier.classify(line), false),
                            MailLogLine.parse(line));
                } catch (IllegalArgumentException e) {
                    json = CatalogJson.error(line, "no SMTP reply code, DSN code or known failure found");
                }
            }
            out.println(CatalogJson.compact(json));
            // Flushed per line so a pipeline (tail -f | smtp-probe explain --batch) sees each answer at once.
            out.flush();
        }
        return 0;
    }

    /** Arguments that each look like a reply line are lines of one reply; otherwise they are words. */
    static String joinArguments(List<String> args) {
        boolean lines = args.size() > 1 && args.stream().allMatch(a -> WIRE_LINE.matcher(a).matches());
        return String.join(lines ? "\n" : " ", args);
    }

    private String readAll() throws IOException {
        StringBuilder sb = new StringBuilder();
        InputStreamReader r = new InputStreamReader(stdin, StandardCharsets.UTF_8);
        char[] buf = new char[8192];
        int n;
        while ((n = r.read(buf)) >= 0) {
            int keep = Math.min(n, MAX_CHARS - sb.length());
            if (keep > 0) {
                sb.append(buf, 0, keep);
            }
        }
        return sb.toString();
    }

    private static void printText(Classification c, PrintWriter out) {
        // Text from the catalog and from the input (which quotes a server) goes through the one escaping rule.
        String enhanced = c.enhancedCode().map(e -> " " + e).orElse("");
        switch (c.origin()) {
            case REPLY -> {
                println(out, c.code() + enhanced + "  " + c.title());
                println(out, "  reply code:  " + c.code() + " " + c.entry().title() + " ("
                        + CatalogJson.classId(c.entry().replyClass()) + "; " + c.entry().standard() + ")");
            }
            case INFERRED -> {
                println(out, c.enhancedCode().orElse(c.code() / 100 + "yz") + "  " + c.title());
                println(out, "  reply code:  none given; read as " + c.code() + ", the generic code of its class ("
                        + CatalogJson.classId(c.entry().replyClass()) + "), which no server sent");
            }
            case OBSERVED -> {
                println(out, "no reply  " + c.title());
                println(out, "  reply code:  none: no server replied; the client observed this itself (catalog "
                        + c.code() + ": " + c.entry().title() + ")");
            }
        }
        c.enhancedMeaning().ifPresent(m -> println(out, "  enhanced:    " + m));
        println(out, "  category:    " + c.category().id() + " (confidence "
                + c.confidence().name().toLowerCase(Locale.ROOT) + ")");
        println(out, "  who acts:    " + c.actor().id());
        println(out, "  retry:       " + (c.retryable() ? "yes, a later retry can succeed" : "no, change something first"));
        println(out, "  remedy:      " + c.remedy());
        if (c.pattern().isPresent()) {
            var p = c.pattern().get();
            println(out, "  pattern:     " + p.id() + " (" + p.source() + "; " + p.reference() + ")");
        } else {
            println(out, "  pattern:     none (decided by the " + (c.enhancedCode().isPresent()
                    ? "enhanced and basic codes" : "basic code") + ")");
        }
        c.entry().alternativeReading().ifPresent(a -> println(out, "  also read:   " + a));
    }

    private static void println(PrintWriter out, String line) {
        out.println(Printable.escape(line));
    }
}
