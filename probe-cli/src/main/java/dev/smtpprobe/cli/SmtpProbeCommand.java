package dev.smtpprobe.cli;

import dev.smtpprobe.model.ErrorText;
import dev.smtpprobe.model.Printable;
import java.io.PrintWriter;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code smtp-probe} command: subcommands for probing, the demo tour, explaining replies and the catalog. */
@Command(name = "smtp-probe",
        usageHelpWidth = 110,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Live SMTP probe and delivery tester: walks the SMTP conversation with a domain's MX hosts or"
                + " a smart host, and says what is wrong, who must act and what to do.",
        footer = {"",
                "Exit codes (all commands, all formats): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad usage or an internal error).",
                "",
                "Examples:",
                "  smtp-probe demo",
                "  smtp-probe probe example.com",
                "  smtp-probe probe bob@example.com --format json",
                "  smtp-probe probe --server smtp.example.net:587 --starttls require -au me --auth-password-env SMTP_PASS",
                "  smtp-probe explain \"550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown\"",
                "  smtp-probe bounces /var/log/mail.log"})
public final class SmtpProbeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static final int EXIT_UNKNOWN = 3;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (probe, batch, serve, demo, explain, bounces, catalog)");
    }

    public static void main(String[] args) {
        // Netty 4.2 emits JDK Flight Recorder events when JFR is available, which loads about 80 JFR classes at the
        // first connection (measured with -Xlog:class+load); a one-shot command records nothing, so that is start-up
        // time for nothing. Whoever wants the events sets -Dio.netty.jfr.enabled=true.
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        if (args.length > 0 && (args[0].equals("probe") || args[0].equals("batch"))) {
            Warmup.start();
        }
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * The subcommands, by name. Picocli builds a command's model by reflection over every option, which costs more
     * than half a second for all of them on a cold JVM; a command line that names one subcommand gets only that
     * one's model (see {@link #commandLine(PrintWriter, PrintWriter, String...)}).
     */
    // Names and a switch rather than a map of constructor references: with the references in a static map, the
    // JDK 25.0.3 AOT cache writer crashed (archiveHeapWriter.cpp:757) and the launcher got no archive.
    private static final List<String> SUBCOMMANDS =
            List.of("probe", "batch", "demo", "explain", "bounces", "catalog", "serve", "generate-completion",
                    "train-archive");

    private static Object subcommand(String name) {
        return switch (name) {
            case "probe" -> new ProbeCommand();
            case "batch" -> new BatchCommand();
            case "demo" -> new DemoCommand();
            case "explain" -> new ExplainCommand();
            case "bounces" -> new BouncesCommand();
            case "catalog" -> new CatalogCommand();
            case "serve" -> new ServeCommand();
            case "generate-completion" -> new AutoComplete.GenerateCompletion();
            case "train-archive" -> new TrainArchiveCommand();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** Runs the command line with the given streams; used by main and by tests. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err, args).execute(args);
    }

    /** The whole command tree, every subcommand's model built. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, new String[0]);
    }

    /**
     * The command tree for these arguments: when the first argument names a subcommand, only that subcommand is
     * registered (help and errors of the top-level command need no other), and {@code --version} alone needs none;
     * otherwise all of them, so that {@code --help} lists them and a mistyped name gets its suggestion.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new SmtpProbeCommand());
        String first = args.length == 0 ? "" : args[0];
        if (SUBCOMMANDS.contains(first) && !first.equals("generate-completion")) {
            cl.addSubcommand(first, subcommand(first));
        } else if (!(args.length == 1 && (first.equals("--version") || first.equals("-V")))) {
            for (String name : SUBCOMMANDS) {
                cl.addSubcommand(name, subcommand(name));
            }
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, badArgs) -> {
            CommandLine bad = ex.getCommandLine();
            bad.getErr().println("smtp-probe: " + oneLine(ex.getMessage())
                    + " (try '" + bad.getCommandSpec().qualifiedName() + " --help')");
            bad.getErr().flush();
            return EXIT_UNKNOWN;
        });
        cl.setExecutionExceptionHandler((ex, bad, parseResult) -> {
            Throwable cause = ex;
            if (ex instanceof IllegalArgumentException || ex instanceof UsageException) {
                bad.getErr().println("smtp-probe: " + oneLine(cause.getMessage()));
            } else {
                bad.getErr().println("smtp-probe: internal error: " + oneLine(ErrorText.describe(cause)));
            }
            bad.getErr().flush();
            return EXIT_UNKNOWN;
        });
        cl.setExitCodeExceptionMapper(ex -> EXIT_UNKNOWN);
        return cl;
    }

    /** An error message on one line, escaped: it may echo an argument, and arguments can carry terminal escapes. */
    static String oneLine(String message) {
        if (message == null) {
            return "error";
        }
        String s = Printable.escape(message.replace("\r", " ").replace("\n", " ").strip());
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    /** A user error found after parsing (a missing password variable, an unreadable file): exit 3, one line. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
