package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.Timeouts;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --timeout and --data-timeout as the engine gets them, through {@link Timeouts}. */
class TimeoutOptionsTest {

    private static Timeouts timeouts(String... args) {
        ProbeCommand command = new ProbeCommand();
        new CommandLine(command).parseArgs(args);
        return command.validate().request().session().timeouts();
    }

    @Test
    void theDataEndWaitFollowsTimeoutButIsNeverUnderAMinute() {
        assertThat(timeouts("example.com").dataEnd()).isEqualTo(Duration.ofSeconds(60));
        assertThat(timeouts("example.com", "--timeout", "5").dataEnd()).isEqualTo(Duration.ofSeconds(60));
        assertThat(timeouts("example.com", "--timeout", "90").dataEnd()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void dataTimeoutSetsTheDataEndWaitAndExtendsTheDeadlineWhenSending() {
        Timeouts sending = timeouts("example.com", "--timeout", "10", "--data-timeout", "300", "--send");
        assertThat(sending.dataEnd()).isEqualTo(Duration.ofSeconds(300));
        assertThat(sending.command()).isEqualTo(Duration.ofSeconds(10));
        assertThat(sending.overall()).isEqualTo(Duration.ofSeconds(4 * 10 + 300));

        Timeouts probing = timeouts("example.com", "--timeout", "10", "--data-timeout", "300");
        assertThat(probing.overall()).isEqualTo(Duration.ofSeconds(40));
    }
}
