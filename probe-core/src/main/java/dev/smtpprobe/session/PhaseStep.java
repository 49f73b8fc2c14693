package dev.smtpprobe.session;

import java.util.concurrent.CompletableFuture;

/**
 * One phase of the conversation (greeting, EHLO, STARTTLS, AUTH, envelope, message): a small class that sends
 * its commands through the {@link Wire}, reads the replies against what its phase allows, and says how the
 * conversation goes on. Runs on the event loop; an exchange that fails ({@link ExchangeFailure}) fails the stage,
 * and the session records it.
 */
interface PhaseStep {
    CompletableFuture<Next> run(SessionContext ctx);
}
