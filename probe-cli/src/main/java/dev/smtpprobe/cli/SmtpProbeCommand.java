package dev.smtpprobe.cli;

import dev.smtpprobe.model.ErrorText;
import dev.smtpprobe.model.Printable;
import java.io.PrintWriter;
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
        subcommands = {
                ProbeCommand.class,
                BatchCommand.class,
                DemoCommand.class,
                ExplainCommand.class,
                BouncesCommand.class,
                CatalogCommand.class,
                ServeCommand.class,
                AutoComplete.GenerateCompletion.class,
        },
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
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given streams; used by main and by tests. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err).execute(args);
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new SmtpProbeCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
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
