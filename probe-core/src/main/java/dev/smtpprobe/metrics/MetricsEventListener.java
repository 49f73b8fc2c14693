package dev.smtpprobe.metrics;

import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Verdict;
import dev.smtpprobe.event.ProbeCall;
import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.diagnosis.Observations;
import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.MxPlan;
import dev.smtpprobe.model.Outcome;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records probe timings, reply counts and each probe's outcome in Micrometer, in the manner of Micrometer's
 * OkHttpMetricsEventListener. One instance may serve every probe; {@link #factory()} makes a listener per call that
 * adds the call's name (a configured target name, never a host taken from DNS or a banner) as the {@code target}
 * tag. Every callback is a few map look-ups, safe on the event loop; the verdict is computed once per probe, at its
 * end.
 *
 * <pre>{@code
 * MetricsEventListener metrics = MetricsEventListener.builder(registry).tags(Tags.of("job", "nightly")).build();
 * new ProbeMetricsBinder(metrics).bindTo(registry);
 * SmtpProber prober = SmtpProber.builder().listenerFactory(metrics.factory()).build();
 * }</pre>
 */
public final class MetricsEventListener extends ProbeEventListener {

    /** Buckets for SMTP latencies: a banner in milliseconds, a greylisting tarpit in tens of seconds. */
    static final Duration[] PHASE_BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60), Duration.ofSeconds(300)};
    static final Duration[] PROBE_BUCKETS = {
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300), Duration.ofSeconds(600)};

    private final Shared shared;
    private final MeterRegistry registry;
    private final Tags extraTags;

    private MetricsEventListener(Shared shared, Tags tags) {
        this.shared = shared;
        this.registry = shared.registry;
        this.extraTags = tags;
    }

    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /** Probes started and not yet ended (over every call); {@link ProbeMetricsBinder} exposes it as a gauge. */
    public AtomicInteger inFlight() {
        return shared.inFlight;
    }

    /**
     * A factory for {@code SmtpProber.Builder#listenerFactory}: a named call gets a listener whose meters carry
     * {@code target=NAME}; an unnamed call gets this listener.
     */
    public ProbeEventListener.Factory factory() {
        return new ProbeEventListener.Factory() {
            @Override
            public ProbeEventListener create(ProbeTarget target) {
                return MetricsEventListener.this;
            }

            @Override
            public ProbeEventListener create(ProbeCall call) {
                return call.name().isEmpty() ? MetricsEventListener.this : forTarget(call.name());
            }
        };
    }

    /** This listener with {@code target=name} on every meter; the meters and in-flight count are shared. */
    public MetricsEventListener forTarget(String name) {
        return forTags(Tags.of(ProbeMeters.TAG_TARGET, name));
    }

    /**
     * This listener with more constant tags (a serve target's name and labels); the meters and in-flight count are
     * shared. The caller keeps the values bounded, and gives every listener of one registry the same tag keys.
     */
    public MetricsEventListener forTags(Iterable<io.micrometer.core.instrument.Tag> tags) {
        return new MetricsEventListener(shared, extraTags.and(tags));
    }

    @Override
    public void probeStart(ProbeTarget target) {
        shared.inFlight.incrementAndGet();
    }

    @Override
    public void probeEnd(ProbeTarget target, ProbeResult result) {
        shared.inFlight.updateAndGet(n -> Math.max(0, n - 1));
        Timer.builder(ProbeMeters.PROBE)
                .description("Whole probes: DNS, every session, posture checks")
                .serviceLevelObjectives(PROBE_BUCKETS)
                .tags(extraTags).tag(ProbeMeters.TAG_STATUS, status(result))
                .register(registry)
                .record(nonNegative(result.elapsed()));
        recordResult(result);
    }

    /** Sets the per-target gauges from a finished probe: verdict, MX count, days to certificate expiry. */
    private void recordResult(ProbeResult result) {
        Verdict verdict;
        try {
            verdict = shared.engine.diagnose(result).verdict();
        } catch (RuntimeException e) {
            verdict = Verdict.UNKNOWN;
        }
        gauge(ProbeMeters.VERDICT, "The last probe's verdict: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (Nagios codes)",
                null).set(verdict.exitCode());
        result.dns().filter(plan -> plan.kind() != MxPlan.Kind.FAILED).ifPresent(plan -> gauge(ProbeMeters.MX_HOSTS,
                "MX hosts the last probe found (0 for a null MX; 1 for an implicit MX)", null)
                .set(plan.kind() == MxPlan.Kind.NULL_MX ? 0 : plan.hosts().size()));
        double now = registry.config().clock().wallTime();
        result.sessions().stream()
                .flatMap(s -> s.tls().stream())
                .filter(tls -> !tls.chain().isEmpty())
                .mapToDouble(tls -> (tls.chain().get(0).notAfter().toEpochMilli() - now) / 86_400_000d)
                .min()
                .ifPresent(days -> gauge(ProbeMeters.CERTIFICATE_DAYS,
                        "Days until the earliest-expiring leaf certificate the last probe saw expires (negative: expired)",
                        "days").set(days));
    }

    /**
     * Overrides the verdict gauge with the caller's final verdict, for callers that add findings after the rules
     * (time thresholds, drift), so that the gauge and the report never disagree.
     */
    public void verdict(Verdict verdict) {
        gauge(ProbeMeters.VERDICT, "The last probe's verdict: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (Nagios codes)",
                null).set(verdict.exitCode());
    }

    private GaugeSlot gauge(String name, String description, String unit) {
        Meter.Id id = new Meter.Id(name, extraTags, unit, description, Meter.Type.GAUGE);
        return shared.gauges.computeIfAbsent(id, key -> {
            GaugeSlot slot = new GaugeSlot();
            Gauge.builder(name, slot, GaugeSlot::get).description(description).baseUnit(unit).tags(extraTags)
                    .strongReference(true).register(registry);
            return slot;
        });
    }

    @Override
    public void dnsLookupEnd(SmtpPhase phase, String name, String type, int records, Duration elapsed) {
        dnsTimer(type, records == 0 ? "no_records" : "success").record(nonNegative(elapsed));
    }

    @Override
    public void dnsLookupFailed(SmtpPhase phase, String name, String type, DnsFailure failure, Duration elapsed) {
        dnsTimer(type, failure.kind().name().toLowerCase(Locale.ROOT)).record(nonNegative(elapsed));
    }

    @Override
    public void phaseEnd(SessionRequest request, SmtpPhase phase, Optional<SmtpReply> reply, Duration elapsed) {
        String outcome = reply.map(MetricsEventListener::outcome).orElse("success");
        phaseTimer(request, phase, outcome).record(nonNegative(elapsed));
        reply.ifPresent(r -> Counter.builder(ProbeMeters.REPLIES)
                .description("SMTP replies received, by phase, first digit and catalog category")
                .tags(extraTags)
                .tag(ProbeMeters.TAG_PHASE, phase.id())
                .tag(ProbeMeters.TAG_CODE_CLASS, codeClass(r))
                .tag(ProbeMeters.TAG_CATEGORY, category(r))
                .register(registry)
                .increment());
    }

    @Override
    public void phaseFailed(SessionRequest request, SmtpPhase phase, ProbeStatus kind, Duration elapsed) {
        phaseTimer(request, phase, Outcome.ERROR.id()).record(nonNegative(elapsed));
    }

    private Timer phaseTimer(SessionRequest request, SmtpPhase phase, String outcome) {
        return Timer.builder(ProbeMeters.PHASE)
                .description("One phase of an SMTP session, from command (or connect) to reply")
                .serviceLevelObjectives(PHASE_BUCKETS)
                .tags(extraTags)
                .tag(ProbeMeters.TAG_PHASE, phase.id())
                .tag(ProbeMeters.TAG_OUTCOME, outcome)
                .tag(ProbeMeters.TAG_FAMILY, family(request))
                .register(registry);
    }

    private Timer dnsTimer(String type, String outcome) {
        return Timer.builder(ProbeMeters.DNS)
                .description("DNS lookups made by probes")
                .serviceLevelObjectives(PHASE_BUCKETS)
                .tags(extraTags)
                .tag(ProbeMeters.TAG_TYPE, safeType(type))
                .tag(ProbeMeters.TAG_OUTCOME, outcome)
                .register(registry);
    }

    /** ipv4 or ipv6: the family of the address dialled. */
    static String family(SessionRequest request) {
        return request.address().getAddress() instanceof Inet6Address ? "ipv6" : "ipv4";
    }

    /** The catalog category id: a closed set of a few dozen words. */
    private String category(SmtpReply reply) {
        try {
            return shared.classifier.classify(reply).category().id();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /** success (2xx, 3xx), transient (4xx), permanent (5xx); anything else is a protocol error. */
    static String outcome(SmtpReply reply) {
        return Outcome.ofReplyCode(reply.code()).id();
    }

    static String codeClass(SmtpReply reply) {
        int c = reply.codeClass();
        return c >= 1 && c <= 5 ? c + "xx" : "other";
    }

    /** Record types are a small closed set; anything unexpected collapses to "other" to bound cardinality. */
    private static String safeType(String type) {
        String t = type == null ? "" : type.toUpperCase(Locale.ROOT);
        return switch (t) {
            case "MX", "A", "AAAA", "TXT", "TLSA", "PTR", "CNAME" -> t;
            default -> "other";
        };
    }

    /**
     * The probe's outcome in one word from a closed set: accepted, deferred, rejected, dns_failure, no_mail
     * (null MX), connection_failed, tls_failure, error. Computed from observations, not from the diagnosis,
     * so that recording it stays cheap.
     */
    static String status(ProbeResult result) {
        if (result.dns().isPresent()) {
            MxPlan plan = result.dns().get();
            if (plan.kind() == MxPlan.Kind.FAILED) {
                return "dns_failure";
            }
            if (plan.kind() == MxPlan.Kind.NULL_MX) {
                return "no_mail";
            }
        }
        if (result.sessions().isEmpty()) {
            return "error";
        }
        String worst = "error";
        for (SessionResult s : result.sessions()) {
            String outcome = Observations.outcome(s).sessionWord();
            if (outcome.equals("accepted")) {
                return "accepted";
            }
            if (outcome.equals("deferred") || (outcome.equals("rejected") && !worst.equals("deferred"))) {
                worst = outcome;
            } else if (worst.equals("error") && s.failure().isPresent()) {
                worst = switch (s.failure().get().status()) {
                    case CONNECTION_REFUSED, UNREACHABLE, CONNECT_TIMEOUT -> "connection_failed";
                    case TLS_HANDSHAKE_FAILED, CERTIFICATE_REJECTED, STARTTLS_NOT_OFFERED, STARTTLS_REFUSED,
                            STARTTLS_INJECTION -> "tls_failure";
                    default -> "error";
                };
            }
        }
        return worst;
    }

    private static Duration nonNegative(Duration d) {
        return d == null || d.isNegative() ? Duration.ZERO : d;
    }

    /** What every listener made from one builder shares: the registry, the in-flight count, the gauges. */
    private static final class Shared {
        final MeterRegistry registry;
        final AtomicInteger inFlight = new AtomicInteger();
        final ReplyClassifier classifier;
        final DiagnosisEngine engine;
        /** Strong references to gauge values, keyed by meter id (name and tags). */
        final ConcurrentMap<Meter.Id, GaugeSlot> gauges = new ConcurrentHashMap<>();

        Shared(MeterRegistry registry, ReplyClassifier classifier) {
            this.registry = registry;
            this.classifier = classifier;
            this.engine = new DiagnosisEngine(classifier);
        }
    }

    /** A gauge's value; NaN until first set. */
    private static final class GaugeSlot {
        private volatile double value = Double.NaN;

        double get() {
            return value;
        }

        void set(double v) {
            value = v;
        }
    }

    public static final class Builder {
        private final MeterRegistry registry;
        private Tags tags = Tags.empty();
        private ReplyClassifier classifier;

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry);
        }

        /** Constant tags added to every meter (for example the job or region), never per-target values. */
        public Builder tags(Iterable<io.micrometer.core.instrument.Tag> tags) {
            this.tags = this.tags.and(tags);
            return this;
        }

        /** The classifier for the {@code category} tag and the verdict; the standard catalog by default. */
        public Builder classifier(ReplyClassifier classifier) {
            this.classifier = Objects.requireNonNull(classifier);
            return this;
        }

        public MetricsEventListener build() {
            return new MetricsEventListener(
                    new Shared(registry, classifier != null ? classifier : ReplyClassifier.standard()), tags);
        }
    }
}
