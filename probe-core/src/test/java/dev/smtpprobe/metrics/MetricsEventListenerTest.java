package dev.smtpprobe.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.event.ProbeCall;
import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.diagnosis.Observed;
import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SmtpReply;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsEventListenerTest {

    private SimpleMeterRegistry registry;
    private MetricsEventListener listener;
    private final ProbeTarget target = Observed.address("bob@example.com");
    private final SessionRequest request = SessionRequest
            .builder("mx1.example.com", new InetSocketAddress(Observed.ip("192.0.2.1"), 25))
            .mailFrom("probe@example.net").recipients(java.util.List.of("bob@example.com")).build();

    @BeforeEach
    void setUp() {
        registry = new SimpleMeterRegistry();
        listener = MetricsEventListener.builder(registry).tags(Tags.of("job", "nightly")).build();
        new ProbeMetricsBinder(listener).bindTo(registry);
    }

    @Test
    void phaseTimerTagsOutcomeByReplyClass() {
        listener.phaseEnd(request, SmtpPhase.BANNER, Optional.of(SmtpReply.of(220, "ready")), Duration.ofMillis(15));
        listener.phaseEnd(request, SmtpPhase.RCPT, Optional.of(SmtpReply.of(450, "4.7.1 greylisted")),
                Duration.ofMillis(30));
        listener.phaseEnd(request, SmtpPhase.RCPT, Optional.of(SmtpReply.of(550, "5.1.1 unknown")),
                Duration.ofMillis(40));
        listener.phaseEnd(request, SmtpPhase.TLS_HANDSHAKE, Optional.empty(), Duration.ofMillis(50));
        listener.phaseFailed(request, SmtpPhase.MAIL, ProbeStatus.TIMEOUT, Duration.ofSeconds(30));

        Timer banner = registry.get("smtp.probe.phase").tags("phase", "banner", "outcome", "success").timer();
        assertThat(banner.count()).isEqualTo(1);
        assertThat(banner.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(15.0);
        assertThat(registry.get("smtp.probe.phase").tags("phase", "rcpt", "outcome", "transient").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("smtp.probe.phase").tags("phase", "rcpt", "outcome", "permanent").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("smtp.probe.phase").tags("phase", "tls_handshake", "outcome", "success").timer()
                .count()).isEqualTo(1);
        assertThat(registry.get("smtp.probe.phase").tags("phase", "mail", "outcome", "error").timer()
                .totalTime(TimeUnit.SECONDS)).isEqualTo(30.0);
        assertThat(banner.getId().getTag("job")).isEqualTo("nightly");
    }

    @Test
    void repliesAreCountedByPhaseAndCodeClass() {
        listener.phaseEnd(request, SmtpPhase.RCPT, Optional.of(SmtpReply.of(250, "ok")), Duration.ofMillis(1));
        listener.phaseEnd(request, SmtpPhase.RCPT, Optional.of(SmtpReply.of(251, "forwarded")), Duration.ofMillis(1));
        listener.phaseEnd(request, SmtpPhase.RCPT, Optional.of(SmtpReply.of(550, "no")), Duration.ofMillis(1));
        listener.phaseEnd(request, SmtpPhase.TLS_HANDSHAKE, Optional.empty(), Duration.ofMillis(1));

        assertThat(registry.get("smtp.probe.replies").tags("phase", "rcpt", "code.class", "2xx").counter().count())
                .isEqualTo(2.0);
        assertThat(registry.get("smtp.probe.replies").tags("phase", "rcpt", "code.class", "5xx").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.find("smtp.probe.replies").tag("phase", "tls_handshake").counter()).isNull();
    }

    @Test
    void dnsLookupsAreTimedByTypeAndOutcome() {
        listener.dnsLookupEnd(SmtpPhase.DNS_MX, "example.com", "MX", 2, Duration.ofMillis(8));
        listener.dnsLookupEnd(SmtpPhase.DNS_ADDRESS, "mx1.example.com", "AAAA", 0, Duration.ofMillis(4));
        listener.dnsLookupFailed(SmtpPhase.DNS_MX, "nope.example", "MX",
                new DnsFailure(DnsFailure.Kind.NXDOMAIN, "nope.example", "MX", "no such domain"), Duration.ofMillis(9));
        listener.dnsLookupEnd(SmtpPhase.DNS_MX, "x.example", "WEIRD-" + "x.example", 1, Duration.ofMillis(1));

        assertThat(registry.get("smtp.probe.dns").tags("type", "MX", "outcome", "success").timer().count()).isEqualTo(1);
        assertThat(registry.get("smtp.probe.dns").tags("type", "AAAA", "outcome", "no_records").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("smtp.probe.dns").tags("type", "MX", "outcome", "nxdomain").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("smtp.probe.dns").tags("type", "other").timer().count()).isEqualTo(1);
    }

    @Test
    void probeTimerCarriesStatusAndInFlightGaugeFollowsStartAndEnd() {
        listener.probeStart(target);
        listener.probeStart(target);
        assertThat(registry.get("smtp.probe.active").gauge().value()).isEqualTo(2.0);

        ProbeResult accepted = Observed.probe(target,
                Observed.mxPlan("example.com", Observed.mx(10, "mx1.example.com", "192.0.2.1")),
                Observed.session("mx1.example.com", "192.0.2.1").accepted().build());
        listener.probeEnd(target, accepted);
        ProbeResult nxdomain = Observed.probe(target, Observed.failedPlan("example.com", DnsFailure.Kind.NXDOMAIN));
        listener.probeEnd(target, nxdomain);

        assertThat(registry.get("smtp.probe.active").gauge().value()).isZero();
        Timer ok = registry.get("smtp.probe").tags("status", "accepted").timer();
        assertThat(ok.count()).isEqualTo(1);
        assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(420.0);
        assertThat(registry.get("smtp.probe").tags("status", "dns_failure").timer().count()).isEqualTo(1);
    }

    @Test
    void probeStatusNamesGreylistingAndDeadHosts() {
        ProbeResult greylisted = Observed.probe(target,
                Observed.mxPlan("example.com", Observed.mx(10, "mx1.example.com", "192.0.2.1")),
                Observed.session("mx1.example.com", "192.0.2.1").opening()
                        .mailAndRcpt("bob@example.com", SmtpReply.of(450, "4.7.1 Greylisted, try again")).quit()
                        .build());
        ProbeResult dead = Observed.probe(target,
                Observed.mxPlan("example.com", Observed.mx(10, "mx1.example.com", "192.0.2.1")),
                Observed.session("mx1.example.com", "192.0.2.1").refused());
        assertThat(MetricsEventListener.status(greylisted)).isEqualTo("deferred");
        assertThat(MetricsEventListener.status(dead)).isEqualTo("connection_failed");
    }

    @Test
    void noTagCarriesHostDomainAddressRecipientOrReplyText() {
        listener.probeStart(target);
        listener.dnsLookupEnd(SmtpPhase.DNS_MX, "example.com", "MX", 1, Duration.ofMillis(1));
        listener.phaseEnd(request, SmtpPhase.BANNER, Optional.of(SmtpReply.of(220, "mx1.example.com ESMTP Postfix")),
                Duration.ofMillis(1));
        listener.phaseEnd(request, SmtpPhase.RCPT, Optional.of(SmtpReply.of(550, "5.1.1 <bob@example.com> unknown")),
                Duration.ofMillis(1));
        listener.probeEnd(target, Observed.probe(target,
                Observed.mxPlan("example.com", Observed.mx(10, "mx1.example.com", "192.0.2.1")),
                Observed.session("mx1.example.com", "192.0.2.1").accepted().build()));

        assertThat(registry.getMeters()).isNotEmpty();
        for (Meter meter : registry.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                assertThat(tag.getValue()).doesNotContain("example").doesNotContain("192.0.2").doesNotContain("bob")
                        .doesNotContain("Postfix");
            }
        }
    }

    @Test
    void phaseTimerCarriesFamilyAndSmtpLatencyBuckets() {
        SessionRequest v6 = request.toBuilder().address(new InetSocketAddress(Observed.ip("2001:db8::1"), 25)).build();
        listener.phaseEnd(request, SmtpPhase.BANNER, Optional.of(SmtpReply.of(220, "ready")), Duration.ofMillis(15));
        listener.phaseEnd(v6, SmtpPhase.BANNER, Optional.of(SmtpReply.of(220, "ready")), Duration.ofMillis(15));

        Timer v4 = registry.get("smtp.probe.phase").tags("phase", "banner", "family", "ipv4").timer();
        assertThat(registry.get("smtp.probe.phase").tags("phase", "banner", "family", "ipv6").timer().count())
                .isEqualTo(1);
        assertThat(java.util.Arrays.stream(v4.takeSnapshot().histogramCounts())
                .map(c -> c.bucket(TimeUnit.MILLISECONDS)))
                .contains(5.0, 10.0, 25.0, 100.0, 1000.0, 30_000.0, 300_000.0);
    }

    @Test
    void repliesCarryTheCatalogCategory() {
        listener.phaseEnd(request, SmtpPhase.RCPT, Optional.of(SmtpReply.of(550, "5.1.1 <bob@example.com> unknown")),
                Duration.ofMillis(1));
        listener.phaseEnd(request, SmtpPhase.RCPT, Optional.of(SmtpReply.of(250, "2.1.5 ok")), Duration.ofMillis(1));

        assertThat(registry.get("smtp.probe.replies").tags("code.class", "5xx", "category", "recipient-unknown")
                .counter().count()).isEqualTo(1.0);
        assertThat(registry.get("smtp.probe.replies").tags("code.class", "2xx", "category", "ok").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void gaugesFollowTheLastProbesVerdictMxCountAndCertificateExpiry() {
        io.micrometer.core.instrument.MockClock clock = new io.micrometer.core.instrument.MockClock();
        clock.add(Duration.ofMillis(Observed.NOW.toEpochMilli() - clock.wallTime()));
        SimpleMeterRegistry timed = new SimpleMeterRegistry(io.micrometer.core.instrument.simple.SimpleConfig.DEFAULT,
                clock);
        MetricsEventListener metrics = MetricsEventListener.builder(timed).build();
        ProbeResult accepted = Observed.probe(target,
                Observed.mxPlan("example.com", Observed.mx(10, "mx1.example.com", "192.0.2.1"),
                        Observed.mx(20, "mx2.example.com", "192.0.2.2")),
                Observed.session("mx1.example.com", "192.0.2.1").opening()
                        .tls(Observed.tls("mx1.example.com", Observed.NOW.plus(Duration.ofDays(30)), Observed.trusted()))
                        .mailAndRcpt("bob@example.com", SmtpReply.of(250, "ok")).quit().build());
        metrics.probeEnd(target, accepted);

        assertThat(timed.get("smtp.probe.verdict").gauge().value()).isBetween(0.0, 1.0);
        assertThat(timed.get("smtp.probe.mx.hosts").gauge().value()).isEqualTo(2.0);
        assertThat(timed.get("smtp.probe.certificate.expiry").gauge().value()).isEqualTo(30.0);
        assertThat(timed.get("smtp.probe.certificate.expiry").gauge().getId().getBaseUnit()).isEqualTo("days");

        metrics.probeEnd(target, Observed.probe(target, Observed.failedPlan("example.com", DnsFailure.Kind.NXDOMAIN)));
        assertThat(timed.get("smtp.probe.verdict").gauge().value()).isEqualTo(2.0);
    }

    @Test
    void aNamedCallTagsItsMetersWithTheTargetNameAndSharesTheInFlightCount() {
        dev.smtpprobe.model.ProbeRequest probe = dev.smtpprobe.model.ProbeRequest.builder(target).build();
        ProbeEventListener.Factory factory = listener.factory();
        assertThat(factory.create(new ProbeCall(1, probe, ""))).isSameAs(listener);
        ProbeEventListener named = factory.create(new ProbeCall(2, probe, "primary-mx"));
        named.probeStart(target);
        named.phaseEnd(request, SmtpPhase.BANNER, Optional.of(SmtpReply.of(220, "ready")), Duration.ofMillis(1));

        assertThat(registry.get("smtp.probe.active").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("smtp.probe.phase").tags("target", "primary-mx", "job", "nightly").timer().count())
                .isEqualTo(1);
    }
}
