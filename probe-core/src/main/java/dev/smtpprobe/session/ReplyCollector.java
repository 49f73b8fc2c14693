package dev.smtpprobe.session;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SmtpReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The replies of a {@link Wire#sendAndCollect} exchange as they come: every reply up to the sentinel's answer, at
 * most {@code maxReplies}. For the one step whose evidence is how many replies the server sends (the SMTP
 * smuggling test), so replies no command seems to ask for are collected here on purpose. Only the event loop
 * touches it.
 */
final class ReplyCollector {
    private final Wire wire;
    private final Outgoing sentinel;
    private final Predicate<SmtpReply> answersSentinel;
    private final int maxReplies;
    private final List<SmtpReply> replies = new ArrayList<>();
    private final CompletableFuture<ReplyRun> result = new CompletableFuture<>();
    private Timeline.Phase sentinelRecord;

    ReplyCollector(Wire wire, Outgoing sentinel, Predicate<SmtpReply> answersSentinel, int maxReplies) {
        this.wire = wire;
        this.sentinel = sentinel;
        this.answersSentinel = answersSentinel;
        this.maxReplies = maxReplies;
    }

    /** Completes normally, always, with the run as far as it went. */
    CompletableFuture<ReplyRun> result() {
        return result;
    }

    /** Takes one reply; true when the run is over. */
    boolean take(Exchange owner, SmtpReply reply) {
        if (sentinelRecord != null && answersSentinel.test(reply)) {
            sentinelRecord.end(Optional.of(reply));
            ReplyRun done = new ReplyRun(replies, Optional.of(reply), Optional.empty(), "");
            wire.afterThisRead(() -> result.complete(done));
            return true;
        }
        replies.add(reply);
        if (replies.size() == 1) {
            owner.record.end(Optional.of(reply));
            // Written once this read's replies are delivered, as any next command is: what the server sent
            // before it saw the sentinel can never count as the sentinel's answer.
            wire.afterThisRead(this::writeSentinel);
        }
        if (replies.size() >= maxReplies) {
            ReplyRun cut = end(ProbeStatus.PROTOCOL_ERROR, "the server sent " + maxReplies
                    + " replies and was still going");
            wire.afterThisRead(() -> result.complete(cut));
            return true;
        }
        return false;
    }

    /** The run ends without the sentinel's answer (timeout, connection lost, the session ending). */
    void fail(ProbeStatus status, String message) {
        result.complete(end(status, message));
    }

    private void writeSentinel() {
        if (!result.isDone()) {
            wire.writeForCollector(sentinel).ifPresent(record -> sentinelRecord = record);
        }
    }

    private ReplyRun end(ProbeStatus status, String message) {
        if (sentinelRecord != null) {
            sentinelRecord.fail(status);
        }
        return new ReplyRun(replies, Optional.empty(), Optional.of(status), message);
    }
}
