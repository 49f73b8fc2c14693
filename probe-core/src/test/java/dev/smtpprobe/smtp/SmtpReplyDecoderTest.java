package dev.smtpprobe.smtp;

import dev.smtpprobe.model.ReplyFlag;
import dev.smtpprobe.model.SmtpReply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SmtpReplyDecoderTest {

    private SmtpReplyDecoder decoder;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        decoder = new SmtpReplyDecoder();
        channel = new EmbeddedChannel(decoder);
    }

    private void feed(String s) {
        channel.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
    }

    private SmtpReply next() {
        SmtpReply r = channel.readInbound();
        assertThat(r).as("a decoded reply").isNotNull();
        return r;
    }

    @Test
    void singleLine() {
        feed("220 mx.example.test ESMTP ready\r\n");
        SmtpReply r = next();
        assertThat(r.code()).isEqualTo(220);
        assertThat(r.lines()).containsExactly("mx.example.test ESMTP ready");
        assertThat(r.flags()).isEmpty();
        assertThat(r.enhanced()).isEmpty();
        assertThat(r.firstByteNanos()).isPositive();
        assertThat(r.lastByteNanos()).isGreaterThanOrEqualTo(r.firstByteNanos());
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void multiLineAcrossChunks() {
        feed("250-mx.example.test Hello\r\n250-PIPE");
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(decoder.hasBufferedBytes()).isTrue();
        feed("LINING\r\n250-\r\n250 STARTTLS\r\n");
        SmtpReply r = next();
        assertThat(r.code()).isEqualTo(250);
        assertThat(r.lines()).containsExactly("mx.example.test Hello", "PIPELINING", "", "STARTTLS");
        assertThat(r.flags()).isEmpty();
        assertThat(decoder.hasBufferedBytes()).isFalse();
    }

    @Test
    void mixedCodesFlaggedAndLastCodeWins() {
        feed("250-a\r\n251 b\r\n");
        SmtpReply r = next();
        assertThat(r.code()).isEqualTo(251);
        assertThat(r.flags()).containsExactly(ReplyFlag.MIXED_CODES);
    }

    @Test
    void enhancedStatusFromFirstLine() {
        feed("550-5.7.26 Unauthenticated email\r\n550 5.7.26 is not accepted\r\n");
        SmtpReply r = next();
        assertThat(r.enhanced()).hasValueSatisfying(e -> assertThat(e.toString()).isEqualTo("5.7.26"));
    }

    @Test
    void bareLfToleratedAndFlagged() {
        feed("220 hi\n");
        SmtpReply r = next();
        assertThat(r.code()).isEqualTo(220);
        assertThat(r.lines()).containsExactly("hi");
        assertThat(r.flags()).contains(ReplyFlag.BARE_LF);
    }

    @Test
    void bareCodeAccepted() {
        feed("250\r\n");
        SmtpReply r = next();
        assertThat(r.code()).isEqualTo(250);
        assertThat(r.lines()).containsExactly("");
        assertThat(r.flags()).isEmpty();
    }

    @Test
    void utf8TextDecodedAndFlagged() {
        feed("250 Grüße\r\n");
        SmtpReply r = next();
        assertThat(r.lines()).containsExactly("Grüße");
        assertThat(r.flags()).containsExactly(ReplyFlag.NON_ASCII);
    }

    @Test
    void badSeparatorAndOutOfRangeFlagged() {
        feed("699xyz\r\n");
        SmtpReply r = next();
        assertThat(r.code()).isEqualTo(699);
        assertThat(r.flags()).contains(ReplyFlag.BAD_SEPARATOR, ReplyFlag.CODE_OUT_OF_RANGE);
    }

    @Test
    void overlongLineWithinCapToleratedAndFlagged() {
        String text = "x".repeat(2000);
        feed("250 " + text + "\r\n");
        SmtpReply r = next();
        assertThat(r.lines()).containsExactly(text);
        assertThat(r.flags()).containsExactly(ReplyFlag.OVERLONG_LINE);
    }

    @Test
    void exactly512OctetsIsNotOverlong() {
        feed("250 " + "y".repeat(512 - 6) + "\r\n");
        assertThat(next().flags()).isEmpty();
    }

    @Test
    void lineOverHardCapWithTerminatorIsProtocolError() {
        assertThatThrownBy(() -> feed("250 " + "x".repeat(SmtpReplyDecoder.HARD_LINE_CAP) + "\r\n"))
                .isInstanceOf(SmtpProtocolException.class);
        assertThat(decoder.hasBufferedBytes()).isFalse();
    }

    @Test
    void lineOverHardCapWithoutTerminatorIsRefusedBeforeItEnds() {
        assertThatThrownBy(() -> feed("250 " + "x".repeat(SmtpReplyDecoder.HARD_LINE_CAP + 10)))
                .isInstanceOf(SmtpProtocolException.class)
                .hasMessageContaining("without a line end");
        assertThat(decoder.hasBufferedBytes()).isFalse();
    }

    @Test
    void hundredLinesAcceptedButNotMore() {
        feed("250-x\r\n".repeat(SmtpReplyDecoder.MAX_LINES - 1) + "250 end\r\n");
        assertThat(next().lines()).hasSize(SmtpReplyDecoder.MAX_LINES);
        assertThatThrownBy(() -> feed("250-x\r\n".repeat(SmtpReplyDecoder.MAX_LINES + 1)))
                .isInstanceOf(SmtpProtocolException.class)
                .hasMessageContaining("more than");
    }

    @Test
    void garbageIsProtocolError() {
        assertThatThrownBy(() -> feed("HTTP/1.1 400 Bad Request\r\n"))
                .isInstanceOf(SmtpProtocolException.class)
                .hasMessageContaining("three-digit");
        assertThatThrownBy(() -> feed("2x0 hi\r\n")).isInstanceOf(SmtpProtocolException.class);
    }

    @Test
    void stateResetsAfterAnError() {
        feed("250-a\r\n");
        assertThatThrownBy(() -> feed("garbage\r\n")).isInstanceOf(SmtpProtocolException.class);
        feed("250 b\r\n");
        SmtpReply r = next();
        assertThat(r.lines()).containsExactly("b");
        assertThat(r.flags()).isEmpty();
    }

    @Test
    void bytesAfterAReplyAreReportedAsBuffered() {
        // Capture what the decoder holds at the moment the first reply is delivered, as the STARTTLS check does.
        boolean[] bufferedAtFirstReply = new boolean[1];
        EmbeddedChannel ch = new EmbeddedChannel();
        SmtpReplyDecoder d = new SmtpReplyDecoder();
        ch.pipeline().addLast(d, new io.netty.channel.ChannelInboundHandlerAdapter() {
            int seen;

            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                if (seen++ == 0) {
                    bufferedAtFirstReply[0] = d.hasBufferedBytes();
                }
            }
        });
        ch.writeInbound(Unpooled.copiedBuffer("220 go ahead\r\n250 injected\r\n", StandardCharsets.US_ASCII));
        assertThat(bufferedAtFirstReply[0]).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void nothingBufferedAfterAFullReply() {
        feed("220 go ahead\r\n");
        next();
        assertThat(decoder.hasBufferedBytes()).isFalse();
    }

    // ---------------------------------------------------------------- memory bound under floods

    /** What a flood may leave in the decoder at any moment: one line cap of bytes plus a read, and one reply. */
    private static final int MAX_HELD_BYTES = SmtpReplyDecoder.HARD_LINE_CAP + 1;
    private static final int MAX_BUFFER_CAPACITY = 64 * 1024;

    /** Writes {@code total} bytes from {@code source} in 16 KiB reads (one fixture batch); counts protocol errors. */
    private int flood(java.util.function.IntFunction<byte[]> chunkAt, long total, Runnable afterEachRead) {
        int errors = 0;
        for (long sent = 0; sent < total; sent += 16 * 1024) {
            try {
                channel.writeInbound(Unpooled.wrappedBuffer(chunkAt.apply((int) (sent / (16 * 1024)))));
            } catch (SmtpProtocolException e) {
                errors++;
            }
            afterEachRead.run();
        }
        return errors;
    }

    private void assertBounded() {
        assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(MAX_HELD_BYTES);
        assertThat(decoder.bufferCapacity()).isLessThanOrEqualTo(MAX_BUFFER_CAPACITY);
        assertThat(decoder.pendingLines()).isLessThan(SmtpReplyDecoder.MAX_LINES);
        assertThat(decoder.pendingOctets()).isLessThanOrEqualTo(SmtpReplyDecoder.MAX_REPLY_OCTETS);
    }

    @Test
    void tenMegabyteLineWithoutLineEndIsDiscardedAsItArrives() {
        byte[] chunk = new byte[16 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        byte[] first = chunk.clone();
        System.arraycopy("250 ".getBytes(StandardCharsets.US_ASCII), 0, first, 0, 4);

        int errors = flood(i -> i == 0 ? first : chunk, 10L * 1024 * 1024, this::assertBounded);

        // Every line cap's worth is thrown away with an error; nothing accumulates towards 10 MB.
        assertThat(errors).isGreaterThan(100);
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void endlessContinuationLinesNeverHoldMoreThanOneReplysWorth() {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; batch.length() < 16 * 1024 - 40; i++) {
            batch.append("250-continuation line ").append(i).append("\r\n");
        }
        byte[] chunk = batch.toString().getBytes(StandardCharsets.US_ASCII);

        int errors = flood(i -> chunk, 10L * 1024 * 1024, this::assertBounded);

        assertThat(errors).isGreaterThan(100); // one per MAX_LINES lines
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void longContinuationLinesHitTheReplyOctetCapBeforeTheLineCount() {
        String line = "250-" + "y".repeat(SmtpReplyDecoder.HARD_LINE_CAP - 10) + "\r\n";
        assertThatThrownBy(() -> {
            for (int i = 0; i < SmtpReplyDecoder.MAX_LINES; i++) {
                feed(line);
                assertBounded();
            }
        }).isInstanceOf(SmtpProtocolException.class).hasMessageContaining("octets");
        assertThat(decoder.hasBufferedBytes()).isFalse();
        feed("250 fine again\r\n");
        assertThat(next().lines()).containsExactly("fine again");
    }
}
