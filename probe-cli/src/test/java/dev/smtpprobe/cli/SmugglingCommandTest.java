package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.MockSmtpServer.DataEnding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --smuggling-test}: refused without --send and a named --rcpt, and its verdict through every layer. */
class SmugglingCommandTest {
    private MockSmtpServer server;

    @BeforeEach
    void startServer() {
        server = new MockSmtpServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private CliRun run(String... more) throws Exception {
        if (server.connectionCount() == 0) {
            try {
                server.port();
            } catch (IllegalStateException notStarted) {
                server.start();
            }
        }
        List<String> args = new ArrayList<>(List.of("probe", "--server", "127.0.0.1:" + server.port(),
                "--starttls", "never", "--ehlo", "probe.test", "--timeout", "5", "--no-color", "--from",
                "probe@probe.test"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--send", "--rcpt=bob@example.test", "--quit-after=rcpt"})
    void withoutSendAndANamedRecipientItIsAOneLineUsageErrorAndNothingIsDialled(String only) throws Exception {
        server.start();
        CliRun run = run("--smuggling-test", only);

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).contains("--smuggling-test").doesNotContain("Exception");
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void withAnExcludedModeItIsAOneLineUsageErrorToo() throws Exception {
        server.start();
        CliRun run = run("--smuggling-test", "--send", "--rcpt", "bob@example.test", "--quit-after", "rcpt");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).contains("--quit-after");
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void aRecipientWithALineBreakIsRefusedAsEverywhere() throws Exception {
        server.start();
        CliRun run = run("--smuggling-test", "--send", "--rcpt", "bob@example.test\r\nRCPT TO:<eve@example.test>");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void aVulnerableServerIsCriticalWithEverySequenceInTheJson() throws Exception {
        server.dataEnding(DataEnding.ANY_LINE_END).start();
        CliRun run = run("--smuggling-test", "--send", "--rcpt", "bob@example.test", "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.at("/smuggling/vulnerable").asBoolean()).isTrue();
        assertThat(json.at("/smuggling/sequences").size()).isEqualTo(6);
        assertThat(json.at("/findings/0/id").asText()).startsWith("smtp-smuggling-");
    }

    @Test
    void aServerThatRefusesBareLineEndsIsNotFlaggedInTheTextReport() throws Exception {
        server.dataEnding(DataEnding.REFUSE_BARE).start();
        CliRun run = run("--smuggling-test", "--send", "--rcpt", "bob@example.test");

        assertThat(run.out()).contains("SMTP smuggling").contains("refused").doesNotContain("accepted-as-end-of-data");
        assertThat(run.out()).doesNotContain("CRITICAL");
    }
}
