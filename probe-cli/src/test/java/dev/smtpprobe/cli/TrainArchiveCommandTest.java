package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The launcher's training run: a whole probe that succeeds, says nothing, and stays out of the help. */
class TrainArchiveCommandTest {

    @Test
    void theTrainingProbeSucceedsSilently() {
        CliRun run = CliRun.of("train-archive");
        // 0 is the OK verdict: the embedded server took STARTTLS with a trusted certificate and the recipient.
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEmpty();
    }

    @Test
    void itIsNotListedForUsers() {
        assertThat(CliRun.of("--help").out()).contains("probe").doesNotContain("train-archive");
    }
}
