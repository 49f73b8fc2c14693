package dev.smtpprobe.session;

import dev.smtpprobe.auth.SaslChoice;
import dev.smtpprobe.auth.SaslClient;
import dev.smtpprobe.auth.SaslContext;
import dev.smtpprobe.auth.SaslException;
import dev.smtpprobe.auth.SaslMechanisms;
import dev.smtpprobe.model.Credential;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SessionResult.AuthResult;
import dev.smtpprobe.model.SmtpCommand;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * AUTH (RFC 4954) through a per-session SASL client: the strongest mechanism both sides offer, or the one the
 * user forced. Every line of the exchange is sent as a secret command, so only {@code <redacted>} reaches a
 * transcript. A mechanism that fails mid-exchange cancels with {@code *}; a server that then keeps challenging
 * is a protocol error, not another round of a ping-pong only the deadline would end.
 */
final class AuthStep implements PhaseStep {

    /** More challenges than any mechanism we speak needs: past this the server is looping. */
    private static final int MAX_CHALLENGES = 8;

    @Override
    public CompletableFuture<Next> run(SessionContext ctx) {
        if (ctx.options.credential().isEmpty()) {
            return done(ctx.stopAfter(QuitAfter.AUTH) ? Next.QUIT : Next.CONTINUE);
        }
        Credential credential = ctx.options.credential().get();
        if (ctx.tls.isEmpty() && !ctx.options.allowPlaintextAuth()) {
            // Not even SCRAM or CRAM-MD5: their proofs can be attacked offline by anyone who sees them, and the
            // user name and the mail itself would travel in clear. Only the user can waive this.
            ctx.fail(ProbeStatus.AUTH_REFUSED_PLAINTEXT, SmtpPhase.AUTH,
                    "credentials are not used over an unencrypted connection unless forced (--auth-plaintext)",
                    Optional.empty());
            return done(Next.QUIT);
        }
        SaslChoice choice = SaslMechanisms.choose(ctx.capabilities.authMechanisms(), credential,
                ctx.options.authMechanism(), true);
        if (choice instanceof SaslChoice.NotChosen no) {
            ProbeStatus status = no.reason() == SaslChoice.Reason.ONLY_SECRET_IN_CLEAR
                    ? ProbeStatus.AUTH_REFUSED_PLAINTEXT : ProbeStatus.AUTH_UNAVAILABLE;
            String why = status == ProbeStatus.AUTH_REFUSED_PLAINTEXT
                    ? "credentials are not sent over an unencrypted connection unless forced (" + no.explanation() + ")"
                    : no.explanation();
            ctx.fail(status, SmtpPhase.AUTH, why, Optional.empty());
            return done(Next.QUIT);
        }
        SaslContext sasl = SaslContext.builder().host(ctx.request.tlsName())
                .port(ctx.request.address().getPort()).build();
        SaslClient client = choice.factory().orElseThrow().create(credential, sasl);
        SmtpCommand first = client.initialResponse()
                .map(r -> SmtpCommand.authWithSecret(client.mechanism(), r.length == 0 ? "=" : base64(r)))
                .orElse(SmtpCommand.of("AUTH", client.mechanism()));
        ctx.note("AUTH with " + client.mechanism());
        return new Exchange(ctx, client).send(first);
    }

    /** One AUTH exchange: its client, how many challenges came, whether we cancelled. */
    private static final class Exchange {
        private final SessionContext ctx;
        private final SaslClient client;
        private int challenges;
        private boolean cancelled;

        Exchange(SessionContext ctx, SaslClient client) {
            this.ctx = ctx;
            this.client = client;
        }

        CompletableFuture<Next> send(SmtpCommand command) {
            return ctx.wire.send(Outgoing.command(SmtpPhase.AUTH, command, ctx.options.timeouts().command()))
                    .thenCompose(this::onReply);
        }

        private CompletableFuture<Next> onReply(SmtpReply reply) {
            switch (ctx.judge(SmtpPhase.AUTH, reply)) {
                case SUCCESS:
                    return onSuccess();
                case INTERMEDIATE:
                    return onChallenge(reply);
                case TRANSIENT:
                case PERMANENT:
                    ctx.auth = Optional.of(new AuthResult(client.mechanism(), false, false));
                    ctx.reject(SmtpPhase.AUTH, "authentication with " + client.mechanism() + " failed"
                            + client.serverFailure().map(e -> " (" + e.getMessage() + ")").orElse(""), reply);
                    return done(Next.QUIT);
                default:
                    return done(Next.ABANDON);
            }
        }

        private CompletableFuture<Next> onChallenge(SmtpReply reply) {
            if (cancelled || ++challenges > MAX_CHALLENGES) {
                ctx.fail(ProbeStatus.PROTOCOL_ERROR, SmtpPhase.AUTH, cancelled
                        ? "the server sent another challenge after the AUTH exchange was cancelled"
                        : "the server sent more than " + MAX_CHALLENGES + " AUTH challenges", Optional.of(reply));
                return done(Next.QUIT);
            }
            Optional<byte[]> challenge = decode(reply);
            if (challenge.isEmpty()) {
                return cancel("the challenge is not base64");
            }
            try {
                byte[] response = client.evaluate(challenge.get());
                noteIterations();
                return send(SmtpCommand.secretLine(base64(response)));
            } catch (SaslException e) {
                if (e.possibleImpostor()) {
                    // The cancel's 501 must not read as our password being wrong: the server failed to prove itself.
                    ctx.auth = Optional.of(new AuthResult(client.mechanism(), false, false));
                    ctx.fail(ProbeStatus.AUTH_SERVER_UNVERIFIED, SmtpPhase.AUTH, "the server could not prove it "
                            + "knows the password (" + e.getMessage() + "): it may not be the server it claims",
                            Optional.of(reply));
                }
                return cancel(e.getMessage());
            }
        }

        /** RFC 4954 section 4: "*" cancels an exchange we cannot continue; the server then answers 501. */
        private CompletableFuture<Next> cancel(String why) {
            ctx.note("cancelling AUTH: " + why);
            cancelled = true;
            return send(SmtpCommand.secretLine("*"));
        }

        private CompletableFuture<Next> onSuccess() {
            try {
                client.verifySuccess(Optional.empty());
                ctx.auth = Optional.of(new AuthResult(client.mechanism(), true, client.mechanism().startsWith("SCRAM-")));
                return done(ctx.stopAfter(QuitAfter.AUTH) ? Next.QUIT : Next.CONTINUE);
            } catch (SaslException e) {
                ctx.auth = Optional.of(new AuthResult(client.mechanism(), false, false));
                ctx.fail(e.possibleImpostor() ? ProbeStatus.AUTH_SERVER_UNVERIFIED : ProbeStatus.PROTOCOL_ERROR,
                        SmtpPhase.AUTH, "the server accepted AUTH " + client.mechanism() + " but " + e.getMessage(),
                        Optional.empty());
                return done(Next.QUIT);
            }
        }

        private void noteIterations() {
            if (client.lowIterationCount()) {
                ctx.observe(SessionNote.Kind.SCRAM_LOW_ITERATIONS, SmtpPhase.AUTH, "the server stretches the "
                        + "password with only " + client.iterationCount().orElse(0) + " iterations (RFC 7677 "
                        + "recommends at least 4096)");
            }
        }

        private static Optional<byte[]> decode(SmtpReply reply) {
            String text = String.join("", reply.lines()).strip();
            try {
                return Optional.of(Base64.getDecoder().decode(text));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static CompletableFuture<Next> done(Next next) {
        return CompletableFuture.completedFuture(next);
    }
}
