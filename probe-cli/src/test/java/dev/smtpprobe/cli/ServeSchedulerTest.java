package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.SmtpProber;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The schedule on a real prober: a target that stalls holds only its own slot. */
class ServeSchedulerTest {

    @Test
    void aStallingTargetDoesNotDelayAnother() throws Exception {
        try (MockSmtpServer slow = new MockSmtpServer(); MockSmtpServer fast = new MockSmtpServer()) {
            slow.greeting(Reply.builder().code(220).line("slow ESMTP").delay(Duration.ofSeconds(30)).build());
            slow.start();
            fast.start();
            String yaml = """
                    jitter: 0s
                    concurrency: 2
                    modules:
                      plain: { starttls: never, ehlo: probe.test, timeout: 20, rcpt: postmaster@example.test }
                    targets:
                      - { name: slow, server: "127.0.0.1:%d", module: plain, schedule: 1h }
                      - { name: fast, server: "127.0.0.1:%d", module: plain, schedule: 1h }
                    """.formatted(slow.port(), fast.port());
            ServeConfig config = ServeConfig.parse("probes.yaml", yaml);
            try (SmtpProber prober = SmtpProber.builder().build();
                    ServeScheduler scheduler = new ServeScheduler(config, prober, new SimpleMeterRegistry(),
                            Clock.systemUTC(), new Random(1))) {
                scheduler.start();
                Instant deadline = Instant.now().plusSeconds(20);
                while (scheduler.last("fast").isEmpty() && Instant.now().isBefore(deadline)) {
                    Thread.sleep(20);
                }
                assertThat(scheduler.last("fast")).isPresent();
                assertThat(scheduler.last("slow")).isEmpty();
                assertThat(scheduler.isRunning("slow")).isTrue();
            }
        }
    }
}
