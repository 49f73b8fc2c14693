package dev.smtpprobe.cli;

import dev.smtpprobe.catalog.CatalogEntry;
import dev.smtpprobe.catalog.ReplyCatalog;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.cli.CatalogJson.OutputFormat;
import dev.smtpprobe.model.EnhancedStatus;
import dev.smtpprobe.model.Printable;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code smtp-probe catalog [CODE]}: list the reply catalog, or show one entry (or one enhanced code). */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = {"List the reply catalog, or show one entry in full.",
                "CODE is a reply code (550, or 111 for a client-observed failure) or an enhanced code (5.7.26)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:shown", "3:bad option or unknown code"},
        usageHelpWidth = 110,
        footer = {"", "Examples:", "  smtp-probe catalog", "  smtp-probe catalog 535", "  smtp-probe catalog 5.7.26",
                "  smtp-probe catalog --format json > catalog.json"})
public final class CatalogCommand implements Callable<Integer> {

    /** Exit code for a code the catalog does not know. */
    public static final int EXIT_UNKNOWN_CODE = 3;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "CODE", description = "Show only this code.")
    private String code;

    @Option(names = "--format", defaultValue = "text", converter = OutputFormat.Converter.class,
            description = "Output format: text or json (default: ${DEFAULT-VALUE}).")
    private OutputFormat format = OutputFormat.TEXT;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReplyCatalog catalog = ReplyClassifier.standard().catalog();
        try {
            if (code == null) {
                listAll(catalog, out);
                return 0;
            }
            String wanted = code.strip();
            if (wanted.matches("\\d{3}")) {
                Optional<CatalogEntry> entry = catalog.entry(Integer.parseInt(wanted));
                if (entry.isPresent()) {
                    showEntry(entry.get(), out);
                    return 0;
                }
            } else if (EnhancedStatus.parse(wanted).isPresent()) {
                showEnhanced(wanted, catalog, out);
                return 0;
            }
            err.println("smtp-probe: catalog: no entry for code '" + Printable.escape(wanted) + "'");
            return EXIT_UNKNOWN_CODE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private void listAll(ReplyCatalog catalog, PrintWriter out) {
        if (format == OutputFormat.JSON) {
            out.println(CatalogJson.allEntries(catalog));
            return;
        }
        for (CatalogEntry e : catalog.entries()) {
            out.printf("%d  %-15s  %-22s  %s%n", e.code(), CatalogJson.classId(e.replyClass()), e.category().id(),
                    e.title());
        }
    }

    private void showEntry(CatalogEntry e, PrintWriter out) {
        if (format == OutputFormat.JSON) {
            out.println(CatalogJson.pretty(CatalogJson.entry(e)));
            return;
        }
        out.println(Printable.escape(e.code() + "  " + e.title() + " (" + CatalogJson.classId(e.replyClass()) + ")"));
        out.println("  meaning:     " + e.explanation());
        out.println("  causes:      " + String.join("; ", e.likelyCauses()));
        out.println("  remedy:      " + e.remedy());
        out.println("  who acts:    " + e.actor().id());
        out.println("  retry:       " + (e.retryable() ? "yes" : "no"));
        out.println("  category:    " + e.category().id());
        out.println("  standard:    " + e.standard());
        e.alternativeReading().ifPresent(a -> out.println("  also read:   " + a));
    }

    private void showEnhanced(String enhanced, ReplyCatalog catalog, PrintWriter out) {
        String meaning = catalog.enhancedMeaning(enhanced).orElseThrow();
        if (format == OutputFormat.JSON) {
            out.println(CatalogJson.enhanced(enhanced, meaning));
        } else {
            out.println(meaning);
        }
    }
}
