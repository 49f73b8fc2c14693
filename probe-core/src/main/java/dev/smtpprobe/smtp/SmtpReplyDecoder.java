package dev.smtpprobe.smtp;

import dev.smtpprobe.model.EnhancedStatus;
import dev.smtpprobe.model.ReplyFlag;
import dev.smtpprobe.model.SmtpReply;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Decodes server bytes into {@link SmtpReply} objects, one per complete (possibly multi-line) reply.
 *
 * <p>Our own rather than Netty's SmtpResponseDecoder, which accepts "2x0" as code 190, rejects a bare "250",
 * hides bare LF and mixed codes, decodes text as Latin-1, has no cap on lines per reply and leaks a half-built
 * reply into the next one after an error. Here: irregularities become {@link ReplyFlag}s; lines longer than
 * 512 octets are tolerated up to {@link #HARD_LINE_CAP}; more than {@link #MAX_LINES} lines or
 * {@link #MAX_REPLY_OCTETS} octets in one reply, a longer line, or a line that does not start with three digits
 * throws {@link SmtpProtocolException}, after which the state is reset and every buffered byte discarded (the
 * session closes; nothing grows without bound: at most one line cap of undecoded bytes plus one reply's octets).
 */
public final class SmtpReplyDecoder extends ByteToMessageDecoder {

    /** RFC 5321 section 4.5.3.1.5: reply line including code and CRLF. */
    public static final int RFC_LINE_LIMIT = 512;
    /** Longest line we accept (without its terminator) before calling the server hostile. */
    public static final int HARD_LINE_CAP = 8 * 1024;
    /** Most lines we accept in one reply (posttls-finger caps multi-line replies too). */
    public static final int MAX_LINES = 100;
    /**
     * Most text octets we hold for one reply. Without it 100 lines of 8 KiB each (800 KiB, twice that as Java
     * strings) would pass; real multi-line replies (EHLO lists, long policy rejections) stay under 4 KiB.
     */
    public static final int MAX_REPLY_OCTETS = 64 * 1024;

    private final List<String> lines = new ArrayList<>();
    private final EnumSet<ReplyFlag> flags = EnumSet.noneOf(ReplyFlag.class);
    private int firstCode = -1;
    private long pendingOctets;
    private long firstByteNanos;

    /**
     * True when bytes are held that are not yet part of an emitted reply: a partial line, a partial multi-line
     * reply, or whole lines not yet decoded. Checked right after the 220 to STARTTLS: anything here was sent
     * before the TLS handshake and must not be trusted (response injection, CVE-2011-0411 class).
     */
    public boolean hasBufferedBytes() {
        return actualReadableBytes() > 0 || !lines.isEmpty();
    }

    /** Up to {@code max} buffered, not yet decoded bytes, escaped for display: evidence for an injection finding. */
    public String bufferedPreview(int max) {
        ByteBuf buf = internalBuffer();
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append("[partial reply line] ").append(line).append("\\r\\n");
        }
        // One escaping for all injection evidence, whichever guard saw the bytes first.
        return sb.append(PlaintextBeforeTlsGuard.preview(buf, max)).toString();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        if (lines.isEmpty() && firstByteNanos == 0) {
            firstByteNanos = System.nanoTime();
        }
        int start = in.readerIndex();
        int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > HARD_LINE_CAP + 1) {
                fail(in, "reply line longer than " + HARD_LINE_CAP + " octets without a line end");
            }
            return;
        }
        boolean bareLf = lf == start || in.getByte(lf - 1) != '\r';
        int contentLength = lf - start - (bareLf ? 0 : 1);
        if (contentLength > HARD_LINE_CAP) {
            fail(in, "reply line of " + contentLength + " octets exceeds the cap of " + HARD_LINE_CAP);
        }
        byte[] line = new byte[contentLength];
        in.getBytes(start, line);
        in.readerIndex(lf + 1);

        if (bareLf) {
            flags.add(ReplyFlag.BARE_LF);
        }
        if (contentLength + 2 > RFC_LINE_LIMIT) {
            flags.add(ReplyFlag.OVERLONG_LINE);
        }
        if (line.length < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2])) {
            fail(in, "not an SMTP reply line (no three-digit code): " + printable(line));
        }
        int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (line[0] < '2' || line[0] > '5' || line[1] > '5') {
            flags.add(ReplyFlag.CODE_OUT_OF_RANGE);
        }
        if (firstCode < 0) {
            firstCode = code;
        } else if (code != firstCode) {
            flags.add(ReplyFlag.MIXED_CODES);
        }
        boolean last;
        int textStart;
        if (line.length == 3) {
            last = true;
            textStart = 3;
        } else if (line[3] == ' ') {
            last = true;
            textStart = 4;
        } else if (line[3] == '-') {
            last = false;
            textStart = 4;
        } else {
            // Not a separator: keep the text from the fourth byte and treat the line as final, so one odd
            // server does not leave us waiting for a continuation that will never come.
            flags.add(ReplyFlag.BAD_SEPARATOR);
            last = true;
            textStart = 3;
        }
        for (int i = textStart; i < line.length; i++) {
            if (line[i] < 0) {
                flags.add(ReplyFlag.NON_ASCII);
                break;
            }
        }
        pendingOctets += line.length;
        if (pendingOctets > MAX_REPLY_OCTETS) {
            fail(in, "reply longer than " + MAX_REPLY_OCTETS + " octets");
        }
        lines.add(new String(line, textStart, line.length - textStart, StandardCharsets.UTF_8));
        if (last) {
            out.add(new SmtpReply(code, EnhancedStatus.parseLeading(lines.get(0)), lines, flags,
                    firstByteNanos, System.nanoTime()));
            reset();
        } else if (lines.size() >= MAX_LINES) {
            fail(in, "reply has more than " + MAX_LINES + " lines");
        }
    }

    private void fail(ByteBuf in, String why) {
        reset();
        in.skipBytes(in.readableBytes());
        throw new SmtpProtocolException(why);
    }

    private void reset() {
        lines.clear();
        flags.clear();
        firstCode = -1;
        pendingOctets = 0;
        firstByteNanos = 0;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static String printable(byte[] line) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(line.length, 40); i++) {
            int b = line[i] & 0xff;
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
        }
        return line.length > 40 ? sb + "..." : sb.toString();
    }

    /** For tests of the memory bound: undecoded bytes held (a partial line). */
    int bufferedBytes() {
        return actualReadableBytes();
    }

    /** For tests of the memory bound: the capacity of the accumulation buffer, 0 when none is held. */
    int bufferCapacity() {
        ByteBuf buf = internalBuffer();
        return buf.refCnt() == 0 ? 0 : buf.capacity();
    }

    /** For tests of the memory bound: lines and octets held for a reply still in progress. */
    int pendingLines() {
        return lines.size();
    }

    long pendingOctets() {
        return pendingOctets;
    }

    /** For tests and diagnostics: the flags gathered so far for a reply still in progress. */
    Set<ReplyFlag> pendingFlags() {
        return Set.copyOf(flags);
    }
}
