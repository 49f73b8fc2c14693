package dev.smtpprobe.session;

import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One command on the wire awaiting its reply (the greeting is an exchange with no command). Exchanges wait in
 * the {@link Wire}'s FIFO in the order they were written, which is the order RFC 5321 and RFC 2920 say the
 * replies come back in; each gets its own deadline once it is at the head of the queue.
 */
final class Exchange {
    final SmtpPhase phase;
    final Timeline.Phase record;
    final Duration timeout;
    final CompletableFuture<SmtpReply> reply = new CompletableFuture<>();
    /** Set for an exchange answered by a run of replies ({@link Wire#sendAndCollect}); null for one reply. */
    final ReplyCollector run;
    ScheduledFuture<?> timer;

    Exchange(SmtpPhase phase, Timeline.Phase record, Duration timeout) {
        this(phase, record, timeout, null);
    }

    Exchange(SmtpPhase phase, Timeline.Phase record, Duration timeout, ReplyCollector run) {
        this.phase = phase;
        this.record = record;
        this.timeout = timeout;
        this.run = run;
    }
}
