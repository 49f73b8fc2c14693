package dev.smtpprobe.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Binds the in-flight gauge {@code smtp.probe.active} to a registry. The gauge holds a strong reference to
 * the counter: Micrometer gauges hold weak references by default, and a collected counter would silently
 * report NaN.
 */
public final class ProbeMetricsBinder implements MeterBinder {

    private final AtomicInteger inFlight;

    public ProbeMetricsBinder(MetricsEventListener listener) {
        this.inFlight = Objects.requireNonNull(listener).inFlight();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(ProbeMeters.ACTIVE, inFlight, AtomicInteger::get)
                .description("Probes started and not yet ended")
                .strongReference(true)
                .register(registry);
    }
}
