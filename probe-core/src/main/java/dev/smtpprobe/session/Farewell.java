package dev.smtpprobe.session;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SmtpCommand;
import dev.smtpprobe.model.SmtpPhase;
import java.util.concurrent.CompletableFuture;

/**
 * The polite end: RSET when a transaction is open (so nothing half-sent is delivered), then QUIT, waiting for
 * each reply. Completes with whether QUIT was answered; a server that hangs up instead is only noted.
 */
final class Farewell {

    CompletableFuture<Boolean> run(SessionContext ctx) {
        if (ctx.quitAnswered) {
            return CompletableFuture.completedFuture(true);
        }
        CompletableFuture<Void> reset = CompletableFuture.completedFuture(null);
        if (ctx.transactionOpen) {
            reset = ctx.wire.send(Outgoing.command(SmtpPhase.RSET, SmtpCommand.of("RSET"),
                    ctx.options.timeouts().command())).thenAccept(reply -> {
                        ctx.transactionOpen = false;
                        outOfStep(ctx, SmtpPhase.RSET, reply);
                    });
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
            return !outOfStep(ctx, SmtpPhase.QUIT, reply);
        });
    }

    /**
     * The parting replies decide nothing, but they still show whether replies and commands were in step: a 250
     * to QUIT (which must get 221) is most often the late answer to an earlier command, a desync that pipelining
     * can hide until here. The session then ends as a protocol error rather than as a clean walk.
     */
    private static boolean outOfStep(SessionContext ctx, SmtpPhase phase, dev.smtpprobe.model.SmtpReply reply) {
        boolean expected = phase == SmtpPhase.QUIT ? reply.code() == 221 : reply.code() == 250;
        if (expected || reply.code() >= 400) {
            return false;
        }
        if (ctx.wire.pipelinedCommands() > 0) {
            ctx.observe(SessionNote.Kind.PIPELINING_DESYNC, phase, "the reply " + reply.code() + " " + reply.text()
                    + " to " + phase.id() + " is the kind an earlier command gets: the server's replies are out of"
                    + " step with the pipelined commands");
        }
        ctx.fail(ProbeStatus.PROTOCOL_ERROR, phase, "the server answered " + phase.id() + " with " + reply.code()
                + " " + reply.text() + ", which is not its reply: replies and commands are out of step",
                java.util.Optional.of(reply));
        return true;
    }
}
