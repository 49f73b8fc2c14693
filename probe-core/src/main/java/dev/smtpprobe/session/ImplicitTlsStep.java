package dev.smtpprobe.session;

import dev.smtpprobe.model.TlsMode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Under implicit TLS (port 465, RFC 8314) the handshake comes before the greeting; otherwise this step does
 * nothing. A certificate the user required and that failed ends the session before the greeting is read, so the
 * parting QUIT is not waited for: it would cross the greeting.
 */
final class ImplicitTlsStep implements PhaseStep {

    @Override
    public CompletableFuture<Next> run(SessionContext ctx) {
        if (ctx.options.tlsMode() != TlsMode.IMPLICIT) {
            return CompletableFuture.completedFuture(Next.CONTINUE);
        }
        return ctx.tlsUpgrade.start(ctx.channel(), true, ctx.options.timeouts().tlsHandshake()).thenApply(info -> {
            ctx.tls = Optional.of(info);
            return CertificateGate.rejects(ctx, info) ? Next.ABANDON : Next.CONTINUE;
        });
    }
}
