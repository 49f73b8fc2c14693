package dev.smtpprobe.session;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionResult.Delivery;
import dev.smtpprobe.model.SmtpCommand;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.SmugglingResult;
import dev.smtpprobe.model.SmugglingResult.Verdict;
import dev.smtpprobe.model.SmugglingSequence;
import dev.smtpprobe.smtp.MessageIds;
import dev.smtpprobe.smtp.QueueIds;
import dev.smtpprobe.smtp.SmugglingPayload;
import io.netty.buffer.Unpooled;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The message step of an SMTP smuggling session ({@code SessionOptions.smuggling}): DATA, then the test message with
 * the non-standard sequence and a second transaction behind it ({@link SmugglingPayload}), written raw, then QUIT
 * once the first reply is in. Every reply before the 221 is the evidence: one means the server read the whole thing
 * as one message; more mean it ended the message at the sequence and answered the smuggled MAIL, RCPT and DATA.
 * Those extra replies are collected on purpose ({@link Wire#sendAndCollect}), so they never desynchronise the
 * conversation, and the session ends with the QUIT already answered.
 */
final class SmugglingStep implements PhaseStep {

    /** Replies taken before the step stops listening: the smuggled transaction gets five, a confused server more. */
    static final int MAX_REPLIES = 32;

    @Override
    public CompletableFuture<Next> run(SessionContext ctx) {
        SmugglingSequence sequence = ctx.options.smuggling().orElseThrow();
        Optional<CompletableFuture<SmtpReply>> pipelinedData = ctx.pipelinedData;
        ctx.pipelinedData = Optional.empty();
        boolean accepted = ctx.recipients.stream().anyMatch(r -> r.accepted() && !r.probe());
        if (!accepted) {
            ctx.smuggling = Optional.of(SmugglingResult.notRun(sequence, "the server refused the recipient, so the "
                    + "test message was not sent"));
            return pipelinedData.map(data -> data.thenCompose(reply -> reply.code() != 354 ? done(Next.QUIT)
                    : MessageStep.sendEmptyMessage(ctx).handle((r, e) -> Next.QUIT))).orElseGet(() -> done(Next.QUIT));
        }
        CompletableFuture<SmtpReply> data = pipelinedData.orElseGet(() -> ctx.wire.send(
                Outgoing.command(SmtpPhase.DATA, SmtpCommand.of("DATA"), ctx.options.timeouts().command())));
        return data.thenCompose(reply -> switch (ctx.judge(SmtpPhase.DATA, reply)) {
            case INTERMEDIATE -> content(ctx, sequence);
            case TRANSIENT, PERMANENT -> {
                ctx.reject(SmtpPhase.DATA, "the server refused DATA", reply);
                ctx.smuggling = Optional.of(SmugglingResult.notRun(sequence, "the server refused DATA ("
                        + reply.code() + " " + reply.text() + ")"));
                yield done(Next.QUIT);
            }
            default -> done(Next.ABANDON);
        });
    }

    private CompletableFuture<Next> content(SessionContext ctx, SmugglingSequence sequence) {
        MessageBytes message = ctx.message().orElseThrow();
        String recipient = ctx.options.recipients().get(0);
        SmugglingPayload payload = SmugglingPayload.of(message.text(), sequence, ctx.options.mailFrom(), recipient,
                ctx.options.ehloName(), ZonedDateTime.now());
        Outgoing body = new Outgoing(SmtpPhase.MESSAGE, Unpooled.wrappedBuffer(payload.bytes()),
                "<smuggling test: " + payload.octets() + " octets: the message, " + sequence.label()
                        + ", MAIL FROM:<" + ctx.options.mailFrom() + ">, RCPT TO:<" + recipient
                        + ">, DATA, a second message, <CR><LF>.<CR><LF>>", ctx.options.timeouts().dataEnd());
        Outgoing quit = Outgoing.command(SmtpPhase.QUIT, SmtpCommand.of("QUIT"), ctx.options.timeouts().command());
        ctx.note("smuggling test " + sequence.label() + ": the smuggled message is <" + payload.smuggledMessageId()
                + ">");
        return ctx.wire.sendAndCollect(body, quit, r -> r.code() == 221, MAX_REPLIES).thenApply(run -> {
            ctx.transactionOpen = false;
            ctx.quitSent = true;
            ctx.quitAnswered = run.sentinelReply().isPresent();
            SmugglingResult result = judge(sequence, run);
            ctx.smuggling = Optional.of(result);
            ctx.note("smuggling test " + sequence.label() + ": " + result.verdict().id() + ": " + result.detail());
            if (!run.replies().isEmpty() && run.replies().get(0).isPositive()) {
                SmtpReply first = run.replies().get(0);
                ctx.delivery = Optional.of(new Delivery("DATA", payload.octets(), 1, MessageIds.of(message.text()),
                        QueueIds.parse(first)));
            }
            if (run.sentinelReply().isPresent()) {
                return Next.QUIT;
            }
            ProbeStatus cut = run.cut().orElse(ProbeStatus.CONNECTION_CLOSED);
            if (cut == ProbeStatus.TIMEOUT || cut == ProbeStatus.PROTOCOL_ERROR) {
                ctx.fail(cut, SmtpPhase.MESSAGE, "smuggling test: " + run.cutMessage(), Optional.empty());
                return Next.ABANDON;
            }
            return Next.CLOSE;
        });
    }

    /** What the run of replies shows; see {@link Verdict}. */
    static SmugglingResult judge(SmugglingSequence sequence, ReplyRun run) {
        List<SmtpReply> replies = run.replies();
        // A closing 421 at the end is the server hanging up, not an answer to a smuggled command.
        int answers = replies.size();
        while (answers > 1 && replies.get(answers - 1).code() == 421) {
            answers--;
        }
        String label = sequence.label();
        if (answers > 1) {
            return new SmugglingResult(sequence, Verdict.ACCEPTED_AS_END_OF_DATA, replies, "the server answered "
                    + answers + " times where one message was sent (" + codes(replies) + "): it ended the message at "
                    + label + " and answered the smuggled MAIL, RCPT and DATA as commands");
        }
        if (answers == 0) {
            if (run.cut().filter(c -> c == ProbeStatus.CONNECTION_CLOSED).isPresent()) {
                return new SmugglingResult(sequence, Verdict.REFUSED, replies, "the server closed the connection "
                        + "without accepting the message that carried " + label);
            }
            return new SmugglingResult(sequence, Verdict.INCONCLUSIVE, replies, "no answer to the message that "
                    + "carried " + label + ": " + run.cutMessage());
        }
        SmtpReply only = replies.get(0);
        if (only.code() >= 400) {
            return new SmugglingResult(sequence, Verdict.REFUSED, replies, "the server refused the message that "
                    + "carried " + label + " (" + only.code() + " " + only.text() + ")");
        }
        if (run.sentinelReply().isEmpty()) {
            return new SmugglingResult(sequence, Verdict.INCONCLUSIVE, replies, "the server answered the message "
                    + "that carried " + label + " once (" + only.code() + ") but " + run.cutMessage()
                    + " before it answered QUIT, so further replies cannot be ruled out");
        }
        return new SmugglingResult(sequence, Verdict.TREATED_AS_DATA, replies, "one reply (" + only.code()
                + ") to the message that carried " + label + ": the server read it as data, as RFC 5321 says");
    }

    private static String codes(List<SmtpReply> replies) {
        return replies.stream().map(r -> String.valueOf(r.code())).collect(Collectors.joining(", "));
    }

    private static CompletableFuture<Next> done(Next next) {
        return CompletableFuture.completedFuture(next);
    }
}
