package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whose fault: the probe's surroundings (its resolver, its trust anchors, the arguments it was given) or the
 * domain's. Each local fault must end in UNKNOWN (exit 3) or a one-line usage error naming the local cause, never in
 * a CRITICAL that tells the domain's owner to fix something. Real sockets and real DNS packets throughout.
 */
class LocalFaultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonSchema schema;

    private MockSmtpServer server;
    @TempDir
    Path dir;

    @BeforeAll
    static void loadSchema() throws Exception {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = Files.newInputStream(Path.of("..", "docs", "report.schema.json"))) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        }
    }

    @BeforeEach
    void startServer() throws Exception {
        server = new MockSmtpServer();
        server.hostName("localhost");
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** A UDP port on loopback that nothing listens on: queries to it come back as ICMP port unreachable. */
    private static String closedResolver() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void anUnreachableResolverIsUnknownWithTheLocalCauseInPlainWords() throws Exception {
        CliRun run = CliRun.of("probe", "example.test", "--resolver", closedResolver(), "--dns-retries", "0",
                "--dns-timeout", "5", "--no-color");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.firstLine()).startsWith("UNKNOWN").contains("No DNS resolver could be reached");
        assertThat(run.out()).contains("local-admin").contains("--resolver")
                .doesNotContain("PortUnreachableException").doesNotContain("449")
                .doesNotContain("domain's owner should check").doesNotContain("name servers failed");

        CliRun json = CliRun.of("probe", "example.test", "--resolver", closedResolver(), "--dns-retries", "0",
                "--format", "json");
        JsonNode report = parseValid(json.out());
        assertThat(json.exitCode()).isEqualTo(3);
        assertThat(report.at("/verdict").asText()).isEqualTo("UNKNOWN");
        assertThat(report.at("/findings").size()).as("one finding, no posture noise").isEqualTo(1);
        assertThat(report.at("/findings/0/id").asText()).isEqualTo("resolver-unreachable");
        assertThat(report.at("/findings/0/category").asText()).isEqualTo("local-error");
        assertThat(report.at("/findings/0/code").isNull()).isTrue();
    }

    @Test
    void aResolverThatRefusesToServeThisClientIsALocalFault() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer()) {
            dns.zone("other.test").a("www.other.test", "127.0.0.1"); // example.test is outside every zone: REFUSED
            dns.start();

            CliRun run = CliRun.of("probe", "example.test", "--resolver", dns.resolverSpec(), "--dns-retries", "0",
                    "--format", "json");

            JsonNode report = parseValid(run.out());
            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(report.at("/findings").size()).isEqualTo(1);
            assertThat(report.at("/findings/0/id").asText()).isEqualTo("resolver-refused");
            assertThat(report.at("/findings/0/actor").asText()).isEqualTo("local-admin");
        }
    }

    @Test
    void theDomainsOwnNameServersFailingIsTheDomainsFault() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer()) {
            dns.zone("example.test").mx(10, "mx.example.test").a("mx.example.test", "127.0.0.1");
            dns.servfail("example.test");
            dns.start();

            CliRun run = CliRun.of("probe", "example.test", "--resolver", dns.resolverSpec(), "--dns-retries", "0",
                    "--no-posture", "--format", "json");

            JsonNode report = parseValid(run.out());
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(report.at("/findings/0/category").asText()).isEqualTo("dns-failure");
            assertThat(report.at("/findings/0/code").isNull()).as("no server sent 449").isTrue();
            assertThat(report.at("/findings/0/catalogCode").asInt()).isEqualTo(449);
            assertThat(report.at("/findings/0/codeSource").asText()).isEqualTo("probe");
        }
    }

    @Test
    void aCaFileThatHoldsNoCertificateIsAUsageErrorBeforeAnyConnection() {
        CliRun run = CliRun.of("probe", "--server", "127.0.0.1:" + server.port(), "--ca-file", "/etc/passwd");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().strip()).doesNotContain("\n").contains("--ca-file /etc/passwd")
                .contains("no PEM certificate");
        assertThat(run.out()).isEmpty();
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void aCaFileEmptiedAfterItWasCheckedIsRefusedAtItsNextCheck() throws Exception {
        Path caFile = dev.smtpprobe.fixtures.TestCertificates.newAuthority("memo CA").writePem(dir.resolve("ca.pem"));
        ProbeCommand.checkTrustAnchors(caFile);
        // A batch checks the same file for every line and remembers it; the memory must not outlive a change.
        Files.writeString(caFile, "not a certificate\n");

        assertThatThrownBy(() -> ProbeCommand.checkTrustAnchors(caFile))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no PEM certificate");
    }

    @Test
    void aServerNameThatDoesNotResolveSaysSoAndIsNotBlamedOnAnMxSet() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer()) {
            dns.zone("example").a("mail.example", "127.0.0.1");
            dns.start();

            CliRun run = CliRun.of("probe", "--server", "nohost.example:2525", "--resolver", dns.resolverSpec(),
                    "--no-color");

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.firstLine()).startsWith("UNKNOWN").contains("Server name does not resolve");
            assertThat(run.out()).contains("nohost.example (given with --server)")
                    .doesNotContain("MX set").doesNotContain("Domain does not exist");
        }
    }

    @Test
    void ipv4OnlyAgainstAnMxWithOnlyIpv6SaysSoInsteadOfDenyingTheMx() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer()) {
            dns.zone("example.test").mx(10, "mx6.example.test").aaaa("mx6.example.test", "::1");
            dns.start();

            CliRun run = CliRun.of("probe", "example.test", "-4", "--resolver", dns.resolverSpec(), "--no-posture",
                    "--no-color");

            assertThat(run.firstLine()).contains("No IPv4 address for the MX");
            assertThat(run.out()).contains("mx6.example.test").contains("Use -6")
                    .doesNotContain("publishes no MX record").doesNotContain("remove it from the MX set");
        }
    }

    @Test
    void anAddressLiteralIsDialledDirectlyWithoutAskingDns() throws Exception {
        CliRun run = CliRun.of("probe", "alice@[127.0.0.1]", "--port", Integer.toString(server.port()),
                "--resolver", closedResolver(), "--ehlo", "probe.test", "--format", "json");

        JsonNode report = parseValid(run.out());
        assertThat(run.exitCode()).as(run.out()).isLessThan(2); // the mock offers no STARTTLS: a warning at most
        assertThat(report.at("/dns").isNull()).isTrue();
        assertThat(report.at("/findings").toString()).doesNotContain("dns-failure").doesNotContain("resolver");
        assertThat(report.at("/hosts/0/address").asText()).isEqualTo("127.0.0.1");
        assertThat(report.at("/hosts/0/steps").toString()).contains("RCPT TO:<alice@[127.0.0.1]>");
    }

    @Test
    void aBadAddressLiteralIsAUsageError() {
        CliRun run = CliRun.of("probe", "alice@[999.0.0.1]");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("not an address literal");
    }

    @Test
    void anUnbracketedIpv6AddressWithAPortLikeTailIsRefusedWithTheBracketedForm() {
        CliRun run = CliRun.of("probe", "--server", "::1:2537");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("[::1]:2537").contains("[::1:2537]");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aRefusedConnectionIsNeverShownLikeAServerReply() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }

        CliRun text = CliRun.of("probe", "--server", "127.0.0.1:" + closedPort, "--no-color", "--timeout", "5");
        CliRun json = CliRun.of("probe", "--server", "127.0.0.1:" + closedPort, "--format", "json", "--timeout", "5");
        CliRun nagios = CliRun.of("probe", "--server", "127.0.0.1:" + closedPort, "--format", "nagios", "--timeout", "5");

        assertThat(text.firstLine()).contains("Connection refused").contains("no server reply; catalog 111")
                .doesNotContain("(111)");
        assertThat(nagios.firstLine()).contains("no server reply; catalog 111");
        JsonNode f = parseValid(json.out()).at("/findings/0");
        assertThat(f.get("code").isNull()).isTrue();
        assertThat(f.get("catalogCode").asInt()).isEqualTo(111);
        assertThat(f.get("codeSource").asText()).isEqualTo("probe");
    }

    @Test
    void aRefusalAtTheGreetingIsWordedAsAboutTheClientNotAMessage() {
        server.greeting(Reply.of(554, "mock.test ESMTP not accepting messages"));

        CliRun run = CliRun.of("probe", "--server", "127.0.0.1:" + server.port(), "--no-color", "--timeout", "5",
                "--format", "json");

        JsonNode f = parseValid(run.out()).at("/findings/0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(f.get("phase").asText()).isEqualTo("banner");
        assertThat(f.get("title").asText()).isEqualTo("Server refuses this client at its greeting");
        assertThat(f.get("remedy").asText()).contains("not a message");
        assertThat(f.get("code").asInt()).isEqualTo(554);
        assertThat(f.get("codeSource").asText()).isEqualTo("server");
    }

    @Test
    void aBusyServerIsNotCalledBroken() {
        server.on("RCPT", Reply.of(421, "4.7.0 mock.test Service busy, closing transmission channel"));

        CliRun run = CliRun.of("probe", "--server", "127.0.0.1:" + server.port(), "--no-color", "--timeout", "5",
                "--rcpt", "bob@example.test");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.firstLine()).contains("Receiving server is busy or overloaded");
        assertThat(run.out()).doesNotContain("failed internally");
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
