package dev.smtpprobe.mtasts;

import dev.smtpprobe.model.MtaStsResult;
import dev.smtpprobe.model.TrustCheck;
import dev.smtpprobe.tls.TlsClientContexts;
import dev.smtpprobe.tls.TrustEvaluator;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Fetches {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt} as RFC 8461 §3.3 says a sender must: the host is
 * resolved through the probe's own DNS client (so {@code --resolver} holds here too), SNI names it, the
 * certificate must be WebPKI-valid for it (judged after capture by the same {@link TrustEvaluator} as the SMTP
 * sessions, so {@code --ca-file} anchors apply), redirects are not followed, only a 200 with {@code text/plain}
 * counts, the body is capped at 64 KiB and the whole fetch has a time limit.
 *
 * <p>Why Netty rather than the JDK's HttpClient: the JDK client resolves host names itself through the system
 * resolver, which would bypass {@code --resolver} (and the offline tests' DNS), and it would need threads of its
 * own. A Netty channel on the prober's event loop group connects to the address our DNS client found, needs no
 * thread, and never blocks the loop: the only work done there is decoding a response of at most 64 KiB.
 */
public final class MtaStsFetcher {
    public static final int MAX_POLICY_BYTES = 64 * 1024;
    public static final String PATH = "/.well-known/mta-sts.txt";
    private static final int HTTPS_PORT = 443;

    private final EventLoopGroup group;

    /**
     * Built at the first fetch and shared by every fetcher: a prober makes a fetcher per probe, and building a
     * JDK SSL context takes milliseconds of CPU (it was a batch's largest cost per probe, and a cold-start cost of
     * every probe that never fetches a policy). The capturing context keeps no per-connection state.
     */
    private static final class Context {
        static final SslContext SHARED = TlsClientContexts.capturingClientContext();
    }

    /** @param group the event loop group to run the fetch on (the prober's); null when there is none */
    public MtaStsFetcher(EventLoopGroup group) {
        this.group = group;
    }

    /**
     * One fetch; the future never fails.
     *
     * @param resolve the addresses of a host name, from the probe's DNS client
     * @param recordId the {@code id=} of the domain's TXT record
     * @param port 443, or a test fixture's port (see TransportSecurityOptions#mtaStsPolicyPortForTesting)
     */
    public CompletableFuture<MtaStsResult> fetch(String domain, Optional<String> recordId,
            Function<String, CompletableFuture<List<InetAddress>>> resolve, TrustEvaluator trust, Duration timeout,
            int port) {
        String host = "mta-sts." + domain;
        String url = "https://" + host + (port == HTTPS_PORT ? "" : ":" + port) + PATH;
        long start = System.nanoTime();
        Attempt attempt = new Attempt(domain, host, url, recordId, port, trust, timeout, start);
        if (group == null) {
            attempt.fail("no event loop group to fetch with");
            return attempt.result;
        }
        try {
            resolve.apply(host).whenComplete((addresses, error) -> {
                if (error != null || addresses == null || addresses.isEmpty()) {
                    attempt.fail(host + " does not resolve" + (error != null ? ": " + error.getMessage() : ""));
                } else {
                    connect(attempt, addresses, 0, new ArrayList<>());
                }
            });
        } catch (RuntimeException e) {
            attempt.fail("cannot resolve " + host + ": " + e.getMessage());
        }
        return attempt.result;
    }

    private void connect(Attempt attempt, List<InetAddress> addresses, int index, List<String> refused) {
        if (index >= addresses.size()) {
            attempt.fail("cannot connect to " + attempt.host + ": " + String.join("; ", refused));
            return;
        }
        InetSocketAddress target = new InetSocketAddress(addresses.get(index), attempt.port);
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .resolver(NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, attempt.timeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = Context.SHARED.newHandler(ch.alloc(), attempt.host, attempt.port);
                        ssl.setHandshakeTimeoutMillis(attempt.timeout.toMillis());
                        ch.pipeline().addLast(ssl, new HttpClientCodec(4096, 8192, 8192),
                                new PolicyHandler(attempt, ssl));
                    }
                });
        b.connect(target).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                refused.add(target.getAddress().getHostAddress() + " (" + f.cause().getMessage() + ")");
                connect(attempt, addresses, index + 1, refused);
            } else {
                Channel ch = f.channel();
                ScheduledFuture<?> deadline = ch.eventLoop().schedule(() -> {
                    attempt.fail("no complete response within " + attempt.timeout.toSeconds() + " s");
                    ch.close();
                }, attempt.timeout.toMillis(), TimeUnit.MILLISECONDS);
                attempt.result.whenComplete((r, e) -> deadline.cancel(false));
            }
        });
    }

    /** The state of one fetch; completed exactly once. */
    private static final class Attempt {
        final String domain;
        final String host;
        final String url;
        final Optional<String> recordId;
        final int port;
        final TrustEvaluator trust;
        final Duration timeout;
        final long start;
        final CompletableFuture<MtaStsResult> result = new CompletableFuture<>();

        Attempt(String domain, String host, String url, Optional<String> recordId, int port, TrustEvaluator trust,
                Duration timeout, long start) {
            this.domain = domain;
            this.host = host;
            this.url = url;
            this.recordId = recordId;
            this.port = port;
            this.trust = trust;
            this.timeout = timeout;
            this.start = start;
        }

        void fail(String problem) {
            fail(problem, Optional.empty());
        }

        void fail(String problem, Optional<Integer> status) {
            result.complete(new MtaStsResult(domain, url, recordId, MtaStsResult.Fetch.FETCH_FAILED, status,
                    Optional.empty(), List.of(problem), elapsed()));
        }

        void parsed(int status, String body) {
            MtaStsPolicyParser.Parsed p = MtaStsPolicyParser.parse(body);
            List<String> problems = new ArrayList<>(p.errors());
            problems.addAll(p.notes());
            result.complete(new MtaStsResult(domain, url, recordId, p.policy().isPresent()
                    ? MtaStsResult.Fetch.FETCHED : MtaStsResult.Fetch.INVALID, Optional.of(status), p.policy(),
                    problems, elapsed()));
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    /** Checks the certificate after the handshake, sends the GET, reads one bounded response. */
    private static final class PolicyHandler extends ChannelInboundHandlerAdapter {
        private final Attempt attempt;
        private final SslHandler ssl;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;

        PolicyHandler(Attempt attempt, SslHandler ssl) {
            this.attempt = attempt;
            this.ssl = ssl;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent done) {
                if (!done.isSuccess()) {
                    stop(ctx, "the TLS handshake with " + attempt.host + " failed: " + done.cause().getMessage());
                    return;
                }
                List<X509Certificate> chain = new ArrayList<>();
                for (Certificate c : ssl.engine().getSession().getPeerCertificates()) {
                    if (c instanceof X509Certificate x) {
                        chain.add(x);
                    }
                }
                TrustCheck check = attempt.trust.evaluate(chain, attempt.host, Instant.now());
                if (!check.trusted()) {
                    stop(ctx, "the certificate of " + attempt.host + " is not valid for it ("
                            + (check.chainValid() ? "the name does not match" : check.chainProblem().orElse("untrusted"))
                            + "), so senders ignore the policy (RFC 8461 §3.3)");
                    return;
                }
                DefaultFullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, PATH);
                get.headers().set(HttpHeaderNames.HOST, attempt.host + (attempt.port == HTTPS_PORT ? "" : ":" + attempt.port));
                get.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                get.headers().set(HttpHeaderNames.ACCEPT, "text/plain");
                get.headers().set(HttpHeaderNames.USER_AGENT, "smtp-probe");
                ctx.writeAndFlush(get);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (attempt.result.isDone()) {
                    return;
                }
                if (msg instanceof HttpResponse response) {
                    status = response.status().code();
                    if (status >= 300 && status < 400) {
                        String location = response.headers().get(HttpHeaderNames.LOCATION, "(no Location)");
                        stop(ctx, "the server redirects (HTTP " + status + " to " + location
                                + "); senders do not follow redirects (RFC 8461 §3.3)", status);
                        return;
                    }
                    if (status != 200) {
                        stop(ctx, "HTTP " + status + " " + response.status().reasonPhrase()
                                + " (only 200 counts, RFC 8461 §3.3)", status);
                        return;
                    }
                    String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
                    String mediaType = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
                    if (!mediaType.equals("text/plain")) {
                        stop(ctx, "the policy is served as \"" + (type.isEmpty() ? "no content type" : type)
                                + "\", not text/plain (RFC 8461 §3.2)", status);
                        return;
                    }
                    if (HttpUtil.getContentLength(response, -1L) > MAX_POLICY_BYTES) {
                        stop(ctx, "the policy is " + HttpUtil.getContentLength(response, -1L)
                                + " bytes, over the 64 KiB senders accept", status);
                        return;
                    }
                }
                if (msg instanceof HttpContent content) {
                    ByteBuf data = content.content();
                    if (body.size() + data.readableBytes() > MAX_POLICY_BYTES) {
                        stop(ctx, "the policy is over the 64 KiB senders accept", status);
                        return;
                    }
                    byte[] bytes = new byte[data.readableBytes()];
                    data.readBytes(bytes);
                    body.writeBytes(bytes);
                    if (msg instanceof LastHttpContent) {
                        attempt.parsed(status, body.toString(StandardCharsets.UTF_8));
                        ctx.close();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            attempt.fail("the connection closed before the policy was complete", status == 0
                    ? Optional.empty() : Optional.of(status));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            stop(ctx, "fetching the policy failed: " + Objects.toString(cause.getMessage(), cause.toString()));
        }

        private void stop(ChannelHandlerContext ctx, String problem) {
            attempt.fail(problem);
            ctx.close();
        }

        private void stop(ChannelHandlerContext ctx, String problem, int httpStatus) {
            attempt.fail(problem, Optional.of(httpStatus));
            ctx.close();
        }
    }
}
