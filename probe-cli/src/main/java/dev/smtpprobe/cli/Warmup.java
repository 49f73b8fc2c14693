package dev.smtpprobe.cli;

import dev.smtpprobe.catalog.ReplyClassifier;

/**
 * Start-up work that a one-shot command would otherwise do after the SMTP conversation, started beside it on a
 * second thread: reading the reply catalog and compiling its patterns. The conversation waits on the network most
 * of the time, so on a cold JVM this costs no wall time. Class initialisation is the lock: whoever asks for the
 * classifier first does the work, the other waits for it.
 */
final class Warmup {
    private Warmup() {
    }

    static void startBesideTheProbe() {
        Thread t = new Thread(Warmup::load, "smtp-probe-warmup");
        t.setDaemon(true);
        t.start();
    }

    private static void load() {
        try {
            ReplyClassifier.standard();
        } catch (RuntimeException | LinkageError e) {
            // Not ours to report: the main thread's own use of the catalog fails the same way, with its message.
        }
    }
}
