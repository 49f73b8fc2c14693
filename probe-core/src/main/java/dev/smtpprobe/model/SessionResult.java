package dev.smtpprobe.model;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything observed in one conversation with one address; always produced, even when the session failed early.
 *
 * @param hostName the name dialled
 * @param address the address connected to
 * @param steps each exchange in order, the banner first
 * @param capabilitiesBeforeTls what EHLO announced in plain text (NONE when EHLO was not reached)
 * @param capabilities what the last EHLO announced (after TLS when TLS was established)
 * @param heloFallback EHLO was refused with 500/502 and HELO was used
 * @param tls the TLS session, when one was established
 * @param authenticated AUTH succeeded with 235
 * @param queueId the id the server gave the message after DATA, when it was sent and accepted
 * @param messageId the Message-ID header of the message sent through DATA (to find it in the receiver's logs)
 * @param failure why the session stopped early; empty when it walked everything asked
 * @param politeEnd RSET/QUIT were sent and QUIT was answered (false when the connection was already gone)
 * @param transcript every line sent and received, secrets redacted
 * @param startNanos {@link System#nanoTime()} at connect start
 * @param elapsed connect start to close
 */
public record SessionResult(
        String hostName,
        InetSocketAddress address,
        TlsMode tlsMode,
        List<Step> steps,
        EhloCapabilities capabilitiesBeforeTls,
        EhloCapabilities capabilities,
        boolean heloFallback,
        Optional<TlsSessionInfo> tls,
        boolean authenticated,
        Optional<String> queueId,
        Optional<String> messageId,
        Optional<SessionFailure> failure,
        boolean politeEnd,
        List<TranscriptLine> transcript,
        long startNanos,
        Duration elapsed) {

    public SessionResult {
        steps = List.copyOf(steps);
        transcript = List.copyOf(transcript);
    }

    public boolean succeeded() {
        return failure.isEmpty();
    }
}
