package dev.smtpprobe.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;

/**
 * Sits in front of the {@code SslHandler} until the server's first bytes of the TLS upgrade are in, and tells
 * plaintext that looks like an SMTP reply (three digits, then a space, hyphen or line end) from a TLS record.
 *
 * <p>Why: bytes the server sends after its 220 to STARTTLS but in a later TCP segment never reach the reply
 * decoder (whose buffer is checked for same-read injection); the {@code SslHandler} sees them first and fails
 * with "not an SSL/TLS record", which would read as a broken TLS stack instead of what it is: a plaintext reply
 * injected (or a middlebox answering) where the handshake should be. Anything else, a TLS record or garbage
 * that is not SMTP-shaped, is passed on untouched and the guard removes itself.
 *
 * <p>At most {@link #PREVIEW_BYTES} bytes are ever held; once plaintext is recognised every later read is dropped.
 */
public final class PlaintextBeforeTlsGuard extends ChannelInboundHandlerAdapter {
    /** Bytes kept for the evidence shown in the transcript. */
    public static final int PREVIEW_BYTES = 256;

    private final Consumer<String> onPlaintextReply;
    private ByteBuf held;
    private boolean tripped;

    /** {@code onPlaintextReply} receives an escaped preview of the plaintext; it runs on the event loop. */
    public PlaintextBeforeTlsGuard(Consumer<String> onPlaintextReply) {
        this.onPlaintextReply = onPlaintextReply;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tripped) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        if (held == null) {
            held = in;
        } else {
            ByteBuf merged = ctx.alloc().buffer(held.readableBytes() + in.readableBytes());
            merged.writeBytes(held).writeBytes(in);
            held.release();
            in.release();
            held = merged;
        }
        switch (classify(held)) {
            case SMTP_REPLY: {
                tripped = true;
                String preview = preview(held, PREVIEW_BYTES);
                held.release();
                held = null;
                onPlaintextReply.accept(preview);
                break;
            }
            case OTHER: {
                ByteBuf pass = held;
                held = null;
                ctx.fireChannelRead(pass);
                if (ctx.pipeline().context(this) != null) {
                    ctx.pipeline().remove(this);
                }
                break;
            }
            default:
                // Too few bytes to tell yet; hold them (at most three) for the next read.
                break;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }

    enum Shape { SMTP_REPLY, OTHER, UNDECIDED }

    /** Three ASCII digits then space, hyphen, CR or LF: the start of an SMTP reply line. */
    static Shape classify(ByteBuf buf) {
        int start = buf.readerIndex();
        int n = buf.readableBytes();
        for (int i = 0; i < 4; i++) {
            if (i >= n) {
                return Shape.UNDECIDED;
            }
            byte b = buf.getByte(start + i);
            boolean fits = i < 3 ? b >= '0' && b <= '9' : b == ' ' || b == '-' || b == '\r' || b == '\n';
            if (!fits) {
                return Shape.OTHER;
            }
        }
        return Shape.SMTP_REPLY;
    }

    /** Up to {@code max} bytes, printable ASCII as is, CR and LF as {@code \r \n}, the rest as {@code \xNN}. */
    public static String preview(ByteBuf buf, int max) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(max, buf.readableBytes());
        for (int i = 0; i < n; i++) {
            int b = buf.getByte(buf.readerIndex() + i) & 0xff;
            if (b == '\r') {
                sb.append("\\r");
            } else if (b == '\n') {
                sb.append("\\n");
            } else if (b >= 0x20 && b < 0x7f && b != '\\') {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        return buf.readableBytes() > max ? sb + "..." : sb.toString();
    }
}
