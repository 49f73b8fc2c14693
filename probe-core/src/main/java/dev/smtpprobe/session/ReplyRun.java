package dev.smtpprobe.session;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SmtpReply;
import java.util.List;
import java.util.Optional;

/**
 * The replies to one write that is answered by a run of replies rather than one (see
 * {@link Wire#sendAndCollect}): those before the answer to the sentinel command, the sentinel's answer when it came,
 * and why the run stopped otherwise.
 *
 * @param replies every reply before the sentinel's answer, in order
 * @param sentinelReply the answer to the sentinel, when the run ended with it
 * @param cut why the run ended without it (timeout, connection closed, too many replies)
 * @param cutMessage the words for that
 */
record ReplyRun(List<SmtpReply> replies, Optional<SmtpReply> sentinelReply, Optional<ProbeStatus> cut,
        String cutMessage) {
    ReplyRun {
        replies = List.copyOf(replies);
    }
}
