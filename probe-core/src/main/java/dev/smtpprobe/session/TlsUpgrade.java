package dev.smtpprobe.session;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.TlsSessionInfo;
import dev.smtpprobe.model.TrustCheck;
import dev.smtpprobe.smtp.PlaintextBeforeTlsGuard;
import dev.smtpprobe.tls.CertificateInspector;
import dev.smtpprobe.tls.HostNames;
import dev.smtpprobe.tls.TrustEvaluator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The TLS handshake, outside the protocol steps: puts an {@link SslHandler} (with SNI) in front of the codec,
 * captures the chain whatever it is, and judges trust afterwards, so that PKIX, DANE and MTA-STS can all judge
 * the same chain. Plaintext where the handshake should be is told apart from a broken TLS stack.
 */
final class TlsUpgrade {

    private final SslContext sslContext;
    private final TrustEvaluator trust;
    private final String tlsName;
    private final int port;
    private final Timeline timeline;
    private CompletableFuture<TlsSessionInfo> result;
    private Timeline.Phase phase;
    private ScheduledFuture<?> timer;
    private boolean implicit;

    TlsUpgrade(SslContext sslContext, TrustEvaluator trust, String tlsName, int port, Timeline timeline) {
        this.sslContext = sslContext;
        this.trust = trust;
        this.tlsName = tlsName;
        this.port = port;
        this.timeline = timeline;
    }

    /** Starts the handshake on {@code channel}; the result fails with an {@link ExchangeFailure} when it fails. */
    CompletableFuture<TlsSessionInfo> start(Channel channel, boolean implicitTls, Duration timeout) {
        implicit = implicitTls;
        result = new CompletableFuture<>();
        phase = timeline.begin(SmtpPhase.TLS_HANDSHAKE, Optional.empty());
        String sni = HostNames.sniFor(tlsName);
        SslHandler ssl = sni.isEmpty() ? sslContext.newHandler(channel.alloc())
                : sslContext.newHandler(channel.alloc(), sni, port);
        SSLEngine engine = ssl.engine();
        if (!sni.isEmpty()) {
            // The JDK sends SNI on its own only for names with a dot; "localhost" and single-label names need this.
            SSLParameters params = engine.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(sni)));
            engine.setSSLParameters(params);
        }
        ssl.setHandshakeTimeoutMillis(0); // our own timer bounds the handshake
        timer = channel.eventLoop().schedule(() -> fail(ProbeStatus.TIMEOUT,
                "the TLS handshake did not finish within " + timeout.toMillis() + " ms"),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        channel.pipeline().addFirst("tls", ssl);
        channel.pipeline().addFirst("plaintext-guard", new PlaintextBeforeTlsGuard(this::onPlaintext));
        ssl.handshakeFuture().addListener((Future<Channel> f) -> {
            if (f.isSuccess()) {
                onDone(engine.getSession(), sni);
            } else {
                fail(ProbeStatus.TLS_HANDSHAKE_FAILED, "TLS handshake failed: " + handshakeProblem(f.cause()));
            }
        });
        return result;
    }

    boolean inProgress() {
        return result != null && !result.isDone();
    }

    /** The connection failed under the handshake (the wire saw it first). */
    void connectionLost() {
        fail(ProbeStatus.TLS_HANDSHAKE_FAILED, "the server closed the connection during the TLS handshake");
    }

    private void onPlaintext(String preview) {
        if (implicit) {
            timeline.note("plaintext where the TLS handshake was expected: " + preview);
            fail(ProbeStatus.TLS_HANDSHAKE_FAILED, "the server answered in plain SMTP instead of TLS "
                    + "(is this a STARTTLS port rather than an implicit TLS one?)");
        } else {
            timeline.note("plaintext arrived after 220 to STARTTLS: " + preview);
            fail(ProbeStatus.STARTTLS_INJECTION, "plaintext arrived after 220 to STARTTLS");
        }
    }

    private void onDone(SSLSession session, String sni) {
        if (result.isDone()) {
            return;
        }
        timer.cancel(false);
        List<X509Certificate> chain = new ArrayList<>();
        try {
            for (Certificate c : session.getPeerCertificates()) {
                if (c instanceof X509Certificate) {
                    chain.add((X509Certificate) c);
                }
            }
        } catch (SSLPeerUnverifiedException e) {
            timeline.note("the server presented no certificate");
        }
        TrustCheck check = trust.evaluate(chain, tlsName, Instant.now());
        TlsSessionInfo info = new TlsSessionInfo(session.getProtocol(), session.getCipherSuite(), sni, chain,
                CertificateInspector.summarize(chain), check);
        phase.end(Optional.empty());
        timeline.tlsEstablished(info);
        timeline.note("TLS established: " + info.protocol() + " " + info.cipherSuite()
                + (sni.isEmpty() ? ", no SNI" : ", SNI " + sni) + ", certificate "
                + (check.trusted() ? "trusted" : "NOT trusted: "
                + check.chainProblem().orElse(check.nameMatches() ? "" : "name does not match " + tlsName)));
        result.complete(info);
    }

    private void fail(ProbeStatus status, String message) {
        if (result.isDone()) {
            return;
        }
        timer.cancel(false);
        SmtpPhase where = status == ProbeStatus.STARTTLS_INJECTION ? SmtpPhase.STARTTLS : SmtpPhase.TLS_HANDSHAKE;
        phase.fail(status);
        result.completeExceptionally(new ExchangeFailure(status, where, message));
    }

    private static String handshakeProblem(Throwable cause) {
        Throwable root = Failures.unwrap(cause);
        while (root.getCause() != null && root.getCause() != root
                && (root.getMessage() == null || root.getMessage().isBlank())) {
            root = root.getCause();
        }
        if (root instanceof ClosedChannelException) {
            return "the server closed the connection during the handshake";
        }
        return Failures.describe(root);
    }
}
