package dev.smtpprobe.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.smtpprobe.fixtures.MockSmtpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar's serve as systemd runs it: a real process, stopped with SIGTERM. */
class ServeProcessTest {

    private static final Path JAR = Path.of("..", "probe-cli", "target", "smtp-probe.jar");

    @TempDir
    Path dir;

    @Test
    void sigtermStopsServeCleanly() throws Exception {
        assumeThat(JAR).as("the shaded jar (mvn package)").exists();
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (MockSmtpServer smtp = new MockSmtpServer()) {
            smtp.start();
            Path config = dir.resolve("probes.yaml");
            Files.writeString(config, """
                    jitter: 0s
                    modules:
                      plain: { starttls: never, ehlo: probe.test, timeout: 5, rcpt: postmaster@example.test }
                    targets:
                      - { name: local, server: "127.0.0.1:%d", module: plain, schedule: 1h }
                    """.formatted(smtp.port()));
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process serve = new ProcessBuilder(java.toString(), "-Xmx128m", "-jar", JAR.toString(), "serve",
                    config.toString(), "--listen", "127.0.0.1:" + port, "--state-dir", dir.resolve("state").toString())
                    .redirectError(dir.resolve("stderr.txt").toFile()).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
                String first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (java.io.IOException e) {
                        return null;
                    }
                }).get(60, TimeUnit.SECONDS);
                assertThat(first).contains("serving 1 target(s) on http://127.0.0.1:" + port + "/");
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.body()).isEqualTo("ok\n");

                serve.destroy(); // SIGTERM
                assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("serve stops within 30 s of SIGTERM").isTrue();
                assertThat(serve.exitValue()).isEqualTo(143);
                assertThat(Files.readString(dir.resolve("stderr.txt"))).doesNotContain("Exception");
            } finally {
                serve.destroyForcibly();
            }
        }
    }
}
