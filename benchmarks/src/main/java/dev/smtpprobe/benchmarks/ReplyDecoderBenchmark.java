package dev.smtpprobe.benchmarks;

import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.smtp.SmtpReplyDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reply decoder on its own pipeline: one reply per operation, written as the bytes a server sends, read back
 * as the decoded {@link SmtpReply}. The EHLO reply is the longest a probe reads on every session; "split" hands the
 * same EHLO reply over in 7-byte reads, as a slow link or a drip-feeding server does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReplyDecoderBenchmark {

    @Param({"banner", "ehlo", "ehlo-split", "rejection"})
    public String reply;

    private byte[] wire;
    private int chunk;
    private EmbeddedChannel channel;

    @Setup
    public void setUp() {
        String text = switch (reply) {
            case "banner" -> "220 mx.example.net ESMTP ready\r\n";
            case "ehlo", "ehlo-split" -> "250-mx.example.net Hello client.example.org [192.0.2.7]\r\n"
                    + "250-SIZE 52428800\r\n250-8BITMIME\r\n250-PIPELINING\r\n250-CHUNKING\r\n250-SMTPUTF8\r\n"
                    + "250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-AUTH PLAIN LOGIN SCRAM-SHA-256\r\n"
                    + "250-REQUIRETLS\r\n250 STARTTLS\r\n";
            case "rejection" -> "550-5.7.1 Service unavailable, client host [192.0.2.7] blocked using\r\n"
                    + "550 5.7.1 zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.7\r\n";
            default -> throw new IllegalArgumentException(reply);
        };
        wire = text.getBytes(StandardCharsets.US_ASCII);
        chunk = reply.equals("ehlo-split") ? 7 : wire.length;
        channel = new EmbeddedChannel(new SmtpReplyDecoder());
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public SmtpReply decode() {
        for (int off = 0; off < wire.length; off += chunk) {
            ByteBuf buf = Unpooled.wrappedBuffer(wire, off, Math.min(chunk, wire.length - off));
            channel.writeInbound(buf);
        }
        return channel.readInbound();
    }
}
