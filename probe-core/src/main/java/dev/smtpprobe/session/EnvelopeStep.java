package dev.smtpprobe.session;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.RecipientResult;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SessionOptions.EnvelopeMode;
import dev.smtpprobe.model.SmtpCommand;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * MAIL and every RCPT, with the parameters the offered extensions call for ({@link MailParameters}). With
 * PIPELINING (RFC 2920) the whole envelope, and DATA when a message follows, goes out in one write; without it,
 * one command at a time. A 550 to one recipient does not stop the next; a recipient the session never reached is
 * reported as not tried, with the reason.
 */
final class EnvelopeStep implements PhaseStep {

    @Override
    public CompletableFuture<Next> run(SessionContext ctx) {
        List<String> recipients = Envelope.recipients(ctx);
        if (recipients.isEmpty() && !ctx.stopAfter(QuitAfter.MAIL)) {
            return done(Next.QUIT);
        }
        Optional<MailParameters> params = MailParameters.negotiate(ctx);
        if (params.isEmpty()) {
            Envelope.notTried(ctx, recipients, 0, "the probe stopped before MAIL: " + ctx.failure.get().message());
            return done(Next.QUIT);
        }
        SmtpCommand mail = SmtpCommand.of("MAIL", "FROM:<" + ctx.options.mailFrom() + ">" + params.get().mail());
        Duration timeout = ctx.options.timeouts().command();
        List<Outgoing> batch = new ArrayList<>();
        batch.add(Outgoing.command(SmtpPhase.MAIL, mail, timeout));
        if (ctx.stopAfter(QuitAfter.MAIL) || !pipelining(ctx)) {
            return ctx.wire.send(batch.get(0)).thenCompose(reply -> afterMail(ctx, reply, recipients, params.get()));
        }
        for (String rcpt : recipients) {
            batch.add(Outgoing.command(SmtpPhase.RCPT, rcpt(rcpt, params.get()), timeout));
        }
        boolean withData = MessageStep.willSendWithData(ctx);
        if (withData) {
            batch.add(Outgoing.command(SmtpPhase.DATA, SmtpCommand.of("DATA"), timeout));
        }
        List<CompletableFuture<SmtpReply>> replies = ctx.wire.pipeline(batch);
        if (withData) {
            ctx.pipelinedData = Optional.of(replies.get(replies.size() - 1));
        }
        return replies.get(0).thenCompose(mailReply -> {
            if (ctx.wire.hasUnsolicited()) {
                return desync(ctx, recipients, mailReply);
            }
            Optional<Next> stop = judgeMail(ctx, mailReply, recipients);
            return stop.isPresent() ? endPipelined(ctx, stop.get())
                    : pipelinedRecipient(ctx, replies, recipients, 0);
        }).whenComplete((next, error) -> {
            if (error != null) {
                Envelope.notTried(ctx, recipients, 0, "the session ended before its RCPT was answered");
            }
        });
    }

    static boolean pipelining(SessionContext ctx) {
        return ctx.options.extensions().pipelining() && ctx.capabilities.pipelining();
    }

    private CompletableFuture<Next> afterMail(SessionContext ctx, SmtpReply reply, List<String> recipients,
            MailParameters params) {
        Optional<Next> stop = judgeMail(ctx, reply, recipients);
        if (stop.isPresent()) {
            return done(stop.get());
        }
        return nextRecipient(ctx, recipients, 0, params);
    }

    private CompletableFuture<Next> nextRecipient(SessionContext ctx, List<String> recipients, int index,
            MailParameters params) {
        if (index >= recipients.size()) {
            return done(afterRecipients(ctx));
        }
        String rcpt = recipients.get(index);
        return ctx.wire.send(Outgoing.command(SmtpPhase.RCPT, rcpt(rcpt, params), ctx.options.timeouts().command()))
                .handle((reply, error) -> {
                    if (error != null) {
                        Envelope.notTried(ctx, recipients, index, "the session ended before its RCPT was answered");
                        throw Envelope.rethrow(error);
                    }
                    Optional<Next> stop = judgeRecipient(ctx, rcpt, reply, recipients, index);
                    return stop.map(CompletableFuture::completedFuture)
                            .orElseGet(() -> nextRecipient(ctx, recipients, index + 1, params));
                }).thenCompose(f -> f);
    }

    /** The pipelined replies are read in the order the commands went out, each as it arrives. */
    private CompletableFuture<Next> pipelinedRecipient(SessionContext ctx, List<CompletableFuture<SmtpReply>> replies,
            List<String> recipients, int index) {
        if (index >= recipients.size()) {
            return done(afterRecipients(ctx));
        }
        return replies.get(index + 1).thenCompose(reply -> {
            if (ctx.wire.hasUnsolicited()) {
                return desync(ctx, recipients, reply);
            }
            Optional<Next> stop = judgeRecipient(ctx, recipients.get(index), reply, recipients, index);
            if (stop.isEmpty()) {
                return pipelinedRecipient(ctx, replies, recipients, index + 1);
            }
            if (ctx.failure.map(f -> f.status() == ProbeStatus.PROTOCOL_ERROR).orElse(false)) {
                return desync(ctx, recipients, reply);
            }
            return endPipelined(ctx, stop.get());
        });
    }

    /**
     * The server's replies are out of step with the batch: one does not fit its command (a 354 to RCPT), or a read
     * brought more replies than commands were waiting. A reply lost or doubled anywhere in the batch shifts every
     * reply after it, so no recipient keeps a reply: each might be another command's.
     */
    private static CompletableFuture<Next> desync(SessionContext ctx, List<String> recipients, SmtpReply reply) {
        String why = ctx.wire.hasUnsolicited() ? "the server sent more replies than the pipelined commands asked for"
                : "a pipelined reply does not fit the command it answers";
        ctx.observe(SessionNote.Kind.PIPELINING_DESYNC, SmtpPhase.RCPT, why + ": the server's replies are out of "
                + "step with the commands sent, so none of them is matched to a recipient");
        ctx.fail(ProbeStatus.PROTOCOL_ERROR, SmtpPhase.RCPT, why + "; the conversation cannot go on safely",
                Optional.of(reply));
        Envelope.unmatched(ctx, recipients, "the server's replies to the pipelined commands were out of step, so "
                + "which reply was this recipient's cannot be told");
        return done(Next.ABANDON);
    }

    /**
     * Stopping while a pipelined DATA is still in flight: should the server answer it with 354 even though the
     * transaction failed, an empty message (a lone dot) closes the data phase before QUIT (RFC 2920 section 3.1);
     * anything else we wrote would be taken as message text.
     */
    private static CompletableFuture<Next> endPipelined(SessionContext ctx, Next next) {
        Optional<CompletableFuture<SmtpReply>> data = ctx.pipelinedData;
        if (data.isEmpty() || next != Next.QUIT) {
            return done(next);
        }
        ctx.pipelinedData = Optional.empty();
        return data.get().thenCompose(reply -> reply.code() != 354 ? done(next)
                : MessageStep.sendEmptyMessage(ctx).handle((r, e) -> next));
    }

    private Optional<Next> judgeMail(SessionContext ctx, SmtpReply reply, List<String> recipients) {
        switch (ctx.judge(SmtpPhase.MAIL, reply)) {
            case SUCCESS:
                ctx.transactionOpen = true;
                return ctx.stopAfter(QuitAfter.MAIL) ? Optional.of(Next.QUIT) : Optional.empty();
            case TRANSIENT:
            case PERMANENT:
                ctx.reject(SmtpPhase.MAIL, "the server refused the sender", reply);
                Envelope.notTried(ctx, recipients, 0, "the server refused the sender");
                return Optional.of(Next.QUIT);
            default:
                Envelope.notTried(ctx, recipients, 0, "the server's reply to MAIL was not valid");
                return Optional.of(Next.ABANDON);
        }
    }

    private Optional<Next> judgeRecipient(SessionContext ctx, String rcpt, SmtpReply reply, List<String> recipients,
            int index) {
        Expected.Verdict verdict = ctx.judge(SmtpPhase.RCPT, reply);
        if (verdict == Expected.Verdict.WRONG_CLASS) {
            Envelope.notTried(ctx, recipients, index, "the server's reply to RCPT was not valid");
            return Optional.of(Next.ABANDON);
        }
        ctx.recipients.add(new RecipientResult(rcpt, Envelope.isProbe(ctx, rcpt), Optional.of(reply),
                Optional.empty()));
        if (reply.code() == 421) {
            ctx.fail(ProbeStatus.REJECTED, SmtpPhase.RCPT, "the server is closing the connection: " + reply.code()
                    + " " + reply.text(), Optional.of(reply));
            Envelope.notTried(ctx, recipients, index + 1, "the server closed the connection (" + reply.code()
                    + ") before this recipient was asked");
            return Optional.of(Next.CLOSE);
        }
        return Optional.empty();
    }

    private static Next afterRecipients(SessionContext ctx) {
        if (ctx.stopAfter(QuitAfter.RCPT) || ctx.options.envelope() == EnvelopeMode.RELAY_TEST) {
            return Next.QUIT;
        }
        return Next.CONTINUE;
    }

    private static SmtpCommand rcpt(String address, MailParameters params) {
        return SmtpCommand.of("RCPT", "TO:<" + address + ">" + params.rcpt());
    }

    private static CompletableFuture<Next> done(Next next) {
        return CompletableFuture.completedFuture(next);
    }
}
