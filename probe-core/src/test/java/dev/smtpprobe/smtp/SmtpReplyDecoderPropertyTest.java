package dev.smtpprobe.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.SmtpReply;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever bytes a server sends, split however TCP splits them, the decoder gives replies or a protocol error: no
 * other exception, nothing outside its bounds, and the same replies for every split of the same bytes.
 */
class SmtpReplyDecoderPropertyTest {

    /** What one feed of the decoder produced: the replies before the first error, and that error if any. */
    record Outcome(List<String> replies, Throwable error, int lfsConsumed, int pendingLines, int bufferedBytes) {
    }

    static Outcome feed(byte[] input, List<Integer> cuts) {
        SmtpReplyDecoder decoder = new SmtpReplyDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<String> replies = new ArrayList<>();
        Throwable error = null;
        int from = 0;
        List<Integer> ends = new ArrayList<>();
        for (int cut : cuts) {
            int end = Math.min(input.length, from + cut);
            ends.add(end);
            from = end;
        }
        ends.add(input.length);
        int start = 0;
        int lines = 0;
        for (int end : ends) {
            if (end <= start) {
                continue;
            }
            try {
                channel.writeInbound(Unpooled.wrappedBuffer(input, start, end - start));
            } catch (Throwable t) {
                error = t;
            }
            for (Object o; (o = channel.readInbound()) != null; ) {
                SmtpReply r = (SmtpReply) o;
                assertBounded(r);
                lines += r.lines().size();
                replies.add(r.code() + " " + r.lines() + " " + r.flags());
            }
            assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(SmtpReplyDecoder.HARD_LINE_CAP + 1);
            assertThat(decoder.pendingLines()).isLessThan(SmtpReplyDecoder.MAX_LINES);
            assertThat(decoder.pendingOctets()).isLessThanOrEqualTo(SmtpReplyDecoder.MAX_REPLY_OCTETS);
            start = end;
            if (error != null) {
                break; // the session closes on a protocol error: nothing after it is read
            }
        }
        Outcome out = new Outcome(replies, error, lines, decoder.pendingLines(), decoder.bufferedBytes());
        channel.finishAndReleaseAll();
        return out;
    }

    private static void assertBounded(SmtpReply r) {
        assertThat(r.lines()).isNotEmpty().hasSizeLessThanOrEqualTo(SmtpReplyDecoder.MAX_LINES);
        assertThat(r.code()).isBetween(0, 999);
        long octets = 0;
        for (String line : r.lines()) {
            octets += line.getBytes(StandardCharsets.UTF_8).length;
            assertThat(line).doesNotContain("\n");
        }
        // Decoding replaces each invalid byte with U+FFFD (3 octets in UTF-8), so allow for that expansion.
        assertThat(octets).isLessThanOrEqualTo(3L * SmtpReplyDecoder.MAX_REPLY_OCTETS);
    }

    @Property(tries = 400, seed = "20250301")
    void arbitraryBytesEndInRepliesOrAProtocolError(@ForAll("serverBytes") byte[] input,
            @ForAll("cuts") List<Integer> cuts) {
        Outcome split = feed(input, cuts);

        if (split.error() != null) {
            assertThat(split.error()).isInstanceOf(SmtpProtocolException.class);
        } else {
            // Every complete line went into a reply or is held for the reply in progress; only a partial line waits.
            int lfs = 0;
            int lastLf = -1;
            for (int i = 0; i < input.length; i++) {
                if (input[i] == '\n') {
                    lfs++;
                    lastLf = i;
                }
            }
            assertThat(split.lfsConsumed() + split.pendingLines()).isEqualTo(lfs);
            assertThat(split.bufferedBytes()).isEqualTo(input.length - lastLf - 1);
        }
    }

    @Property(tries = 250, seed = "20250302")
    void howTheBytesAreSplitChangesNothing(@ForAll("serverBytes") byte[] input, @ForAll("cuts") List<Integer> cuts) {
        Outcome whole = feed(input, List.of());
        Outcome split = feed(input, cuts);

        assertThat(split.replies()).isEqualTo(whole.replies());
        assertThat(split.error() == null).isEqualTo(whole.error() == null);
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, 64)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 20_000)))
                .list().ofMaxSize(400);
    }

    /** Mostly reply-shaped lines, with garbage, controls, long lines and floods mixed in. */
    @Provide
    Arbitrary<byte[]> serverBytes() {
        Arbitrary<String> code = Arbitraries.of("220", "250", "354", "421", "550", "251", "2x0", "99", "600", "");
        Arbitrary<String> separator = Arbitraries.of(" ", "-", "", "x", "\t");
        Arbitrary<String> text = Arbitraries.strings().withChars("abc ESMTP.=-\u001b\u0000\u007f\u00e9")
                .withCharRange('\u0080', '\u00ff').ofMaxLength(40);
        Arbitrary<String> end = Arbitraries.of("\r\n", "\n", "\r", "", "\r\r\n");
        Arbitrary<byte[]> line = Combinators.combine(code, separator, text, end)
                .as((c, s, t, e) -> (c + s + t + e).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<byte[]> longLine = Arbitraries.integers().between(500, 10_000)
                .map(n -> ("250 " + "y".repeat(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        Arbitrary<byte[]> flood = Arbitraries.integers().between(90, 120)
                .map(n -> "250-x\r\n".repeat(n).getBytes(StandardCharsets.US_ASCII));
        Arbitrary<byte[]> piece = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, line),
                net.jqwik.api.Tuple.of(3, raw),
                net.jqwik.api.Tuple.of(1, longLine),
                net.jqwik.api.Tuple.of(1, flood));
        return piece.list().ofMaxSize(30).map(pieces -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pieces.forEach(out::writeBytes);
            return out.toByteArray();
        });
    }
}
