package dev.smtpprobe.cli;

import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.SmtpProber;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.model.AddressFamily;
import dev.smtpprobe.dns.DnsClient;
import dev.smtpprobe.metrics.MetricsEventListener;
import dev.smtpprobe.metrics.ProbeMetricsBinder;
import dev.smtpprobe.model.ErrorText;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.SecretScrubber;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.probe.TestMessage;
import dev.smtpprobe.model.Timeouts;
import dev.smtpprobe.model.TlsMode;
import dev.smtpprobe.report.JsonReport;
import dev.smtpprobe.report.NagiosReport;
import dev.smtpprobe.report.ReportOptions;
import dev.smtpprobe.report.TextReport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
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
        ProbeRequest request = toRequest(options);
        PrometheusMeterRegistry registry = options.metricsFile() == null ? null
                : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ProbeEventListener listener = ProbeEventListener.NONE;
        if (registry != null) {
            MetricsEventListener metrics = MetricsEventListener.builder(registry).build();
            new ProbeMetricsBinder(metrics).bindTo(registry);
            listener = metrics;
        }
        LiveProgress progress = options.verbose() ? new LiveProgress(SecretScrubber.of(options.credentials())) : null;
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
        } catch (TimeoutException e) {
            err.println("smtp-probe: internal error: the probe did not finish in time");
            return SmtpProbeCommand.EXIT_UNKNOWN;
        } catch (ExecutionException e) {
            err.println("smtp-probe: internal error: the probe did not finish: "
                    + SmtpProbeCommand.oneLine(ErrorText.describe(e.getCause())));
            return SmtpProbeCommand.EXIT_UNKNOWN;
        }
        int exit = print(result, options.format(), reportOptions(options), options.quiet(), out);
        if (registry != null) {
            writeMetrics(registry, options.metricsFile(), err);
        }
        return exit;
    }

    /** Diagnoses and renders; shared with the demo. Returns the verdict's exit code. */
    static int print(ProbeResult result, OutputFormat format, ReportOptions reportOptions, boolean quiet, PrintWriter out) {
        ReplyClassifier classifier = ReplyClassifier.standard();
        Diagnosis diagnosis = new DiagnosisEngine(classifier).diagnose(result, reportOptions.secrets());
        if (!quiet) {
            String text = switch (format) {
                case text -> new TextReport(classifier, reportOptions).render(result, diagnosis);
                case json -> new JsonReport(classifier, reportOptions).render(result, diagnosis);
                case nagios -> new NagiosReport(reportOptions).render(result, diagnosis);
            };
            out.print(text.endsWith("\n") ? text : text + "\n");
            out.flush();
        }
        return diagnosis.verdict().exitCode();
    }

    static ReportOptions reportOptions(ProbeOptions o) {
        return ReportOptions.DEFAULTS.withTranscript(o.transcript()).withColor(o.color())
                .withSecrets(SecretScrubber.of(o.credentials()));
    }

    static ProbeRequest toRequest(ProbeOptions o) {
        Timeouts timeouts = Timeouts.forProbe(o.phaseTimeout(), java.util.Optional.ofNullable(o.dataTimeout()), o.send());
        List<InetSocketAddress> resolvers = new ArrayList<>();
        for (String r : o.resolvers()) {
            resolvers.add(DnsClient.parseResolver(r));
        }
        ProbeRequest.Builder b = ProbeRequest.builder(o.target())
                .tlsMode(o.implicitTls() ? TlsMode.IMPLICIT : TlsMode.STARTTLS)
                .startTls(o.startTls())
                .verifyCertificate(true)
                .caFile(o.caFile())
                .ehloName(o.ehloName())
                .credentials(o.credentials())
                .allowPlaintextAuth(o.allowPlaintextAuth())
                .mailFrom(o.from())
                .recipients(o.recipients())
                .quitAfter(o.quitAfter())
                .timeouts(timeouts)
                .addressFamily(o.ipv4Only() ? AddressFamily.IPV4 : o.ipv6Only() ? AddressFamily.IPV6 : AddressFamily.ANY)
                .allMx(o.allMx())
                .resolvers(resolvers)
                .dnsTimeout(o.dnsTimeout())
                .dnsRetries(o.dnsRetries())
                .posture(o.posture())
                .blocklists(o.blocklists());
        if (o.mxSeed() != null) {
            b.shuffleSeed(o.mxSeed());
        }
        ProbeRequest request = b.build();
        if (o.send()) {
            TestMessage message = TestMessage.generate(o.from(), request.effectiveRecipients(), o.ehloName(),
                    ZonedDateTime.now());
            request = request.toBuilder().message(message.content()).build();
        }
        return request;
    }

    private static Duration upperBound(ProbeRequest request) {
        // Each session has its own overall deadline; failover may walk a few hosts, and DNS comes first.
        return request.timeouts().overall().multipliedBy(8)
                .plus(request.dnsTimeout().multipliedBy(8L * (request.dnsRetries() + 1))).plus(SAFETY_MARGIN);
    }

    private static void writeMetrics(PrometheusMeterRegistry registry, Path file, PrintWriter err) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, ".smtp-probe-metrics", ".tmp");
            Files.writeString(tmp, registry.scrape(), StandardCharsets.UTF_8);
            // Atomic so a scraper never reads a half-written file.
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            err.println("smtp-probe: could not write --metrics-file " + file + ": "
                    + SmtpProbeCommand.oneLine(ErrorText.describe(e)));
        }
    }

}
