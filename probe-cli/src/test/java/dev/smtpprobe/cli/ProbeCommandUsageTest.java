package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.MockSmtpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input gets one line naming the problem and exit code 3, before any connection is made. */
class ProbeCommandUsageTest {

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("unknown option", new String[] {"probe", "example.com", "--bogus"}, "--bogus"),
                Arguments.of("port out of range", new String[] {"probe", "example.com", "--port", "70000"}, "out of range"),
                Arguments.of("port in server out of range", new String[] {"probe", "--server", "mx.example.com:0"}, "out of range"),
                Arguments.of("malformed recipient", new String[] {"probe", "example.com", "--rcpt", "bob@"}, "local-part@domain"),
                Arguments.of("malformed sender", new String[] {"probe", "example.com", "--from", "not an address"}, "--from"),
                Arguments.of("CR LF in target", new String[] {"probe", "bob@example.com\r\nRCPT TO:<evil@x>"}, "line break"),
                Arguments.of("LF in recipient", new String[] {"probe", "example.com", "--rcpt", "a@b.example\nDATA"}, "line break"),
                Arguments.of("LF in EHLO name", new String[] {"probe", "example.com", "--ehlo", "x\nQUIT"}, "line break"),
                Arguments.of("no target", new String[] {"probe"}, "TARGET"),
                Arguments.of("target and server", new String[] {"probe", "example.com", "--server", "mx.example.com"}, "not both"),
                Arguments.of("bad starttls policy", new String[] {"probe", "example.com", "--starttls", "maybe"}, "auto|require|never"),
                Arguments.of("bad quit-after", new String[] {"probe", "example.com", "--quit-after", "lunch"}, "--quit-after"),
                Arguments.of("password without user", new String[] {"probe", "example.com", "--auth-password-env", "X"}, "--auth-user"),
                Arguments.of("user without password", new String[] {"probe", "example.com", "-au", "me"}, "--auth-password"),
                Arguments.of("missing env variable", new String[] {"probe", "example.com", "-au", "me", "--auth-password-env",
                        "SMTP_PROBE_TEST_SURELY_UNSET"}, "not set"),
                Arguments.of("missing CA file", new String[] {"probe", "example.com", "--ca-file", "/nonexistent/ca.pem"}, "cannot be read"),
                Arguments.of("both families", new String[] {"probe", "example.com", "-4", "-6"}, "exclude"),
                Arguments.of("bad format", new String[] {"probe", "example.com", "--format", "xml"}, "--format"),
                Arguments.of("host:port as domain", new String[] {"probe", "127.0.0.1:25"}, "--server"),
                Arguments.of("size without send", new String[] {"probe", "example.com", "--size", "20000"}, "--send"),
                Arguments.of("header without send", new String[] {"probe", "example.com", "--header", "X-A: b"}, "--send"),
                Arguments.of("malformed header", new String[] {"probe", "example.com", "--send", "--header", "no colon"},
                        "--header"),
                Arguments.of("header replacing ours", new String[] {"probe", "example.com", "--send", "--header",
                        "Message-ID: <x@y>"}, "message-id"),
                Arguments.of("size out of range", new String[] {"probe", "example.com", "--send", "--size", "0"}, "--size"),
                Arguments.of("relay test with send", new String[] {"probe", "example.com", "--relay-test", "--send"},
                        "--relay-test"),
                Arguments.of("auth-mech without user", new String[] {"probe", "example.com", "--auth-mech", "PLAIN"},
                        "--auth-user"),
                Arguments.of("password and token", new String[] {"probe", "example.com", "-au", "me",
                        "--auth-password-env", "HOME", "--auth-token-env", "HOME"}, "exactly one"),
                Arguments.of("bad protocol", new String[] {"probe", "example.com", "--protocol", "http"}, "smtp|lmtp"),
                Arguments.of("local address not an IP", new String[] {"probe", "example.com", "--local-address",
                        "example.org"}, "--local-address"),
                Arguments.of("LF in TLS name", new String[] {"probe", "example.com", "--tls-name", "a\nb"}, "line break"),
                Arguments.of("LF in password variable", new String[] {"probe", "example.com", "-au", "me",
                        "--auth-password-env", "SMTP_PROBE_TEST_PASSWORD_LF"}, "SMTP_PROBE_TEST_PASSWORD_LF contains a line break"),
                Arguments.of("CR in password variable", new String[] {"probe", "example.com", "-au", "me",
                        "--auth-password-env", "SMTP_PROBE_TEST_PASSWORD_CR"}, "SMTP_PROBE_TEST_PASSWORD_CR contains a line break"),
                Arguments.of("CR LF in user name", new String[] {"probe", "example.com", "-au", "me\r\nQUIT",
                        "--auth-password-env", "SMTP_PROBE_TEST_PASSWORD_LF"}, "--auth-user contains a line break"),
                Arguments.of("NUL in user name", new String[] {"probe", "example.com", "-au", "me\0x",
                        "--auth-password-env", "SMTP_PROBE_TEST_PASSWORD_LF"}, "--auth-user contains a line break or NUL"),
                Arguments.of("no-dnsbl with dnsbl", new String[] {"probe", "example.com", "--no-dnsbl", "--dnsbl",
                        "zen.spamhaus.org"}, "--no-dnsbl excludes"),
                Arguments.of("bad blocklist zone", new String[] {"probe", "example.com", "--dnsbl", "not a zone"},
                        "not a blocklist zone"),
                Arguments.of("check-my-ip not an address", new String[] {"probe", "example.com", "--check-my-ip",
                        "mail.example.com"}, "takes an IP address"),
                Arguments.of("check-my-ip private", new String[] {"probe", "example.com", "--check-my-ip",
                        "192.168.1.20"}, "not a public address"),
                Arguments.of("bad data timeout", new String[] {"probe", "example.com", "--data-timeout", "0"}, "--data-timeout"),
                Arguments.of("no command", new String[] {}, "command"),
                Arguments.of("unknown command", new String[] {"frobnicate"}, "frobnicate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputGetsOneLineAndExitThree(String name, String[] args, String mentioned) {
        CliRun run = CliRun.of(args);

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).contains(mentioned).doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContain("QUIT").doesNotContain("RSET");
    }

    static Stream<Arguments> badPasswordFiles() {
        return Stream.of(
                Arguments.of("two lines", "secret\nQUIT\n"),
                Arguments.of("a CR inside", "secret\rRSET"),
                Arguments.of("a NUL inside", "secret\0more\n"),
                Arguments.of("two line ends", "secret\n\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPasswordFiles")
    void aPasswordFileWithALineBreakOrNulIsRefusedBeforeAnyConnection(String name, String content, @TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("password");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        try (MockSmtpServer server = new MockSmtpServer()) {
            server.start();

            CliRun run = CliRun.of("probe", "--server", "127.0.0.1:" + server.port(), "-au", "me",
                    "--auth-password-file", file.toString());

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err().strip().lines()).hasSize(1);
            assertThat(run.err()).contains("contains a line break or NUL").doesNotContain("secret");
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void oneTrailingLineEndOfAPasswordFileIsNotPartOfThePassword() {
        assertThat(ProbeCommand.withoutLineEnd("secret\n")).isEqualTo("secret");
        assertThat(ProbeCommand.withoutLineEnd("secret\r\n")).isEqualTo("secret");
        assertThat(ProbeCommand.withoutLineEnd("secret")).isEqualTo("secret");
        assertThat(ProbeCommand.withoutLineEnd("secret\n\n")).isEqualTo("secret\n");
    }

    @Test
    void helpDocumentsTheOverallDeadlineAndTheDataEndLimit() {
        CliRun run = CliRun.of("probe", "--help");

        assertThat(run.out()).contains("--timeout").contains("Overall deadline: each host's whole conversation gets 4")
                .contains("--data-timeout").contains("end of the message");
    }

    @Test
    void helpShowsExamplesAndExitsZero() {
        CliRun run = CliRun.of("probe", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Examples:").contains("--starttls").contains("--auth-password-env");
    }

    @Test
    void versionIsPrinted() {
        CliRun run = CliRun.of("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("smtp-probe ");
    }

    @Test
    void shellCompletionScriptIsGenerated() {
        CliRun run = CliRun.of("generate-completion");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("smtp-probe").contains("complete");
    }
}
