package dev.smtpprobe;

import dev.smtpprobe.event.ProbeCall;
import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.event.SafeListener;
import dev.smtpprobe.probe.DomainProber;
import dev.smtpprobe.probe.Politeness;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.session.SmtpSession;
import dev.smtpprobe.tls.TlsClientContexts;
import dev.smtpprobe.tls.TrustEvaluator;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs SMTP sessions on one shared Netty event loop group (like OkHttpClient: build one, reuse it, close it).
 * No thread per probe: every session is a state machine driven by the loop's I/O and timers.
 *
 * <pre>{@code
 * try (SmtpProber prober = SmtpProber.builder().listener(myListener).build()) {
 *     SessionResult r = prober.session(request).get();
 * }
 * }</pre>
 */
public final class SmtpProber implements Closeable {

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final ProbeEventListener listener;
    private final ProbeEventListener.Factory listenerFactory;
    private final AtomicLong callIds = new AtomicLong();
    private final SslContext sslContext;
    private final Bootstrap template;
    private final ConcurrentMap<Path, TrustEvaluator> caFileEvaluators = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Sessions not yet finished, so that closing the prober can still give each its result. */
    private final Set<SmtpSession> inFlight = ConcurrentHashMap.newKeySet();

    private SmtpProber(Builder b) {
        this.ownsGroup = b.group == null;
        this.group = ownsGroup
                ? new MultiThreadIoEventLoopGroup(b.threads, new DefaultThreadFactory("smtp-probe", true),
                        NioIoHandler.newFactory())
                : b.group;
        this.listener = b.listener;
        this.listenerFactory = b.listenerFactory;
        this.sslContext = TlsClientContexts.capturingClientContext();
        // No DNS from the event loop, ever: the default resolver would block it. Sessions resolve IP literals
        // themselves and refuse names (see SmtpSession.connectTarget); this catches anything that slips past.
        this.template = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .resolver(NoopAddressResolverGroup.INSTANCE);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Walks one SMTP conversation. The future never completes exceptionally for network, TLS or protocol
     * problems: it yields a (possibly partial) {@link SessionResult} whose {@code failure} says what went wrong.
     *
     * @throws IllegalStateException when this prober is closed
     */
    public CompletableFuture<SessionResult> session(SessionRequest request) {
        return session(request, listener);
    }

    /** A CA file's trust anchors, read once per prober (on the caller's thread, never on the event loop). */
    private TrustEvaluator anchorsOf(Path caFile) {
        return caFileEvaluators.computeIfAbsent(caFile.toAbsolutePath(), TrustEvaluator::fromPemFile);
    }

    private CompletableFuture<SessionResult> session(SessionRequest request, ProbeEventListener listener) {
        Objects.requireNonNull(request);
        if (closed.get()) {
            throw new IllegalStateException("SmtpProber is closed");
        }
        // Trust anchors are read here, on the caller's thread, so no file I/O ever runs on the event loop.
        TrustEvaluator trust = request.options().caFile().map(this::anchorsOf).orElseGet(TrustEvaluator::jdkDefault);
        EventLoop loop = group.next();
        SmtpSession session = new SmtpSession(request, sslContext, trust, new SafeListener(listener), loop);
        inFlight.add(session);
        session.result().whenComplete((r, e) -> inFlight.remove(session));
        try {
            loop.execute(() -> session.start(template));
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the event loop group is shut down", e);
        }
        return session.result();
    }

    /**
     * Probes a target the way mail flows: MX resolution and failover for a domain or an address, the server
     * directly for a SERVER target, DNS posture checks in parallel. Always completes normally with a result;
     * the diagnosis engine turns it into findings.
     */
    public CompletableFuture<ProbeResult> probe(ProbeRequest request) {
        return probe(request, "", Politeness.NONE);
    }

    /**
     * As {@link #probe(ProbeRequest)}, under a name the caller chose (a configured target's name): the
     * {@link Builder#listenerFactory listener factory} sees it in the {@link ProbeCall}, so per-call listeners can
     * tell two probes of the same domain apart.
     */
    public CompletableFuture<ProbeResult> probe(ProbeRequest request, String name) {
        return probe(request, name, Politeness.NONE);
    }

    /**
     * The same probe with a scheduler's say over it: every session waits at {@code politeness}'s gate before it
     * dials, and MX plans may be shared between probes (see {@code dispatch.Dispatcher}, which batches use).
     */
    public CompletableFuture<ProbeResult> probe(ProbeRequest request, Politeness politeness) {
        return probe(request, "", politeness);
    }

    /** A named probe under a scheduler's politeness: the one place the others lead to. */
    public CompletableFuture<ProbeResult> probe(ProbeRequest request, String name, Politeness politeness) {
        Objects.requireNonNull(request);
        Objects.requireNonNull(name);
        Objects.requireNonNull(politeness);
        ProbeEventListener call = listener;
        if (listenerFactory != null) {
            call = listener.plus(listenerFactory.create(new ProbeCall(callIds.incrementAndGet(), request, name)));
        }
        ProbeEventListener events = call;
        return new DomainProber(r -> session(r, events), group, politeness, this::anchorsOf).probe(request, events);
    }

    public EventLoopGroup eventLoopGroup() {
        return group;
    }

    public ProbeEventListener listener() {
        return listener;
    }

    /**
     * Shuts the event loop group down when this prober created it; a group passed in stays the caller's.
     * Idempotent and safe from any thread: called on one of the group's own threads (a listener, a callback on a
     * session future) it starts the shutdown without waiting for it, since waiting there would wait for itself.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true) || !ownsGroup) {
            return;
        }
        for (SmtpSession session : List.copyOf(inFlight)) {
            session.abort();
        }
        Future<?> terminated = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        // The aborts queued above close every channel on its own loop. Should a session still lack its result
        // once the loop has terminated (nothing else touches it then), it is finished here.
        if (!onOwnLoop()) {
            terminated.syncUninterruptibly();
            finishSessionsLeftInFlight();
        } else {
            terminated.addListener(f -> finishSessionsLeftInFlight());
        }
    }

    private void finishSessionsLeftInFlight() {
        for (SmtpSession session : List.copyOf(inFlight)) {
            session.finishAfterLoopTerminated();
        }
    }

    private boolean onOwnLoop() {
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    public static final class Builder {
        private EventLoopGroup group;
        private ProbeEventListener listener = ProbeEventListener.NONE;
        private ProbeEventListener.Factory listenerFactory;
        private int threads = Math.min(2, Math.max(1, Runtime.getRuntime().availableProcessors()));

        private Builder() {
        }

        /** Shares an existing NIO event loop group; the prober will not shut it down. */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group);
            return this;
        }

        public Builder listener(ProbeEventListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * Makes a listener for each probe, in addition to {@link #listener}: for listeners that keep per-probe
         * state or tag by the call's name. Sessions opened with {@link #session} alone see only the listener.
         */
        public Builder listenerFactory(ProbeEventListener.Factory factory) {
            this.listenerFactory = Objects.requireNonNull(factory);
            return this;
        }

        /** Threads of the group the prober creates (ignored with {@link #eventLoopGroup}); 1 or 2 is plenty. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
            this.threads = threads;
            return this;
        }

        public SmtpProber build() {
            return new SmtpProber(this);
        }
    }
}
