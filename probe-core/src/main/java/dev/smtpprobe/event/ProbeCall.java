package dev.smtpprobe.event;

import dev.smtpprobe.model.ProbeRequest;
import java.util.Objects;

/**
 * The identity of one call to {@code SmtpProber.probe}, in the manner of OkHttp's {@code Call}: what a
 * {@link ProbeEventListener.Factory} needs to make a listener for that call alone.
 *
 * @param id unique within the prober, increasing
 * @param request what is probed
 * @param name the caller's name for this probe (a configured target name in serve mode), empty when unnamed.
 *        A name chosen by the operator, from a bounded set, so listeners may use it as a metric tag.
 */
public record ProbeCall(long id, ProbeRequest request, String name) {
    public ProbeCall {
        Objects.requireNonNull(request);
        Objects.requireNonNull(name);
    }
}
