package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.RecordedCommand;
import dev.smtpprobe.fixtures.RecordedMessage;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The probe command end to end: real sockets, real TLS, real DNS packets on loopback. */
class ProbeCommandTest {
    private static final String SECRET = "s3cret-Pa55word";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonSchema schema;

    private static TestCertificates.Authority ca;
    private MockSmtpServer server;
    @TempDir
    Path dir;
    private Path caFile;

    @BeforeAll
    static void loadSchemaAndCa() throws Exception {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = Files.newInputStream(Path.of("..", "docs", "report.schema.json"))) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        }
        ca = TestCertificates.newAuthority("cli test CA");
    }

    @BeforeEach
    void startServer() throws Exception {
        server = new MockSmtpServer();
        server.hostName("localhost").authOnlyAfterTls().startTls(ca.issue("localhost", "127.0.0.1"));
        server.start();
        caFile = dir.resolve("ca.pem");
        ca.writePem(caFile);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private List<String> serverArgs(String... more) {
        List<String> args = new ArrayList<>(List.of("probe", "--server", "localhost:" + server.port(),
                "--ca-file", caFile.toString(), "--ehlo", "probe.test", "--timeout", "5", "--no-color"));
        args.addAll(List.of(more));
        return args;
    }

    private CliRun run(List<String> args) {
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void healthyServerIsOkWithVerdictFirstAndExitZero() {
        CliRun run = run(serverArgs("--rcpt", "bob@example.test"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.firstLine()).startsWith("OK ");
        assertThat(run.out()).contains("TLSv1.").contains("RCPT TO:<bob@example.test>");
        assertThat(server.takeCommand().verb()).isEqualTo("EHLO");
        assertThat(server.takeCommand().verb()).isEqualTo("STARTTLS");
    }

    @Test
    void greylistingIsAWarningWithExitOne() {
        server.on("RCPT", Reply.of(450, "4.2.0 Greylisted, please try again in 300 seconds"));

        CliRun run = run(serverArgs("--rcpt", "bob@example.test"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.firstLine()).startsWith("WARNING").containsIgnoringCase("greylist");
    }

    @Test
    void unknownRecipientIsCriticalWithExitTwo() {
        server.rejectRecipient("nobody@example.test", Reply.of(550, "5.1.1 <nobody@example.test>: Recipient address rejected: User unknown"));

        CliRun run = run(serverArgs("--rcpt", "nobody@example.test", "--format", "json"));

        assertThat(run.exitCode()).isEqualTo(2);
        JsonNode json = parseValid(run.out());
        assertThat(json.at("/verdict").asText()).isEqualTo("CRITICAL");
        assertThat(json.at("/findings/0/category").asText()).isEqualTo("recipient-unknown");
        assertThat(json.at("/findings/0/code").asInt()).isEqualTo(550);
        assertThat(json.at("/findings/0/enhancedCode").asText()).isEqualTo("5.1.1");
    }

    @Test
    void refusedConnectionIsCriticalInNagiosFormat() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }

        CliRun run = CliRun.of("probe", "--server", "127.0.0.1:" + closedPort, "--format", "nagios", "--timeout", "5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.firstLine()).startsWith("SMTP CRITICAL - ").contains("|").contains("total=");
    }

    @Test
    void nagiosOkLineCarriesPerfdataWithCertificateDays() {
        CliRun run = run(serverArgs("--format", "nagios", "--quit-after", "tls"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.firstLine()).startsWith("SMTP OK - ").containsPattern("cert_days=\\d+;14:;3:");
    }

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void credentialsNeverAppearInAnyOutput(OutputFormat format) throws Exception {
        server.users(Map.of("me", SECRET));
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, SECRET + "\n", StandardCharsets.UTF_8);

        CliRun run = run(serverArgs("-au", "me", "--auth-password-file", passwordFile.toString(),
                "--rcpt", "bob@example.test", "--transcript", "--verbose", "--format", format.name()));

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("-> AUTH PLAIN <redacted>").contains("<- 235");
        String plainToken = Base64.getEncoder().encodeToString(("\0me\0" + SECRET).getBytes(StandardCharsets.UTF_8));
        String loginToken = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
        for (String output : List.of(run.out(), run.err())) {
            assertThat(output).doesNotContain(SECRET).doesNotContain(plainToken).doesNotContain(loginToken);
        }
        RecordedCommand auth = takeUntil("AUTH");
        assertThat(auth.rawLine()).contains(plainToken); // the server did get the secret: the probe only hides it
    }

    @Test
    void sendDeliversAGeneratedMessageWithUniqueMessageIdAndReportsTheQueueId() {
        CliRun run = run(serverArgs("--from", "probe@example.test", "--rcpt", "bob@example.test", "--send",
                "--format", "json"));

        assertThat(run.exitCode()).isZero();
        RecordedMessage message = server.takeMessage();
        assertThat(message.text()).containsPattern("(?m)^Message-ID: <[0-9a-f-]{36}@probe\\.test>$");
        JsonNode json = parseValid(run.out());
        assertThat(json.at("/queueId").asText()).isEqualTo(message.queueId());
        assertThat(message.text()).contains("Message-ID: <" + json.at("/messageId").asText() + ">");
    }

    @Test
    void withoutSendNoDataIsEverSent() {
        run(serverArgs("--rcpt", "bob@example.test"));

        List<String> verbs = new ArrayList<>();
        server.pollCommand(java.time.Duration.ofSeconds(5)).ifPresent(c -> verbs.add(c.verb()));
        for (var c = server.pollCommand(java.time.Duration.ofMillis(200)); c.isPresent();
                c = server.pollCommand(java.time.Duration.ofMillis(200))) {
            verbs.add(c.get().verb());
        }
        assertThat(verbs).contains("RCPT", "QUIT").doesNotContain("DATA");
    }

    @Test
    void domainProbeResolvesMxThroughTheGivenResolverAndAsksForPostmaster() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer()) {
            dns.zone("example.test").mx(10, "localhost.example.test").a("localhost.example.test", "127.0.0.1");
            dns.start();

            CliRun run = CliRun.of("probe", "example.test", "--resolver", dns.resolverSpec(), "--port",
                    Integer.toString(server.port()), "--ca-file", caFile.toString(), "--ehlo", "probe.test",
                    "--format", "json", "--no-posture");

            JsonNode json = parseValid(run.out());
            assertThat(json.at("/dns/hosts/0/name").asText()).isEqualTo("localhost.example.test");
            assertThat(json.at("/hosts/0/steps").toString()).contains("RCPT TO:<postmaster@example.test>");
        }
    }

    @Test
    void metricsFileHoldsPrometheusTextOfTheProbe() throws Exception {
        Path metrics = dir.resolve("probe.prom");

        CliRun run = run(serverArgs("--rcpt", "bob@example.test", "--metrics-file", metrics.toString(), "--quiet"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(Files.readString(metrics)).contains("smtp_probe_phase_seconds_count{").contains("phase=\"rcpt\"")
                .contains("family=\"ipv4\"").contains("smtp_probe_verdict ");
        // node_exporter reads the file as another user.
        assertThat(java.nio.file.Files.getPosixFilePermissions(metrics))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void timeThresholdsRaiseTheVerdictInEveryFormatAndShowInNagiosPerfdata() throws Exception {
        Path metrics = dir.resolve("thresholds.prom");
        CliRun nagios = run(serverArgs("--rcpt", "bob@example.test", "--format", "nagios", "--warn-time", "0.001",
                "--crit-time", "60", "--warn-time", "banner=30", "--metrics-file", metrics.toString()));
        assertThat(nagios.exitCode()).as(nagios.err()).isEqualTo(1);
        // The gauge follows the verdict the report gives, thresholds included.
        assertThat(Files.readString(metrics)).contains("smtp_probe_verdict 1.0");
        assertThat(nagios.out()).startsWith("SMTP WARNING - The probe took").contains(";0.001;60.000;0")
                .contains("banner=").contains("s;30.000;;0");
        CliRun json = run(serverArgs("--rcpt", "bob@example.test", "--format", "json", "--crit-time", "0.001"));
        assertThat(json.exitCode()).isEqualTo(2);
        assertThat(parseValid(json.out()).at("/findings/0/id").asText()).isEqualTo("probe-slow");

        CliRun bad = run(serverArgs("--warn-time", "bogus=1"));
        assertThat(bad.exitCode()).isEqualTo(3);
        assertThat(bad.err()).contains("no phase 'bogus'");
        CliRun inverted = run(serverArgs("--warn-time", "5", "--crit-time", "1"));
        assertThat(inverted.err()).contains("--warn-time must not exceed --crit-time");
    }

    @Test
    void stateDirReportsWhatChangedSinceThePreviousRun() throws Exception {
        Path state = dir.resolve("state");
        CliRun first = run(serverArgs("--rcpt", "bob@example.test", "--format", "json", "--state-dir", state.toString()));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(parseValid(first.out()).at("/findings").toString()).doesNotContain("drift-");
        Path file;
        try (var files = Files.list(state)) {
            file = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        // As if the previous run had seen another certificate from the same CA, and another server banner.
        JsonNode previous = JSON.readTree(file.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) previous).put("certificateSha256", "00:11")
                .put("banner", "220 old banner");
        Files.writeString(file, previous.toString());

        Path metrics = dir.resolve("drift.prom");
        CliRun second = run(serverArgs("--rcpt", "bob@example.test", "--format", "json", "--state-dir", state.toString(),
                "--metrics-file", metrics.toString()));
        JsonNode json = parseValid(second.out());
        assertThat(json.at("/findings").toString()).contains("drift-certificate-renewed").contains("drift-banner")
                .doesNotContain("drift-mx");
        assertThat(second.exitCode()).isZero();
        assertThat(Files.readString(metrics)).contains("smtp_probe_drift_total{kind=\"certificate_renewed\"} 1.0");
        // The second run is the new baseline: a third finds nothing.
        CliRun third = run(serverArgs("--rcpt", "bob@example.test", "--format", "json", "--state-dir", state.toString()));
        assertThat(parseValid(third.out()).at("/findings").toString()).doesNotContain("drift-");
    }

    @Test
    void aMetricsFileThatIsADirectoryOrInAMissingDirectoryFailsBeforeProbing() {
        CliRun intoDir = run(serverArgs("--rcpt", "bob@example.test", "--metrics-file", dir.toString()));
        CliRun missing = run(serverArgs("--rcpt", "bob@example.test", "--metrics-file",
                dir.resolve("no-such-dir/probe.prom").toString()));

        assertThat(intoDir.exitCode()).isEqualTo(3);
        assertThat(intoDir.err().strip()).contains("is a directory").doesNotContain("\n");
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err().strip()).contains("does not exist").doesNotContain("\n");
        assertThat(server.commandCount()).isZero();
    }

    private RecordedCommand takeUntil(String verb) {
        for (int i = 0; i < 20; i++) {
            RecordedCommand c = server.takeCommand();
            if (c.verb().equals(verb)) {
                return c;
            }
        }
        throw new AssertionError("no " + verb + " command recorded");
    }

    private static JsonNode parseValid(String text) {
        try {
            JsonNode json = JSON.readTree(text);
            assertThat(schema.validate(json)).as("schema errors").isEmpty();
            return json;
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
