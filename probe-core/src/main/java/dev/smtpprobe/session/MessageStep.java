package dev.smtpprobe.session;

import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SessionOptions.Protocol;
import dev.smtpprobe.model.SessionResult.Delivery;
import dev.smtpprobe.model.SmtpCommand;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.RecipientResult;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.smtp.MessageIds;
import dev.smtpprobe.smtp.QueueIds;
import dev.smtpprobe.smtp.SmtpMessageContent;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The message, only when the user asked for one: DATA and the dot-stuffed content, or BDAT chunks (RFC 3030)
 * when the server offers CHUNKING, each chunk with its own reply. Under LMTP (RFC 2033) the end of the message
 * gets one reply per accepted recipient.
 */
final class MessageStep implements PhaseStep {

    /** BDAT chunk size: large enough that a test message is one chunk, small enough to bound each write. */
    static final int CHUNK_OCTETS = 64 * 1024;

    private final int chunkOctets;

    MessageStep() {
        this(CHUNK_OCTETS);
    }

    MessageStep(int chunkOctets) {
        this.chunkOctets = chunkOctets;
    }

    /** Whether a message goes out with DATA (so a pipelining envelope may carry the DATA command too). */
    static boolean willSendWithData(SessionContext ctx) {
        // The smuggling test always uses DATA: BDAT counts octets and has no end-of-data sequence to test.
        return ctx.message().isPresent() && !ctx.stopAfter(QuitAfter.RCPT)
                && (ctx.options.smuggling().isPresent() || !chunking(ctx));
    }

    private static boolean chunking(SessionContext ctx) {
        return ctx.options.extensions().chunking() && ctx.capabilities.chunking();
    }

    @Override
    public CompletableFuture<Next> run(SessionContext ctx) {
        Optional<CompletableFuture<SmtpReply>> pipelinedData = ctx.pipelinedData;
        ctx.pipelinedData = Optional.empty();
        if (ctx.message().isEmpty() || ctx.stopAfter(QuitAfter.RCPT)) {
            return done(Next.QUIT);
        }
        int accepted = (int) ctx.recipients.stream().filter(r -> r.accepted() && !r.probe()).count();
        if (accepted == 0) {
            ctx.note("no recipient was accepted, so no message is sent");
            // A pipelined DATA should be refused for that very reason (503/554); a server that says 354 anyway
            // gets an empty message, so that QUIT is not read as message text.
            return pipelinedData.map(data -> data.thenCompose(reply -> reply.code() != 354 ? done(Next.QUIT)
                    : sendEmptyMessage(ctx).handle((r, e) -> Next.QUIT))).orElseGet(() -> done(Next.QUIT));
        }
        MessageBytes message = ctx.message().get();
        // RFC 2033 section 4.2: one reply per recipient the server accepted, the catch-all probe's included, since
        // the server delivers to it too. Counting only the real ones would leave the probe's reply unread.
        int replies = (int) ctx.recipients.stream().filter(r -> r.accepted()).count();
        if (chunking(ctx)) {
            return bdat(ctx, message, 0, replies);
        }
        CompletableFuture<SmtpReply> data = pipelinedData.orElseGet(() -> ctx.wire.send(
                Outgoing.command(SmtpPhase.DATA, SmtpCommand.of("DATA"), ctx.options.timeouts().command())));
        return data.thenCompose(reply -> switch (ctx.judge(SmtpPhase.DATA, reply)) {
            case INTERMEDIATE -> content(ctx, message, replies);
            case TRANSIENT, PERMANENT -> {
                ctx.reject(SmtpPhase.DATA, "the server refused DATA", reply);
                yield done(Next.QUIT);
            }
            default -> done(Next.ABANDON);
        });
    }

    /** A lone dot: ends a data phase the server opened although nothing should be sent. */
    static CompletableFuture<SmtpReply> sendEmptyMessage(SessionContext ctx) {
        return ctx.wire.send(new Outgoing(SmtpPhase.MESSAGE, new SmtpMessageContent(""), "<empty message: .>",
                ctx.options.timeouts().dataEnd()));
    }

    private CompletableFuture<Next> content(SessionContext ctx, MessageBytes message, int accepted) {
        Outgoing body = new Outgoing(SmtpPhase.MESSAGE, new SmtpMessageContent(message.text()),
                "<message: " + message.octets() + " octets, dot-stuffed>", ctx.options.timeouts().dataEnd());
        return endOfMessage(ctx, message, "DATA", 1, ctx.wire.send(body), accepted);
    }

    private CompletableFuture<Next> bdat(SessionContext ctx, MessageBytes message, int offset, int accepted) {
        byte[] all = message.bytes();
        int length = Math.min(chunkOctets, all.length - offset);
        boolean last = offset + length >= all.length;
        String line = "BDAT " + length + (last ? " LAST" : "");
        // The chunk line and its octets in one buffer: BDAT data is counted, never dot-stuffed (RFC 3030).
        byte[] framed = new byte[line.length() + 2 + length];
        byte[] head = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, framed, 0, head.length);
        System.arraycopy(all, offset, framed, head.length, length);
        Outgoing chunk = new Outgoing(SmtpPhase.MESSAGE, Unpooled.wrappedBuffer(framed), line
                + " <" + length + " octets>", last ? ctx.options.timeouts().dataEnd() : ctx.options.timeouts().command());
        int chunks = offset / chunkOctets + 1;
        CompletableFuture<SmtpReply> reply = ctx.wire.send(chunk);
        if (last) {
            return endOfMessage(ctx, message, "BDAT", chunks, reply, accepted);
        }
        return reply.thenCompose(r -> switch (ctx.judge(SmtpPhase.MESSAGE, r)) {
            case SUCCESS -> bdat(ctx, message, offset + length, accepted);
            case TRANSIENT, PERMANENT -> {
                // RFC 3030 section 2: after a failed chunk the transaction is over; RSET clears what is left.
                ctx.reject(SmtpPhase.MESSAGE, "the server refused a BDAT chunk", r);
                yield done(Next.QUIT);
            }
            default -> done(Next.ABANDON);
        });
    }

    /** The end of the message: one reply, or under LMTP one per accepted recipient, in recipient order. */
    private CompletableFuture<Next> endOfMessage(SessionContext ctx, MessageBytes message, String method, int chunks,
            CompletableFuture<SmtpReply> first, int accepted) {
        List<CompletableFuture<SmtpReply>> replies = new ArrayList<>();
        replies.add(first);
        if (ctx.options.protocol() == Protocol.LMTP) {
            for (int i = 1; i < accepted; i++) {
                replies.add(ctx.wire.expect(SmtpPhase.MESSAGE, ctx.options.timeouts().dataEnd()));
            }
        }
        Optional<String> messageId = MessageIds.of(message.text());
        // RFC 2033 section 4.2: the replies come in the order of the accepted RCPTs, so each names its recipient.
        List<String> answering = ctx.options.protocol() == Protocol.LMTP
                ? ctx.recipients.stream().filter(r -> r.accepted()).map(r -> r.address()).toList() : List.of();
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).handle((ok, error) -> {
            ctx.transactionOpen = false;
            Optional<SmtpReply> refusal = Optional.empty();
            List<String> refusedFor = new ArrayList<>();
            Optional<String> queueId = Optional.empty();
            for (int i = 0; i < replies.size(); i++) {
                CompletableFuture<SmtpReply> f = replies.get(i);
                Optional<SmtpReply> reply = Envelope.replyOf(f);
                if (reply.isPresent() && i < answering.size()) {
                    recordMessageReply(ctx, answering.get(i), reply.get());
                }
                if (reply.isEmpty()) {
                    ctx.delivery = Optional.of(new Delivery(method, message.octets(), chunks, messageId, queueId));
                    throw Envelope.rethrow(Envelope.errorOf(f));
                }
                switch (ctx.judge(SmtpPhase.MESSAGE, reply.get())) {
                    case SUCCESS -> queueId = queueId.or(() -> QueueIds.parse(reply.get()));
                    case TRANSIENT, PERMANENT -> {
                        refusal = refusal.or(() -> reply);
                        if (i < answering.size()) {
                            refusedFor.add(answering.get(i));
                            ctx.note("LMTP: the message for " + answering.get(i) + " was refused: "
                                    + reply.get().code() + " " + reply.get().text());
                        }
                    }
                    default -> {
                        return Next.ABANDON;
                    }
                }
            }
            ctx.delivery = Optional.of(new Delivery(method, message.octets(), chunks, messageId, queueId));
            if (refusal.isPresent()) {
                ctx.reject(SmtpPhase.MESSAGE, refusedFor.isEmpty() ? "the server refused the message"
                        : "the server refused the message for " + String.join(", ", refusedFor), refusal.get());
            }
            return Next.QUIT;
        });
    }

    /** Under LMTP: the reply after the message goes on the accepted recipient it answers. */
    private static void recordMessageReply(SessionContext ctx, String address, SmtpReply reply) {
        for (int i = 0; i < ctx.recipients.size(); i++) {
            RecipientResult r = ctx.recipients.get(i);
            if (r.accepted() && r.messageReply().isEmpty() && r.address().equals(address)) {
                ctx.recipients.set(i, r.withMessageReply(reply));
                return;
            }
        }
    }

    private static CompletableFuture<Next> done(Next next) {
        return CompletableFuture.completedFuture(next);
    }
}
