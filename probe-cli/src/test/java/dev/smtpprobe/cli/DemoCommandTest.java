package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void everyScenarioShowsTheVerdictItIsMeantToShow() {
        CliRun run = CliRun.of("demo", "--no-color");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("=== Demo summary")
                .containsPattern("healthy +OK")
                .containsPattern("greylisting +WARNING")
                .containsPattern("unknown-recipient +CRITICAL")
                .containsPattern("starttls-required +CRITICAL")
                .containsPattern("null-mx +CRITICAL")
                .containsPattern("dead-backup-mx +WARNING")
                .containsPattern("connection-refused +CRITICAL")
                .containsPattern("submission-auth +OK")
                .containsPattern("dane-mta-sts +OK")
                .containsPattern("dane-mismatch +CRITICAL")
                .containsPattern("socks-proxy +OK")
                .containsPattern("proxy-protocol +OK")
                .contains("Via        a PROXY protocol v2 header sent first")
                .contains("Via        the SOCKS5 proxy 127.0.0.1:")
                .doesNotContain("socks-demo-password")
                .contains("DANE sender: delivers").contains("MTA-STS sender: delivers")
                .contains("DANE sender: defers")
                .doesNotContain("demo-password")
                .doesNotContain("(expected");
    }

    @Test
    void onlyFilterRunsOneScenarioAndUnknownNameIsAUsageError() {
        CliRun one = CliRun.of("demo", "--only", "null-mx", "--no-color");
        assertThat(one.exitCode()).isZero();
        assertThat(one.out()).contains("null-mx").doesNotContain("greylisting");

        CliRun none = CliRun.of("demo", "--only", "no-such-scenario");
        assertThat(none.exitCode()).isEqualTo(3);
        assertThat(none.err().strip().lines()).hasSize(1);
    }
}
