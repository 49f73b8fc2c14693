package dev.smtpprobe.session;

import dev.smtpprobe.model.RecipientResult;
import dev.smtpprobe.model.SessionOptions.EnvelopeMode;
import dev.smtpprobe.model.SmtpReply;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The recipients a session asks for, and the bookkeeping of those it never got to ask about. */
final class Envelope {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Marks the local part the probe makes up for a catch-all check, so the report can tell it apart. */
    static final String CATCH_ALL_PREFIX = "smtp-probe-nonexistent-";

    private Envelope() {
    }

    /**
     * The request's recipients; for a catch-all check, a random local part at the first recipient's domain
     * after them (asked last, so the real recipients' replies are not coloured by it).
     */
    static List<String> recipients(SessionContext ctx) {
        List<String> out = new ArrayList<>(ctx.options.recipients());
        if (ctx.options.envelope() == EnvelopeMode.CATCH_ALL_CHECK && !out.isEmpty()) {
            String first = out.get(0);
            String domain = first.substring(first.lastIndexOf('@') + 1);
            byte[] bytes = new byte[6];
            RANDOM.nextBytes(bytes);
            out.add(CATCH_ALL_PREFIX + HexFormat.of().formatHex(bytes) + "@" + domain);
        }
        return out;
    }

    static boolean isProbe(SessionContext ctx, String address) {
        return ctx.options.envelope() == EnvelopeMode.CATCH_ALL_CHECK && address.startsWith(CATCH_ALL_PREFIX);
    }

    /** Every recipient from {@code from} on that has no result yet is recorded as not tried, with the reason. */
    static void notTried(SessionContext ctx, List<String> recipients, int from, String reason) {
        for (int i = from; i < recipients.size(); i++) {
            String address = recipients.get(i);
            boolean known = ctx.recipients.stream().anyMatch(r -> r.address().equals(address));
            if (!known) {
                ctx.recipients.add(new RecipientResult(address, isProbe(ctx, address), Optional.empty(),
                        Optional.of(reason)));
            }
        }
    }

    /** Every one of {@code recipients} is recorded without a reply, whatever was matched to it before, with the reason. */
    static void unmatched(SessionContext ctx, List<String> recipients, String reason) {
        for (int i = 0; i < ctx.recipients.size(); i++) {
            RecipientResult r = ctx.recipients.get(i);
            if (recipients.contains(r.address())) {
                ctx.recipients.set(i, new RecipientResult(r.address(), r.probe(), Optional.empty(), Optional.of(reason)));
            }
        }
        notTried(ctx, recipients, 0, reason);
    }

    static Optional<SmtpReply> replyOf(CompletableFuture<SmtpReply> f) {
        return f.isDone() && !f.isCompletedExceptionally() ? Optional.of(f.join()) : Optional.empty();
    }

    static Throwable errorOf(CompletableFuture<SmtpReply> f) {
        try {
            f.join();
            return new IllegalStateException("no error");
        } catch (CompletionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (RuntimeException e) {
            return e;
        }
    }

    static RuntimeException rethrow(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof RuntimeException r ? r : new CompletionException(cause);
    }
}
