package dev.smtpprobe.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.Socket;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client SslContext: TLS 1.2 and 1.3 from the JDK provider, with a trust manager that accepts every chain and
 * no endpoint identification. That is deliberate: the chain is captured first and judged afterwards by
 * {@link TrustEvaluator}, so an expired or misnamed certificate is reported instead of hiding behind an alert.
 */
public final class TlsClientContexts {
    private TlsClientContexts() {
    }

    public static SslContext capturingClientContext() {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .trustManager(AcceptAndJudgeLater.INSTANCE)
                    // Netty 4.2 turns on HTTPS host name checks by default; we judge names ourselves, after capture.
                    .endpointIdentificationAlgorithm(null)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS client context", e);
        }
    }

    /** Accepts anything: an extended trust manager, so the JDK adds no host name check of its own around it. */
    private static final class AcceptAndJudgeLater extends X509ExtendedTrustManager {
        static final AcceptAndJudgeLater INSTANCE = new AcceptAndJudgeLater();

        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
