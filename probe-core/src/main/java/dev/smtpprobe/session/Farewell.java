package dev.smtpprobe.session;

import dev.smtpprobe.model.SmtpCommand;
import dev.smtpprobe.model.SmtpPhase;
import java.util.concurrent.CompletableFuture;

/**
 * The polite end: RSET when a transaction is open (so nothing half-sent is delivered), then QUIT, waiting for
 * each reply. Completes with whether QUIT was answered; a server that hangs up instead is only noted.
 */
final class Farewell {

    CompletableFuture<Boolean> run(SessionContext ctx) {
        CompletableFuture<Void> reset = CompletableFuture.completedFuture(null);
        if (ctx.transactionOpen) {
            reset = ctx.wire.send(Outgoing.command(SmtpPhase.RSET, SmtpCommand.of("RSET"),
                    ctx.options.timeouts().command())).thenAccept(reply -> ctx.transactionOpen = false);
        }
        return reset.thenCompose(ignored -> {
            ctx.quitSent = true;
            return ctx.wire.send(Outgoing.command(SmtpPhase.QUIT, SmtpCommand.of("QUIT"),
                    ctx.options.timeouts().command()));
        }).handle((reply, error) -> {
            if (error != null) {
                ctx.note("the server did not answer QUIT: " + Failures.describe(
                        error.getCause() != null ? error.getCause() : error));
                return false;
            }
            return true;
        });
    }
}
