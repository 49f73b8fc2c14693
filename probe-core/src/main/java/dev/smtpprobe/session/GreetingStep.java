package dev.smtpprobe.session;

import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SmtpPhase;
import java.util.concurrent.CompletableFuture;

/** Waits for the server's 220 greeting; a refusal here (554, 421) is the server's answer to this client. */
final class GreetingStep implements PhaseStep {

    @Override
    public CompletableFuture<Next> run(SessionContext ctx) {
        return ctx.wire.expect(SmtpPhase.BANNER, ctx.options.timeouts().banner()).thenApply(reply -> {
            switch (ctx.judge(SmtpPhase.BANNER, reply)) {
                case SUCCESS:
                    return ctx.stopAfter(QuitAfter.BANNER) ? Next.QUIT : Next.CONTINUE;
                case TRANSIENT:
                case PERMANENT:
                    ctx.reject(SmtpPhase.BANNER, "the server refused the session in its greeting", reply);
                    return Next.QUIT;
                default:
                    return Next.ABANDON;
            }
        });
    }

}
