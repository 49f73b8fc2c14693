package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.socks.Socks5Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** --proxy, its password options and --proxy-protocol on the command line: usage errors, and no secret in output. */
class ProxyOptionsTest {
    private static final String SECRET = "very-secret-proxy-pw";

    static Stream<Arguments> badProxyInput() {
        return Stream.of(
                Arguments.of("wrong scheme", new String[] {"--proxy", "http://127.0.0.1:3128"}, "only socks5://"),
                Arguments.of("socks5h", new String[] {"--proxy", "socks5h://127.0.0.1:1080"}, "socks5h"),
                Arguments.of("no port", new String[] {"--proxy", "socks5://127.0.0.1"}, "needs a port"),
                Arguments.of("port out of range", new String[] {"--proxy", "socks5://127.0.0.1:65536"}, "1 to 65535"),
                Arguments.of("CR LF", new String[] {"--proxy", "socks5://127.0.0.1:1080\r\nQUIT"}, "line break"),
                Arguments.of("no scheme", new String[] {"--proxy", "127.0.0.1:1080"}, "socks5://[user@]host:port"),
                Arguments.of("password in the URI", new String[] {"--proxy", "socks5://me:" + SECRET + "@127.0.0.1:1080"},
                        "must not carry a password"),
                Arguments.of("user without password", new String[] {"--proxy", "socks5://me@127.0.0.1:1080"},
                        "--proxy-password-env or --proxy-password-file"),
                Arguments.of("password without user", new String[] {"--proxy", "socks5://127.0.0.1:1080",
                        "--proxy-password-env", "HOME"}, "names no user"),
                Arguments.of("password without proxy", new String[] {"--proxy-password-env", "HOME"}, "need --proxy"),
                Arguments.of("both password sources", new String[] {"--proxy", "socks5://me@127.0.0.1:1080",
                        "--proxy-password-env", "HOME", "--proxy-password-file", "/etc/hostname"}, "not both"),
                Arguments.of("unset variable", new String[] {"--proxy", "socks5://me@127.0.0.1:1080",
                        "--proxy-password-env", "SMTP_PROBE_TEST_SURELY_UNSET"}, "not set"),
                Arguments.of("LF in the password", new String[] {"--proxy", "socks5://me@127.0.0.1:1080",
                        "--proxy-password-env", "SMTP_PROBE_TEST_PASSWORD_LF"}, "contains a line break or NUL"),
                Arguments.of("unresolvable proxy host", new String[] {"--proxy", "socks5://proxy.invalid:1080"},
                        "does not resolve"),
                Arguments.of("bad header version", new String[] {"--proxy-protocol", "v3"}, "v1|v2"),
                Arguments.of("header through SOCKS", new String[] {"--proxy", "socks5://127.0.0.1:1080",
                        "--proxy-protocol", "v1"}, "cannot be sent through a SOCKS proxy"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badProxyInput")
    void badProxyInputIsOneLineAndExitThreeBeforeAnyConnection(String name, String[] extra) {
        try (MockSmtpServer server = new MockSmtpServer()) {
            server.start();
            String[] args = Stream.concat(Stream.of("probe", "--server", "127.0.0.1:" + server.port()),
                    Stream.of(extra)).toArray(String[]::new);
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.out()).isEmpty();
            assertThat(run.err().strip().lines()).hasSize(1);
            assertThat(run.err()).doesNotContain("Exception").doesNotContain(SECRET).doesNotContain("QUIT");
            assertThat(server.connectionCount()).isZero();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aProbeThroughTheProxyNeverShowsThePassword(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("proxy-password");
        Files.writeString(pw, SECRET + "\n", StandardCharsets.UTF_8);
        try (MockSmtpServer server = new MockSmtpServer();
             Socks5Server socks = Socks5Server.start().requirePassword("probeuser", SECRET)) {
            server.start();
            for (String format : new String[] {"text", "json", "nagios", "html"}) {
                CliRun run = CliRun.of("probe", "--server", "127.0.0.1:" + server.port(), "--no-posture",
                        "--ehlo", "probe.test", "--proxy", socks.uri(), "--proxy-password-file", pw.toString(),
                        "--transcript", "-v", "--format", format, "--quit-after", "ehlo");
                assertThat(run.out() + run.err()).as(format).doesNotContain(SECRET).doesNotContain("probeuser@");
                assertThat(run.exitCode()).as(run.out() + run.err()).isLessThan(2);
                if (format.equals("text")) {
                    assertThat(run.out()).contains("Via        the SOCKS5 proxy 127.0.0.1:" + socks.port());
                }
                if (format.equals("json")) {
                    assertThat(run.out()).contains("\"proxy\" : \"socks5://127.0.0.1:" + socks.port() + "\"");
                }
                assertThat(socks.takeRequest().authAccepted()).isTrue();
            }
        }
    }

    @Test
    void aDeadProxyIsUnknownNotTheServersFault() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (MockSmtpServer server = new MockSmtpServer()) {
            server.start();
            CliRun run = CliRun.of("probe", "--server", "127.0.0.1:" + server.port(), "--no-posture",
                    "--proxy", "socks5://127.0.0.1:" + closed);
            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.out()).startsWith("UNKNOWN").contains("SOCKS proxy 127.0.0.1:" + closed
                    + " refused the connection").doesNotContain("Exception");
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void proxyProtocolOnTheCommandLine() throws Exception {
        try (MockSmtpServer server = new MockSmtpServer()) {
            server.expectProxyHeader().start();
            CliRun run = CliRun.of("probe", "--server", "127.0.0.1:" + server.port(), "--no-posture",
                    "--ehlo", "probe.test", "--proxy-protocol", "v2", "--quit-after", "ehlo", "--format", "json");
            assertThat(run.exitCode()).as(run.err()).isLessThan(2);
            assertThat(server.takeProxyHeader().version()).hasValue("V2");
            assertThat(run.out()).contains("\"proxyProtocol\" : \"v2\"");
        }
    }

    @Test
    void batchLinesTakeTheProxyToo() throws Exception {
        try (MockSmtpServer server = new MockSmtpServer(); Socks5Server socks = Socks5Server.start()) {
            server.start();
            Path dir = Files.createTempDirectory("batch-proxy");
            Path in = dir.resolve("in.txt");
            Files.writeString(in, "{\"server\":\"127.0.0.1:" + server.port() + "\",\"proxy\":\"" + socks.uri()
                    + "\",\"quitAfter\":\"ehlo\"}\n");
            CliRun run = CliRun.of("batch", "-i", in.toString(), "--no-posture", "--ehlo", "probe.test");
            assertThat(run.out()).contains("\"proxy\":\"socks5://127.0.0.1:" + socks.port() + "\"");
            assertThat(socks.takeRequest().targetPort()).isEqualTo(server.port());
        }
    }
}
