package dev.smtpprobe.metrics;

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
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records probe timings and reply counts in Micrometer, in the manner of Micrometer's
 * OkHttpMetricsEventListener. One instance may serve every probe (it keeps no per-probe state besides the
 * in-flight count); every callback is a few map look-ups, safe on the event loop.
 *
 * <pre>{@code
 * MetricsEventListener metrics = MetricsEventListener.builder(registry).tags(Tags.of("job", "nightly")).build();
 * new ProbeMetricsBinder(metrics).bindTo(registry);
 * }</pre>
 */
public final class MetricsEventListener extends ProbeEventListener {

    private final MeterRegistry registry;
    private final Tags extraTags;
    private final AtomicInteger inFlight = new AtomicInteger();

    private MetricsEventListener(Builder builder) {
        this.registry = builder.registry;
        this.extraTags = builder.tags;
    }

    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /** Probes started and not yet ended; {@link ProbeMetricsBinder} exposes it as a gauge. */
    public AtomicInteger inFlight() {
        return inFlight;
    }

    @Override
    public void probeStart(ProbeTarget target) {
        inFlight.incrementAndGet();
    }

    @Override
    public void probeEnd(ProbeTarget target, ProbeResult result) {
        inFlight.updateAndGet(n -> Math.max(0, n - 1));
        Timer.builder(ProbeMeters.PROBE)
                .description("Whole probes: DNS, every session, posture checks")
                .tags(extraTags).tag(ProbeMeters.TAG_STATUS, status(result))
                .register(registry)
                .record(nonNegative(result.elapsed()));
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
        phaseTimer(phase, outcome).record(nonNegative(elapsed));
        reply.ifPresent(r -> Counter.builder(ProbeMeters.REPLIES)
                .description("SMTP replies received, by phase and first digit")
                .tags(extraTags)
                .tag(ProbeMeters.TAG_PHASE, phase.id())
                .tag(ProbeMeters.TAG_CODE_CLASS, codeClass(r))
                .register(registry)
                .increment());
    }

    @Override
    public void phaseFailed(SessionRequest request, SmtpPhase phase, ProbeStatus kind, Duration elapsed) {
        phaseTimer(phase, "error").record(nonNegative(elapsed));
    }

    private Timer phaseTimer(SmtpPhase phase, String outcome) {
        return Timer.builder(ProbeMeters.PHASE)
                .description("One phase of an SMTP session, from command (or connect) to reply")
                .tags(extraTags)
                .tag(ProbeMeters.TAG_PHASE, phase.id())
                .tag(ProbeMeters.TAG_OUTCOME, outcome)
                .register(registry);
    }

    private Timer dnsTimer(String type, String outcome) {
        return Timer.builder(ProbeMeters.DNS)
                .description("DNS lookups made by probes")
                .tags(extraTags)
                .tag(ProbeMeters.TAG_TYPE, safeType(type))
                .tag(ProbeMeters.TAG_OUTCOME, outcome)
                .register(registry);
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

    public static final class Builder {
        private final MeterRegistry registry;
        private Tags tags = Tags.empty();

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry);
        }

        /** Constant tags added to every meter (for example the job or region), never per-target values. */
        public Builder tags(Iterable<io.micrometer.core.instrument.Tag> tags) {
            this.tags = this.tags.and(tags);
            return this;
        }

        public MetricsEventListener build() {
            return new MetricsEventListener(this);
        }
    }
}
