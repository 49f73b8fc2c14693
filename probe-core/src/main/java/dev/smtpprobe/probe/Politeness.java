package dev.smtpprobe.probe;

import dev.smtpprobe.model.MxPlan;
import dev.smtpprobe.model.SessionRequest;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The two seams a scheduler (such as {@code dispatch.Dispatcher}) needs inside one probe, and nothing else:
 * a gate every SMTP session passes before it dials, and a place to share MX plans between probes.
 *
 * <p>The gate sits between {@link DomainProber}'s failover walk and the session runner, so a limit per MX
 * address holds for every session, including the second and third address of a failover walk, and a session
 * waiting at the gate has no socket yet. {@link #NONE} is what a single probe uses: no waiting, no sharing.
 */
public interface Politeness {

    /** Runs nothing: what the gate hands back when there is nothing to release. */
    Runnable NOTHING_TO_RELEASE = () -> { };

    Politeness NONE = new Politeness() {
    };

    /**
     * Completes when the session may dial, with the action that hands its permit back; the prober runs that
     * action exactly once, when the session has its result. Must never complete exceptionally.
     *
     * @param domain the receiving domain the probe is about (the target's domain)
     */
    default CompletableFuture<Runnable> beforeSession(String domain, SessionRequest session) {
        return CompletableFuture.completedFuture(NOTHING_TO_RELEASE);
    }

    /**
     * The MX plan for a lookup key: the lookup's own future, or one already under way for the same key.
     *
     * @param key the domain with everything else that changes the answer (address family, resolvers)
     * @param lookup starts the lookup; call it at most once per key that is not yet known
     */
    default CompletableFuture<MxPlan> mxPlan(String key, Supplier<CompletableFuture<MxPlan>> lookup) {
        return lookup.get();
    }
}
