package dev.smtpprobe.cli;

import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.Printable;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SecretScrubber;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.TlsSessionInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code --verbose}: the conversation as it happens, on standard error, so a stalled server shows where it stalls.
 * Listener callbacks run on the event loop and must not do I/O, so they only enqueue lines; the waiting main
 * thread prints them. Every line is {@linkplain Printable#escape escaped} (server replies reach a terminal here
 * first) and has the probe's credential scrubbed from what the server sent.
 */
final class LiveProgress extends ProbeEventListener {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final long start = System.nanoTime();
    private final SecretScrubber secrets;

    LiveProgress(SecretScrubber secrets) {
        this.secrets = secrets;
    }

    private void add(String line) {
        lines.offer(String.format("%7.3fs  %s", (System.nanoTime() - start) / 1e9,
                Printable.escape(secrets.scrub(line))));
    }

    @Override
    public void dnsLookupStart(SmtpPhase phase, String name, String type) {
        add("dns   ? " + type + " " + name);
    }

    @Override
    public void dnsLookupEnd(SmtpPhase phase, String name, String type, int records, Duration elapsed) {
        add("dns   = " + type + " " + name + ": " + records + (records == 1 ? " record" : " records"));
    }

    @Override
    public void dnsLookupFailed(SmtpPhase phase, String name, String type, DnsFailure failure, Duration elapsed) {
        add("dns   ! " + type + " " + name + ": " + failure.kind());
    }

    @Override
    public void sessionStart(SessionRequest request) {
        add("----- " + request.hostName() + " " + request.address());
    }

    @Override
    public void phaseStart(SessionRequest request, SmtpPhase phase, Optional<String> command) {
        add(command.map(c -> "  -> " + c).orElse("  .. " + phase.id()));
    }

    @Override
    public void phaseEnd(SessionRequest request, SmtpPhase phase, Optional<SmtpReply> reply, Duration elapsed) {
        reply.ifPresent(r -> {
            for (String wire : r.wireLines()) {
                add("  <- " + secrets.scrubServerText(wire));
            }
        });
    }

    @Override
    public void phaseFailed(SessionRequest request, SmtpPhase phase, ProbeStatus kind, Duration elapsed) {
        add("  !! " + phase.id() + ": " + kind.name().toLowerCase(java.util.Locale.ROOT) + " after "
                + elapsed.toMillis() + " ms");
    }

    @Override
    public void tlsEstablished(SessionRequest request, TlsSessionInfo tls) {
        add("  == " + tls.protocol() + " " + tls.cipherSuite());
    }

    @Override
    public void sessionEnd(SessionRequest request, SessionResult result) {
        add("----- " + result.failure().map(f -> "stopped: " + f.status().id()).orElse("done") + " in "
                + result.elapsed().toMillis() + " ms");
    }

    /** Prints lines as they come until the probe is done; returns when it is. */
    void printUntilDone(Future<?> probe, PrintWriter err) throws InterruptedException {
        while (!probe.isDone()) {
            String line = lines.poll(50, TimeUnit.MILLISECONDS);
            if (line != null) {
                err.println(line);
                err.flush();
            }
        }
        List<String> rest = new java.util.ArrayList<>();
        lines.drainTo(rest);
        rest.forEach(err::println);
        err.flush();
    }
}
