package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve end to end on loopback: a mock SMTP server as the target, real HTTP to the endpoints. */
class ServeServerTest {

    @TempDir
    Path dir;
    private MockSmtpServer smtp;
    private dev.smtpprobe.fixtures.dns.FakeDnsServer dns;
    private ServeServer serve;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        TestCertificates.Authority ca = TestCertificates.newAuthority("serve test CA");
        Path caFile = dir.resolve("ca.pem");
        ca.writePem(caFile);
        smtp = new MockSmtpServer();
        smtp.hostName("localhost").authOnlyAfterTls().startTls(ca.issue("localhost", "127.0.0.1"));
        smtp.start();
        dns = new dev.smtpprobe.fixtures.dns.FakeDnsServer();
        dns.zone("example.test").mx(10, "localhost.example.test").a("localhost.example.test", "127.0.0.1");
        dns.start();
        String yaml = """
                jitter: 0s
                concurrency: 2
                modules:
                  loopback:
                    ca-file: %s
                    ehlo: probe.test
                    timeout: 5
                    rcpt: postmaster@example.test
                  loopback-mx:
                    ca-file: %s
                    ehlo: probe.test
                    timeout: 5
                    resolver: "%s"
                    port: %d
                    no-posture: true
                targets:
                  - name: local-mx
                    server: "127.0.0.1:%d"
                    module: loopback
                    schedule: 1h
                    labels: { team: "mail <ops>" }
                  - name: local-domain
                    domain: example.test
                    module: loopback-mx
                    schedule: 1h
                """.formatted(caFile, caFile, dns.resolverSpec(), smtp.port(), smtp.port());
        ServeConfig config = ServeConfig.parse("probes.yaml", yaml);
        serve = new ServeServer(config, ServeCommand.parseListen("127.0.0.1:0"), Clock.systemUTC());
        serve.start();
    }

    @AfterEach
    void stop() {
        serve.close();
        smtp.close();
        dns.close();
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serve.address().getPort() + path))
                .timeout(Duration.ofSeconds(60));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitFirstRun() throws InterruptedException {
        awaitRun("local-mx");
    }

    private void awaitRun(String name) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (serve.scheduler().last(name).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(serve.scheduler().last(name)).isPresent();
    }

    @Test
    void scheduledRunFeedsMetricsStatusPageAndReports() throws Exception {
        awaitFirstRun();

        HttpResponse<String> metrics = get("/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(metrics.body()).contains("smtp_probe_phase_seconds_bucket{")
                .contains("target=\"local-mx\"").contains("team=\"mail <ops>\"")
                .contains("smtp_probe_verdict{").doesNotContain("127.0.0.1");
        HttpResponse<String> open = get("/metrics", "application/openmetrics-text; version=1.0.0");
        assertThat(open.headers().firstValue("Content-Type").orElse("")).startsWith("application/openmetrics-text");
        assertThat(open.body()).contains("# EOF");

        assertThat(get("/healthz", null).body()).isEqualTo("ok\n");
        HttpResponse<String> status = get("/", null);
        assertThat(status.body()).contains("<a href=\"/report/local-mx\">local-mx</a>").contains("OK");
        HttpResponse<String> json = get("/report/local-mx", "application/json");
        assertThat(json.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(json.body()).contains("\"verdict\"");
        HttpResponse<String> html = get("/report/local-mx", "text/html");
        assertThat(html.body()).startsWith("<!DOCTYPE html>").contains("id=\"verdict\"").contains("class=\"waterfall\"");
        assertThat(get("/report/nope", null).statusCode()).isEqualTo(404);
    }

    @Test
    void probeEndpointRunsOneProbeOfAnAllowedTargetAndRefusesOthers() throws Exception {
        HttpResponse<String> probe = get("/probe?target=local-mx", null);
        assertThat(probe.statusCode()).isEqualTo(200);
        assertThat(probe.body()).contains("probe_success 1.0").contains("probe_duration_seconds ")
                .contains("smtp_probe_phase_seconds_count{").doesNotContain("target=\"");

        assertThat(get("/probe?target=192.0.2.1:25&module=loopback", null).statusCode()).isEqualTo(403);
        assertThat(get("/probe", null).statusCode()).isEqualTo(400);
        assertThat(get("/probe?target=local-mx&module=nope", null).statusCode()).isEqualTo(400);
    }

    @Test
    void everyQueryOfTheSampleDashboardNamesAMetricServeExports() throws Exception {
        awaitFirstRun();
        awaitRun("local-domain");
        java.util.Set<String> exported = new java.util.TreeSet<>();
        for (String body : java.util.List.of(get("/metrics", null).body(), get("/probe?target=local-mx", null).body())) {
            body.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .map(l -> l.split("[{ ]", 2)[0]).forEach(exported::add);
        }
        com.fasterxml.jackson.databind.JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Path.of("..", "samples", "serve", "grafana-dashboard.json").toFile());
        java.util.List<String> exprs = dashboard.findValues("expr").stream().map(n -> n.asText()).toList();
        assertThat(exprs).hasSizeGreaterThan(5);
        java.util.regex.Pattern metric = java.util.regex.Pattern.compile("\\b((?:smtp_)?probe_[a-z_]+)\\b");
        for (String expr : exprs) {
            java.util.regex.Matcher m = metric.matcher(expr);
            assertThat(m.find()).as("a metric in " + expr).isTrue();
            do {
                assertThat(exported).as(expr).contains(m.group(1));
            } while (m.find());
        }
    }
}
