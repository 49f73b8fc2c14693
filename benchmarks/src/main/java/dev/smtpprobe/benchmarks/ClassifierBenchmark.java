package dev.smtpprobe.benchmarks;

import dev.smtpprobe.catalog.Classification;
import dev.smtpprobe.catalog.ReplyClassifier;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The classifier on one reply text per operation: a plain acceptance (no pattern can change its reading), replies
 * whose text decides the category (a blocklist, greylisting, a full mailbox) and one that no pattern matches, which
 * makes every pattern for its code run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClassifierBenchmark {

    @Param({
        "250 2.1.5 Ok",
        "550 5.7.1 Service unavailable; client [192.0.2.7] blocked using zen.spamhaus.org",
        "450 4.2.0 <bob@example.net>: Recipient address rejected: Greylisted, see https://postgrey.example/",
        "552 5.2.2 The email account that you tried to reach is over quota",
        "554 5.0.0 something no pattern in the catalog mentions at all"
    })
    public String replyText;

    private ReplyClassifier classifier;

    @Setup
    public void setUp() {
        classifier = ReplyClassifier.standard();
    }

    @Benchmark
    public Classification classify() {
        return classifier.classify(replyText);
    }
}
