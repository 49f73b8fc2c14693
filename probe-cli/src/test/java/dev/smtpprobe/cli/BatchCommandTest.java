package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code batch} end to end against MockSmtpServer (and FakeDnsServer) on loopback. */
class BatchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonSchema schema;

    private MockSmtpServer server;
    @TempDir
    Path dir;

    @BeforeAll
    static void loadSchema() throws IOException {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = Files.newInputStream(Path.of("..", "docs", "report.schema.json"))) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        }
    }

    @BeforeEach
    void startServer() throws IOException {
        server = new MockSmtpServer().start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private String serverLine(String rcpt) {
        return "{\"server\":\"127.0.0.1:" + server.port() + "\",\"rcpt\":[\"" + rcpt + "\"],\"quitAfter\":\"rcpt\"}";
    }

    private Path input(List<String> lines) throws IOException {
        Path file = Files.createTempFile(dir, "targets", ".txt");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static CliRun batch(Path input, String... more) {
        List<String> args = new ArrayList<>(List.of("batch", "-i", input.toString(), "--per-domain-rate", "0",
                "--ehlo", "probe.test", "--timeout", "5", "--no-posture"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static List<JsonNode> lines(String text) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static List<String> inputsOf(List<JsonNode> lines) {
        return lines.stream().map(n -> n.get("batchInput").asText()).toList();
    }

    @Test
    void everyTargetGetsExactlyOneSchemaValidReportAndBadLinesAnErrorLine() throws IOException {
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            good.add(serverLine("user" + i + "@example.test"));
        }
        good.add("127.0.0.1:" + server.port());
        List<String> bad = List.of("{not json", "{\"bogus\":1,\"server\":\"127.0.0.1:1\"}",
                "{\"server\":\"127.0.0.1:" + server.port() + "\",\"quitAfter\":\"data\"}", "not a domain!");
        List<String> all = new ArrayList<>(good);
        all.add(3, bad.get(0));
        all.add(7, bad.get(1));
        all.addAll(bad.subList(2, 4));
        all.add("# a comment");
        all.add("");

        CliRun run = batch(input(all), "--concurrency", "4");

        List<JsonNode> out = lines(run.out());
        assertThat(out).hasSize(good.size() + bad.size());
        List<JsonNode> reports = out.stream().filter(n -> !n.has("error")).toList();
        List<JsonNode> errors = out.stream().filter(n -> n.has("error")).toList();
        assertThat(inputsOf(reports)).containsExactlyInAnyOrderElementsOf(good);
        assertThat(inputsOf(errors)).containsExactlyInAnyOrderElementsOf(bad);
        for (JsonNode report : reports) {
            assertThat(schema.validate(report)).as(report.toString()).isEmpty();
        }
        assertThat(errors).allSatisfy(e -> assertThat(e.get("error").asText()).doesNotContain("\n").isNotBlank());
        assertThat(errors.stream().filter(e -> e.get("batchInput").asText().contains("bogus")).findFirst().get()
                .get("error").asText()).contains("unknown key 'bogus'");
        assertThat(run.exitCode()).as("a bad line is the worst verdict: UNKNOWN").isEqualTo(3);
        JsonNode summary = JSON.readTree(run.err().strip());
        assertThat(summary.get("reports").asInt()).isEqualTo(good.size());
        assertThat(summary.get("errors").asInt()).isEqualTo(bad.size());
        assertThat(summary.at("/verdicts").size()).isPositive();
    }

    @Test
    void perLineOptionsOverrideTheCommandLineAndRepeatableOnesReplace() throws IOException {
        Path in = input(List.of(serverLine("line@example.test"), "127.0.0.1:" + server.port()));

        CliRun run = batch(in, "--rcpt", "cli@example.test", "--quit-after", "mail", "--concurrency", "1");

        List<JsonNode> out = lines(run.out());
        assertThat(out).hasSize(2);
        String first = out.stream().filter(n -> n.get("batchInput").asText().startsWith("{")).findFirst().get()
                .toString();
        String second = out.stream().filter(n -> !n.get("batchInput").asText().startsWith("{")).findFirst().get()
                .toString();
        assertThat(first).contains("RCPT TO:<line@example.test>").doesNotContain("cli@example.test");
        assertThat(second).contains("MAIL FROM:").doesNotContain("RCPT TO:");
    }

    @Test
    void eachLineGetsOnlyItsOwnRepeatableValues() throws IOException {
        Path in = input(List.of(serverLine("one@example.test"), serverLine("two@example.test"),
                "{\"server\":\"127.0.0.1:" + server.port() + "\",\"quitAfter\":\"mail\"}"));

        List<JsonNode> out = lines(batch(in, "--concurrency", "1").out());

        assertThat(out).hasSize(3);
        for (JsonNode n : out) {
            String input = n.get("batchInput").asText();
            String report = n.toString();
            if (input.contains("one@")) {
                assertThat(report).contains("RCPT TO:<one@example.test>").doesNotContain("two@example.test");
            } else if (input.contains("two@")) {
                assertThat(report).contains("RCPT TO:<two@example.test>").doesNotContain("one@example.test");
            } else {
                assertThat(report).doesNotContain("RCPT TO:");
            }
        }
    }

    @Test
    void summaryGoesToTheSummaryFileAndExitIsTheWorstVerdict() throws IOException {
        server.rejectRecipient("nobody@example.test", Reply.of(550, "5.1.1 <nobody@example.test>: User unknown"));
        Path summary = dir.resolve("summary.json");

        CliRun run = batch(input(List.of(serverLine("ok@example.test"), serverLine("nobody@example.test"))),
                "--summary", summary.toString());

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(2);
        JsonNode s = JSON.readTree(Files.readString(summary));
        assertThat(s.at("/verdicts/CRITICAL").asInt()).isEqualTo(1);
        assertThat(s.at("/categories/recipient-unknown").asInt()).isEqualTo(1);
    }

    @Test
    void resumeAfterAKillMidLineGivesExactlyOneLinePerTarget() throws IOException {
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            targets.add(serverLine("r" + i + "@example.test"));
        }
        Path in = input(targets);
        Path out = dir.resolve("out.jsonl");
        assertThat(batch(in, "--resume", out.toString()).exitCode()).isLessThan(3);
        List<String> written = Files.readAllLines(out);
        assertThat(written).hasSize(6);

        // Simulate a kill: three whole lines, then half of the fourth.
        String cut = String.join("\n", written.subList(0, 3)) + "\n"
                + written.get(3).substring(0, written.get(3).length() / 2);
        Files.writeString(out, cut);
        int before = server.connectionCount();

        CliRun again = batch(in, "--resume", out.toString());

        assertThat(server.connectionCount() - before).as("only the missing targets are probed").isEqualTo(3);
        List<JsonNode> all = lines(Files.readString(out));
        assertThat(inputsOf(all)).containsExactlyInAnyOrderElementsOf(targets);
        assertThat(JSON.readTree(again.err().strip()).get("skippedAsDone").asInt()).isEqualTo(3);
    }

    @Test
    void perHostLimitIsNeverExceeded() throws IOException {
        // Slow replies keep sessions open long enough to overlap if the limit let them.
        server.on("RCPT", Reply.builder().code(250).line("2.1.5 Ok").delay(Duration.ofMillis(40)).build());
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            targets.add(serverLine("h" + i + "@example.test"));
        }

        CliRun run = batch(input(targets), "--concurrency", "12", "--per-host", "2");

        assertThat(lines(run.out())).hasSize(12);
        assertThat(server.connectionCount()).isEqualTo(12);
        assertThat(server.peakOpenConnections()).isBetween(1, 2);
    }

    @Test
    void greylistedRecipientIsRetriedAfterTheBackOff() throws IOException {
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        server.on("RCPT", c -> seen.computeIfAbsent(c.args(), a -> new AtomicInteger()).incrementAndGet() == 1
                ? Reply.of(450, "4.2.0 Greylisted, please try again in 300 seconds")
                : Reply.of(250, "2.1.5 Ok"));

        CliRun run = batch(input(List.of(serverLine("grey@example.test"))), "--retry-transient", "20ms");

        JsonNode report = lines(run.out()).get(0);
        assertThat(seen.values()).singleElement().satisfies(n -> assertThat(n).hasValue(2));
        assertThat(report.toString()).as("the retry's result is the one reported").contains("2.1.5 Ok")
                .doesNotContain("Greylisted");
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void withoutRetryTransientGreylistingIsReportedAsIs() throws IOException {
        server.on("RCPT", Reply.of(450, "4.2.0 Greylisted, please try again in 300 seconds"));

        CliRun run = batch(input(List.of(serverLine("grey@example.test"))));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void shardsPartitionTheInput() throws IOException {
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            targets.add(serverLine("s" + i + "@example.test"));
        }
        Path in = input(targets);
        List<String> union = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            union.addAll(inputsOf(lines(batch(in, "--shard", k + "/3").out())));
        }
        assertThat(union).as("pairwise disjoint, and together every target").containsExactlyInAnyOrderElementsOf(targets);
    }

    @Test
    void shardOfAKeyIsOneOfNForAnyN() {
        for (int n = 1; n <= 7; n++) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 500; i++) {
                String key = BatchTargets.key("Domain" + i + ".example");
                int hits = 0;
                for (int k = 1; k <= n; k++) {
                    hits += BatchTargets.inShard(key, k, n) ? 1 : 0;
                }
                assertThat(hits).isEqualTo(1);
                seen.add(key);
            }
            assertThat(seen).hasSize(500);
        }
        assertThat(BatchTargets.key(" Example.COM ")).isEqualTo(BatchTargets.key("example.com"));
        assertThat(BatchTargets.key("{\"b\":1, \"a\":2}")).isEqualTo(BatchTargets.key("{\"a\":2,\"b\":1}"));
    }

    @Test
    void oneMxLookupPerDomainSharedByItsTargets() throws IOException {
        try (FakeDnsServer dns = new FakeDnsServer()) {
            dns.zone("shared.test").mx(10, "mx.shared.test").a("mx.shared.test", "127.0.0.1");
            dns.start();
            List<String> targets = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                targets.add("u" + i + "@shared.test");
            }

            CliRun run = batch(input(targets), "--port", Integer.toString(server.port()), "--resolver",
                    dns.resolverSpec(), "--quit-after", "rcpt");

            assertThat(lines(run.out())).hasSize(5).allSatisfy(n -> assertThat(n.has("error")).isFalse());
            long mxQueries = dns.drainQueries().stream()
                    .filter(q -> q.type().equals("MX") && q.name().toLowerCase().startsWith("shared.test")).count();
            assertThat(mxQueries).isEqualTo(1);
        }
    }

    @Test
    void badSharedOptionsAreOneUsageLine() throws IOException {
        CliRun run = batch(input(List.of("example.test")), "--starttls", "sometimes");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).doesNotContain("\n").contains("--starttls");
    }
}
