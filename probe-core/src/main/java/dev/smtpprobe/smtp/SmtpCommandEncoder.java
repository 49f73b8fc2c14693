package dev.smtpprobe.smtp;

import dev.smtpprobe.model.SmtpCommand;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@link SmtpCommand} lines and {@link SmtpMessageContent} bodies.
 * Our own rather than Netty's SmtpRequestEncoder: we need DATA dot-stuffing, UTF-8 arguments (SMTPUTF8) and the
 * exact line we log to be the exact line we write, with nothing reformatted in between.
 */
@ChannelHandler.Sharable
public final class SmtpCommandEncoder extends MessageToByteEncoder<Object> {

    private static final byte[] CRLF = {'\r', '\n'};

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof SmtpCommand || msg instanceof SmtpMessageContent;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
        if (msg instanceof SmtpCommand) {
            out.writeCharSequence(((SmtpCommand) msg).line(), StandardCharsets.UTF_8);
            out.writeBytes(CRLF);
        } else {
            out.writeBytes(dotStuff(((SmtpMessageContent) msg).text()));
        }
    }

    /** The DATA payload on the wire: CRLF line ends, leading dots doubled, ending with CRLF.CRLF. */
    public static byte[] dotStuff(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        int start = 0;
        int n = text.length();
        while (start < n) {
            int lf = text.indexOf('\n', start);
            int end = lf < 0 ? n : lf;
            int lineEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            String line = text.substring(start, lineEnd).replace("\r", "");
            if (line.startsWith(".")) {
                sb.append('.');
            }
            sb.append(line).append("\r\n");
            start = lf < 0 ? n : lf + 1;
        }
        sb.append(".\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
