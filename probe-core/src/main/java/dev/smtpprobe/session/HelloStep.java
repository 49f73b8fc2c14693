package dev.smtpprobe.session;

import dev.smtpprobe.model.EhloCapabilities;
import dev.smtpprobe.model.SessionOptions.Protocol;
import dev.smtpprobe.model.SmtpCommand;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.TlsMode;
import java.util.concurrent.CompletableFuture;

/**
 * EHLO (or LHLO for LMTP), falling back to HELO when EHLO is not understood (500/502). Run again after TLS: RFC
 * 3207 section 4.2 says nothing learned before the handshake may be trusted, the EHLO list least of all.
 */
final class HelloStep implements PhaseStep {

    @Override
    public CompletableFuture<Next> run(SessionContext ctx) {
        // Under implicit TLS the first EHLO is the only one: it is the EHLO phase, not the one after STARTTLS.
        boolean underTls = ctx.tls.isPresent() && ctx.options.tlsMode() != TlsMode.IMPLICIT;
        SmtpPhase phase = underTls ? SmtpPhase.EHLO_TLS : SmtpPhase.EHLO;
        String verb = ctx.options.protocol() == Protocol.LMTP ? "LHLO" : "EHLO";
        SmtpCommand hello = SmtpCommand.of(verb, ctx.options.ehloName());
        return ctx.wire.send(Outgoing.command(phase, hello, ctx.options.timeouts().command()))
                .thenCompose(reply -> onReply(ctx, phase, reply));
    }

    private CompletableFuture<Next> onReply(SessionContext ctx, SmtpPhase phase, SmtpReply reply) {
        switch (ctx.judge(phase, reply)) {
            case SUCCESS:
                ctx.capabilities = EhloCapabilities.parse(reply);
                if (phase == SmtpPhase.EHLO) {
                    ctx.capabilitiesBeforeTls = ctx.capabilities;
                }
                return CompletableFuture.completedFuture(Next.CONTINUE);
            case PERMANENT:
                if ((reply.code() == 500 || reply.code() == 502) && ctx.options.protocol() == Protocol.SMTP) {
                    ctx.note("EHLO not understood; falling back to HELO");
                    return helo(ctx);
                }
                ctx.reject(phase, "the server refused " + phase.id().replace("_tls", ""), reply);
                return CompletableFuture.completedFuture(Next.QUIT);
            case TRANSIENT:
                ctx.reject(phase, "the server refused " + phase.id().replace("_tls", ""), reply);
                return CompletableFuture.completedFuture(Next.QUIT);
            default:
                return CompletableFuture.completedFuture(Next.ABANDON);
        }
    }

    private CompletableFuture<Next> helo(SessionContext ctx) {
        SmtpCommand helo = SmtpCommand.helo(ctx.options.ehloName());
        return ctx.wire.send(Outgoing.command(SmtpPhase.HELO, helo, ctx.options.timeouts().command()))
                .thenApply(reply -> switch (ctx.judge(SmtpPhase.HELO, reply)) {
                    case SUCCESS -> {
                        ctx.heloFallback = true;
                        ctx.capabilities = EhloCapabilities.NONE;
                        yield Next.CONTINUE;
                    }
                    case TRANSIENT, PERMANENT -> {
                        ctx.reject(SmtpPhase.HELO, "the server refused both EHLO and HELO", reply);
                        yield Next.QUIT;
                    }
                    default -> Next.ABANDON;
                });
    }
}
