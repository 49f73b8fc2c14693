package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.fixtures.peers.PrometheusPeer;
import dev.smtpprobe.fixtures.peers.RealPeerTest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * serve under a real Prometheus: it scrapes /metrics and /probe on loopback, and its query API returns what serve
 * exported. In the cli package (of probe-cli) so that it can run serve in-process and stop it.
 */
@RealPeerTest("prometheus")
class PrometheusServeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesServeAndFindsTheProbeSucceeded(PrometheusPeer prometheus) throws Exception {
        TestCertificates.Authority ca = TestCertificates.newAuthority("prometheus test CA");
        Path caFile = dir.resolve("ca.pem");
        ca.writePem(caFile);
        try (MockSmtpServer smtp = new MockSmtpServer()) {
            smtp.hostName("localhost").authOnlyAfterTls().startTls(ca.issue("localhost", "127.0.0.1"));
            smtp.start();
            Path config = dir.resolve("probes.yaml");
            Files.writeString(config, """
                    jitter: 0s
                    modules:
                      loopback: { ca-file: "%s", ehlo: probe.test, timeout: 5, rcpt: postmaster@example.test }
                    targets:
                      - { name: local-mx, server: "127.0.0.1:%d", module: loopback, schedule: 1h }
                    """.formatted(caFile, smtp.port()));
            try (ServeServer serve = new ServeServer(ServeConfig.load(config), ServeCommand.parseListen("127.0.0.1:0"),
                    Clock.systemUTC())) {
                serve.start();
                String address = "127.0.0.1:" + serve.address().getPort();
                prometheus.scrapeMetrics("serve", address);
                prometheus.scrapeProbe("serve", address, "local-mx", "loopback");
                try {
                    assertThat(awaitValue(prometheus, "probe_success{job=\"smtp-probe-now\",target=\"local-mx\"}"))
                            .isEqualTo("1");
                    assertThat(awaitValue(prometheus, "smtp_probe_verdict{job=\"smtp-probe\",target=\"local-mx\"}"))
                            .isEqualTo("0");
                    assertThat(awaitValue(prometheus,
                            "sum(smtp_probe_phase_seconds_count{job=\"smtp-probe\",phase=\"rcpt\"})")).isEqualTo("1");
                } finally {
                    prometheus.forget("serve");
                }
            }
        }
    }

    @Test
    void theSampleAlertRulesAndScrapeConfigPassPromtool() throws Exception {
        Path samples = Path.of("..", "samples", "serve").toAbsolutePath().normalize();
        for (List<String> cmd : List.of(
                List.of("promtool", "check", "rules", samples.resolve("smtp-probe.rules.yml").toString()),
                List.of("promtool", "check", "config", samples.resolve("prometheus.yml").toString()))) {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
            assertThat(out).contains("SUCCESS");
        }
    }

    /** Polls an instant query until it returns one sample (bounded: Prometheus scrapes every 1 to 5 s here). */
    private String awaitValue(PrometheusPeer prometheus, String promql) throws Exception {
        Instant deadline = Instant.now().plusSeconds(90);
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(prometheus.queryUri(promql))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            last = r.body();
            JsonNode result = JSON.readTree(r.body()).at("/data/result");
            if (result.isArray() && result.size() == 1) {
                return result.get(0).at("/value/1").asText();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no sample for " + promql + " in 90 s; last answer: " + last
                + List.of(prometheus.details().directory()));
    }
}
