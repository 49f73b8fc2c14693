package dev.smtpprobe.session;

import dev.smtpprobe.model.EhloCapabilities;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SmtpCommand;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.TlsMode;
import dev.smtpprobe.model.TlsSessionInfo;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * STARTTLS (RFC 3207) by the request's policy, then the handshake and EHLO again. Bytes that arrive after the 220
 * and before the handshake are an injection (CVE-2011-0411 class): the session stops rather than take them as
 * replies. Under implicit TLS the handshake already happened before the greeting; this step only judges it.
 */
final class StartTlsStep implements PhaseStep {

    private final HelloStep hello;

    StartTlsStep(HelloStep hello) {
        this.hello = hello;
    }

    @Override
    public CompletableFuture<Next> run(SessionContext ctx) {
        if (ctx.options.tlsMode() == TlsMode.IMPLICIT) {
            return done(ctx.stopAfter(QuitAfter.TLS) || ctx.stopAfter(QuitAfter.EHLO) ? Next.QUIT : Next.CONTINUE);
        }
        if (ctx.stopAfter(QuitAfter.EHLO)) {
            return done(Next.QUIT);
        }
        if (ctx.options.startTls() == StartTlsPolicy.NEVER) {
            return afterTls(ctx);
        }
        if (!ctx.capabilities.startTls()) {
            if (ctx.options.startTls() == StartTlsPolicy.REQUIRE) {
                ctx.fail(ProbeStatus.STARTTLS_NOT_OFFERED, SmtpPhase.STARTTLS,
                        "STARTTLS was required but the server did not offer it", Optional.empty());
                return done(Next.QUIT);
            }
            ctx.note(ctx.heloFallback ? "HELO offers no extensions; continuing in plain text"
                    : "STARTTLS not offered; continuing in plain text");
            return afterTls(ctx);
        }
        return ctx.wire.send(Outgoing.command(SmtpPhase.STARTTLS, SmtpCommand.of("STARTTLS"),
                ctx.options.timeouts().command())).thenCompose(reply -> onReply(ctx, reply));
    }

    private CompletableFuture<Next> onReply(SessionContext ctx, SmtpReply reply) {
        switch (ctx.judge(SmtpPhase.STARTTLS, reply)) {
            case SUCCESS:
                if (ctx.wire.hasUnansweredBytes()) {
                    ctx.note("bytes buffered after the 220: " + ctx.wire.unansweredPreview());
                    ctx.fail(ProbeStatus.STARTTLS_INJECTION, SmtpPhase.STARTTLS,
                            "bytes arrived after the 220 to STARTTLS and before the TLS handshake; they were "
                                    + "discarded and the session aborted", Optional.of(reply));
                    return done(Next.ABANDON);
                }
                return ctx.tlsUpgrade.start(ctx.channel(), false, ctx.options.timeouts().tlsHandshake())
                        .thenCompose(info -> onHandshake(ctx, info));
            case TRANSIENT:
            case PERMANENT:
                if (reply.code() == 421) {
                    ctx.reject(SmtpPhase.STARTTLS, "the server is closing the connection", reply);
                    return done(Next.QUIT);
                }
                if (ctx.options.startTls() == StartTlsPolicy.REQUIRE) {
                    ctx.fail(ProbeStatus.STARTTLS_REFUSED, SmtpPhase.STARTTLS,
                            "STARTTLS was required but the server answered " + reply.code() + " " + reply.text(),
                            Optional.of(reply));
                    return done(Next.QUIT);
                }
                ctx.note("STARTTLS refused with " + reply.code() + "; continuing in plain text");
                return afterTls(ctx);
            default:
                return done(Next.ABANDON);
        }
    }

    private CompletableFuture<Next> onHandshake(SessionContext ctx, TlsSessionInfo info) {
        ctx.tls = Optional.of(info);
        // RFC 3207 section 4.2: nothing learned before TLS may be trusted, the EHLO list least of all.
        ctx.capabilities = EhloCapabilities.NONE;
        if (CertificateGate.rejects(ctx, info)) {
            return done(Next.QUIT);
        }
        return hello.run(ctx).thenCompose(next -> next == Next.CONTINUE ? afterTls(ctx) : done(next));
    }

    private static CompletableFuture<Next> afterTls(SessionContext ctx) {
        return done(ctx.stopAfter(QuitAfter.TLS) ? Next.QUIT : Next.CONTINUE);
    }

    private static CompletableFuture<Next> done(Next next) {
        return CompletableFuture.completedFuture(next);
    }
}
