package dev.smtpprobe.cli;

import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.SmtpProber;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.TimeThresholds;
import dev.smtpprobe.drift.StateStore;
import dev.smtpprobe.metrics.MetricsEventListener;
import dev.smtpprobe.metrics.ProbeMetricsBinder;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SecretScrubber;
import dev.smtpprobe.report.HtmlReport;
import dev.smtpprobe.report.JsonReport;
import dev.smtpprobe.report.NagiosReport;
import dev.smtpprobe.report.ReportOptions;
import dev.smtpprobe.report.TextReport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs one validated probe and prints its report; returns the exit code (the verdict's). */
final class ProbeRunner {
    /** Beyond the engine's own deadlines; only a bug in our code could make the probe outlive this. */
    private static final Duration SAFETY_MARGIN = Duration.ofSeconds(30);

    private ProbeRunner() {
    }

    static int run(ProbeOptions options, PrintWriter out, PrintWriter err) {
        ProbeRequest request = options.request();
        PrometheusMeterRegistry registry = options.metricsFile() == null ? null
                : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ProbeEventListener listener = ProbeEventListener.NONE;
        MetricsEventListener metrics = null;
        if (registry != null) {
            metrics = MetricsEventListener.builder(registry).build();
            new ProbeMetricsBinder(metrics).bindTo(registry);
            listener = metrics;
        }
        LiveProgress progress = options.verbose()
                ? new LiveProgress(SecretScrubber.of(options.request().session().credential())) : null;
        if (progress != null) {
            listener = listener.plus(progress);
        }
        ProbeResult result;
        try (SmtpProber prober = SmtpProber.builder().listener(listener).build()) {
            CompletableFuture<ProbeResult> probe = prober.probe(request);
            if (progress != null) {
                progress.printUntilDone(probe, err);
            }
            result = probe.get(upperBound(request).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("smtp-probe: interrupted");
            return SmtpProbeCommand.EXIT_UNKNOWN;
        } catch (ExecutionException | TimeoutException e) {
            err.println("smtp-probe: internal error: the probe did not finish: " + SmtpProbeCommand.oneLine(String.valueOf(e)));
            return SmtpProbeCommand.EXIT_UNKNOWN;
        }
        ReplyClassifier classifier = ReplyClassifier.standard();
        ReportOptions reportOptions = reportOptions(options);
        Diagnosis diagnosis = options.thresholds().apply(result,
                new DiagnosisEngine(classifier).diagnose(result, reportOptions.secrets()));
        if (options.stateDir() != null) {
            diagnosis = Drift.apply(new StateStore(options.stateDir()), Drift.key(request.target()), result, diagnosis,
                    registry, err);
        }
        if (metrics != null) {
            metrics.verdict(diagnosis.verdict());
        }
        int exit = render(result, diagnosis, options.format(), reportOptions, options.thresholds(),
                options.quiet(), out);
        if (registry != null) {
            writeMetrics(registry, options.metricsFile(), err);
        }
        return exit;
    }

    /** Diagnoses and renders; shared with the demo. Returns the verdict's exit code. */
    static int print(ProbeResult result, OutputFormat format, ReportOptions reportOptions, boolean quiet, PrintWriter out) {
        return print(result, format, reportOptions, TimeThresholds.NONE, quiet, out);
    }

    static int print(ProbeResult result, OutputFormat format, ReportOptions reportOptions, TimeThresholds thresholds,
            boolean quiet, PrintWriter out) {
        ReplyClassifier classifier = ReplyClassifier.standard();
        Diagnosis diagnosis = thresholds.apply(result,
                new DiagnosisEngine(classifier).diagnose(result, reportOptions.secrets()));
        return render(result, diagnosis, format, reportOptions, thresholds, quiet, out);
    }

    static int render(ProbeResult result, Diagnosis diagnosis, OutputFormat format, ReportOptions reportOptions,
            TimeThresholds thresholds, boolean quiet, PrintWriter out) {
        ReplyClassifier classifier = ReplyClassifier.standard();
        if (!quiet) {
            String text = switch (format) {
                case text -> new TextReport(classifier, reportOptions).render(result, diagnosis);
                case json -> new JsonReport(classifier, reportOptions).render(result, diagnosis);
                case nagios -> new NagiosReport(reportOptions, thresholds).render(result, diagnosis);
                case html -> new HtmlReport(classifier, reportOptions).render(result, diagnosis);
            };
            out.print(text.endsWith("\n") ? text : text + "\n");
            out.flush();
        }
        return diagnosis.verdict().exitCode();
    }

    static ReportOptions reportOptions(ProbeOptions o) {
        return ReportOptions.DEFAULTS.withTranscript(o.transcript()).withColor(o.color())
                .withSecrets(SecretScrubber.of(o.request().session().credential()));
    }

    static Duration upperBound(ProbeRequest request) {
        // Each session has its own overall deadline; failover may walk a few hosts, and DNS comes first.
        return request.session().timeouts().overall().multipliedBy(8)
                .plus(request.dnsTimeout().multipliedBy(8L * (request.dnsRetries() + 1))).plus(SAFETY_MARGIN);
    }

    private static void writeMetrics(PrometheusMeterRegistry registry, Path file, PrintWriter err) {
        try {
            MetricsFiles.write(file, registry.scrape());
        } catch (IOException | RuntimeException e) {
            err.println("smtp-probe: could not write --metrics-file " + file + ": " + SmtpProbeCommand.oneLine(e.getMessage()));
        }
    }


}
