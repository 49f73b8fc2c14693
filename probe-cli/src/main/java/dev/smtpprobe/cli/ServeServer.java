package dev.smtpprobe.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.smtpprobe.SmtpProber;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Verdict;
import dev.smtpprobe.event.ProbeCall;
import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.metrics.MetricsEventListener;
import dev.smtpprobe.metrics.ProbeMeters;
import dev.smtpprobe.metrics.ProbeMetricsBinder;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.report.JsonReport;
import dev.smtpprobe.report.ReportOptions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code smtp-probe serve}: scheduled probes on one shared prober, and an HTTP server for Prometheus and people.
 *
 * <p>HTTP is the JDK's {@code HttpServer} with a tiny executor, not Netty on the prober's loop: {@code /probe}
 * waits for a whole probe (seconds to minutes) and a scrape renders text; on the event loop either would stall
 * every SMTP session in flight, and making them asynchronous buys nothing at a few requests a minute. Four threads,
 * at most two of them in {@code /probe}, bound the cost; the event loop stays for SMTP alone.
 */
final class ServeServer implements AutoCloseable {

    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ServeConfig config;
    private final SmtpProber prober;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MetricsEventListener metrics;
    private final Map<String, ProbeEventListener> adHoc = new ConcurrentHashMap<>();
    private final Map<String, MetricsEventListener> perTarget = new HashMap<>();
    private final AtomicLong adHocIds = new AtomicLong();
    private final java.util.concurrent.Semaphore probeSlots = new java.util.concurrent.Semaphore(2);
    private final ServeScheduler scheduler;
    private final HttpServer http;
    private final ExecutorService httpThreads;
    private final ReplyClassifier classifier = ReplyClassifier.standard();

    ServeServer(ServeConfig config, InetSocketAddress listen, Clock clock) throws IOException {
        this.config = config;
        this.metrics = MetricsEventListener.builder(registry).build();
        new ProbeMetricsBinder(metrics).bindTo(registry);
        for (ServeConfig.Target t : config.targets()) {
            List<Tag> tags = new ArrayList<>();
            tags.add(Tag.of(ProbeMeters.TAG_TARGET, t.name()));
            // Every target carries every label key, so each meter name has one set of tag keys (Prometheus asks it).
            for (String key : config.labelKeys()) {
                tags.add(Tag.of(key, t.labels().getOrDefault(key, "")));
            }
            perTarget.put(t.name(), metrics.forTags(Tags.of(tags)));
        }
        this.prober = SmtpProber.builder().listenerFactory(new ProbeEventListener.Factory() {
            @Override
            public ProbeEventListener create(ProbeTarget target) {
                return ProbeEventListener.NONE;
            }

            @Override
            public ProbeEventListener create(ProbeCall call) {
                ProbeEventListener l = adHoc.get(call.name());
                if (l != null) {
                    return l;
                }
                return perTarget.getOrDefault(call.name(), metrics);
            }
        }).build();
        this.scheduler = new ServeScheduler(config, prober, registry, clock, new Random());
        // The gauge follows the report's verdict, thresholds and drift included.
        scheduler.onVerdict((t, v) -> perTarget.get(t.name()).verdict(v));
        this.httpThreads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "smtp-probe-serve-http");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpServer.create(listen, 16);
        http.setExecutor(httpThreads);
        http.createContext("/", this::handle);
    }

    void start() {
        http.start();
        scheduler.start();
    }

    InetSocketAddress address() {
        return http.getAddress();
    }

    ServeScheduler scheduler() {
        return scheduler;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                send(ex, 405, "text/plain; charset=utf-8", "only GET\n");
                return;
            }
            String path = ex.getRequestURI().getPath();
            String accept = Optional.ofNullable(ex.getRequestHeaders().getFirst("Accept")).orElse("");
            if (path.equals("/metrics")) {
                boolean open = accept.contains("application/openmetrics-text");
                String type = open ? OPENMETRICS : PROMETHEUS_TEXT;
                send(ex, 200, type, registry.scrape(open ? OPENMETRICS : PROMETHEUS_TEXT));
            } else if (path.equals("/healthz")) {
                send(ex, 200, "text/plain; charset=utf-8", "ok\n");
            } else if (path.equals("/probe")) {
                probeNow(ex);
            } else if (path.equals("/")) {
                send(ex, 200, "text/html; charset=utf-8", ServePages.status(config, scheduler));
            } else if (path.startsWith("/report/")) {
                String name = path.substring("/report/".length());
                Optional<ServeScheduler.LastRun> run = scheduler.last(name);
                if (config.targets().stream().noneMatch(t -> t.name().equals(name))) {
                    send(ex, 404, "text/plain; charset=utf-8", "no such target\n");
                } else if (run.isEmpty()) {
                    send(ex, 404, "text/plain; charset=utf-8", "no run of " + name + " has finished yet\n");
                } else if (accept.contains("application/json")) {
                    send(ex, 200, "application/json", new JsonReport(classifier, ReportOptions.DEFAULTS)
                            .render(run.get().result(), run.get().diagnosis()));
                } else {
                    send(ex, 200, "text/html; charset=utf-8", ServePages.report(run.get()));
                }
            } else {
                send(ex, 404, "text/plain; charset=utf-8", "not found\n");
            }
        } catch (RuntimeException e) {
            send(ex, 500, "text/plain; charset=utf-8", "internal error\n");
        }
    }

    /** blackbox_exporter's /probe: one probe now, its own metrics, of a target the config allows. */
    private void probeNow(HttpExchange ex) throws IOException {
        // /probe holds its HTTP thread for a whole probe: two at most, so scrapes of /metrics always get a thread.
        if (!probeSlots.tryAcquire()) {
            send(ex, 503, "text/plain; charset=utf-8", "too many /probe requests at once\n");
            return;
        }
        try {
            probeNowHeld(ex);
        } finally {
            probeSlots.release();
        }
    }

    private void probeNowHeld(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String target = q.get("target");
        if (target == null || target.isBlank()) {
            send(ex, 400, "text/plain; charset=utf-8", "target parameter is missing\n");
            return;
        }
        Optional<ServeConfig.Target> configured = config.targets().stream().filter(t -> t.name().equals(target)
                || t.spec().equals(target)).findFirst();
        String moduleName = q.getOrDefault("module", configured.map(ServeConfig.Target::module).orElse(null));
        if (configured.isEmpty() && !config.allow().contains(target)) {
            send(ex, 403, "text/plain; charset=utf-8", "target is not in the config's targets or allow list\n");
            return;
        }
        ServeConfig.Module module = moduleName == null ? null : config.modules().get(moduleName);
        if (module == null) {
            send(ex, 400, "text/plain; charset=utf-8", "unknown or missing module\n");
            return;
        }
        ProbeOptions options;
        try {
            boolean server = configured.map(ServeConfig.Target::server)
                    .orElse(target.startsWith("[") || target.contains(":"));
            options = ServeConfig.options(module, configured.map(ServeConfig.Target::spec).orElse(target), server);
        } catch (IllegalArgumentException e) {
            send(ex, 400, "text/plain; charset=utf-8", SmtpProbeCommand.oneLine(e.getMessage()) + "\n");
            return;
        }
        PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsEventListener listener = MetricsEventListener.builder(own).build();
        String call = "/probe#" + adHocIds.incrementAndGet();
        adHoc.put(call, listener);
        ProbeResult result;
        try {
            Duration bound = ProbeRunner.upperBound(options.request());
            result = prober.probe(options.request(), call).get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(ex, 503, "text/plain; charset=utf-8", "interrupted\n");
            return;
        } catch (Exception e) {
            send(ex, 500, "text/plain; charset=utf-8", "the probe did not finish\n");
            return;
        } finally {
            adHoc.remove(call);
        }
        Diagnosis d = options.thresholds().apply(result, new DiagnosisEngine(classifier).diagnose(result));
        boolean success = d.verdict() == Verdict.OK || d.verdict() == Verdict.WARNING;
        Gauge.builder("probe.success", () -> success ? 1 : 0)
                .description("Whether the probe succeeded (verdict OK or WARNING)").register(own);
        double seconds = result.elapsed().toNanos() / 1e9;
        Gauge.builder("probe.duration", () -> seconds).baseUnit("seconds")
                .description("How long the probe took").register(own);
        String accept = Optional.ofNullable(ex.getRequestHeaders().getFirst("Accept")).orElse("");
        boolean open = accept.contains("application/openmetrics-text");
        send(ex, 200, open ? OPENMETRICS : PROMETHEUS_TEXT, own.scrape(open ? OPENMETRICS : PROMETHEUS_TEXT));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Stops taking requests and ticks, lets in-flight HTTP finish for a second, then closes the prober. */
    @Override
    public void close() {
        scheduler.close();
        http.stop(1);
        httpThreads.shutdownNow();
        prober.close();
        registry.close();
    }
}
