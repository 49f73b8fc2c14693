package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.fixtures.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server that writes terminal escapes, NUL, DEL, C1 controls and bidi overrides into its banner, its EHLO keywords
 * and parameters, a rejection and its certificate's issuer: whatever the format, nothing of it reaches standard
 * output or standard error raw, and what a JSON consumer decodes ({@code jq -r}) is free of control characters too.
 */
class HostileTextOutputTest {
    /** ESC [2J clears the screen, OSC 52 writes the clipboard, CSI as one C1 byte, U+202E reverses text. */
    private static final String EVIL = "\u001b[2J\u001b]52;c;aGk=\u0007\u0000\u007f\u009b\u0085\u202e";
    private static final ObjectMapper JSON = new ObjectMapper();

    private MockSmtpServer server;
    @TempDir
    Path dir;
    private Path caFile;

    @BeforeEach
    void hostileServer() throws Exception {
        TestCertificates.Authority ca = TestCertificates.newAuthority("Evil" + "\u001b[2J\u0007\u202e" + "CA");
        caFile = ca.writePem(dir.resolve("ca.pem"));
        server = new MockSmtpServer();
        server.greeting(Reply.raw("220 localhost ESMTP " + EVIL + " ready\r\n"));
        server.ehloExtensions("PIPELINING", "STARTTLS", "X-EVIL" + EVIL + " param" + EVIL, "SIZE 1000" + EVIL);
        server.rejectRecipient("bob@example.test", Reply.raw("550 5.1.1 no such user " + EVIL + " \u00ff\r\n"));
        server.on("MAIL", Reply.raw("250 2.1.0 ok " + EVIL + "\r\n"));
        server.startTls(ca.issue("localhost", "127.0.0.1"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CliRun probe(String format, String... more) {
        List<String> args = new ArrayList<>(List.of("probe", "--server", "localhost:" + server.port(), "--ca-file",
                caFile.toString(), "--ehlo", "probe.test", "--timeout", "5", "--no-color", "--rcpt", "bob@example.test",
                "--transcript", "--verbose", "--format", format));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** Every character a terminal or viewer would act on, except the line ends that separate output lines. */
    private static void assertNoRawControl(String what, String output) {
        for (int i = 0; i < output.length(); i++) {
            char c = output.charAt(i);
            boolean control = (c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f)
                    || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
            assertThat(control).as("%s has U+%04X at %d: ...%s...", what, (int) c, i,
                    output.substring(Math.max(0, i - 40), Math.min(output.length(), i + 10))).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void noRawControlReachesStdoutOrStderrInAnyFormat(OutputFormat format) {
        CliRun run = probe(format.name());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertNoRawControl("stdout", run.out());
        assertNoRawControl("stderr (--verbose)", run.err());
        assertThat(run.err()).contains("<- 220 localhost ESMTP \\x1b[2J\\x1b]52;c;aGk=\\x07\\x00\\x7f\\x9b\\x85\\u202e ready");
        if (format == OutputFormat.text) {
            assertThat(run.out()).contains("Extensions PIPELINING, STARTTLS, X-EVIL\\x1b[2J")
                    .contains("CN=Evil\\x1b[2J\\x07\\u202eCA")
                    .contains("no such user \\x1b[2J");
        }
    }

    @Test
    void jsonDecodedAsJqWouldCarriesNoControlCharacter() throws Exception {
        CliRun run = probe("json");

        JsonNode json = JSON.readTree(run.out());
        List<String> strings = new ArrayList<>();
        collect(json, strings);
        assertThat(strings).isNotEmpty().allSatisfy(s -> assertNoRawControl("decoded JSON value", s));
        assertThat(json.at("/hosts/0/steps/1/reply/lines/0").asText()).startsWith("localhost ESMTP \\x1b[2J");
        assertThat(json.at("/extensions/afterTls").toString()).contains("X-EVIL\\\\x1b[2J");
        assertThat(json.at("/tls/certificates/0/issuer").asText()).isEqualTo("CN=Evil\\x1b[2J\\x07\\u202eCA");
        assertThat(json.at("/findings/0/detail").asText()).contains("no such user \\x1b[2J");
    }

    @Test
    void explainAndCatalogEscapeTheirInputToo() {
        CliRun text = CliRun.of("explain", "550 5.1.1 " + EVIL + " user unknown");
        CliRun json = CliRun.of("explain", "--format", "json", "550 5.1.1 " + EVIL + " user unknown");
        CliRun catalog = CliRun.of("catalog", "9" + EVIL);

        for (CliRun run : List.of(text, json, catalog)) {
            assertNoRawControl("stdout", run.out());
            assertNoRawControl("stderr", run.err());
        }
        assertThat(json.out()).contains("\\\\x1b[2J");
    }

    @Test
    void anEchoedCredentialIsScrubbedFromEveryOutput() throws Exception {
        server.close();
        TestCertificates.Authority ca = TestCertificates.newAuthority("echo CA");
        caFile = ca.writePem(dir.resolve("echo-ca.pem"));
        server = new MockSmtpServer();
        server.hostName("localhost").authOnlyAfterTls().startTls(ca.issue("localhost", "127.0.0.1"));
        // The server quotes what it got: the whole AUTH PLAIN blob, in its rejection.
        server.on("AUTH", command -> Reply.of(535, "5.7.8 bad credentials " + command.args()));
        server.start();
        String secret = "echo-Pa55word";
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, secret + "\n", StandardCharsets.UTF_8);
        String blob = Base64.getEncoder().encodeToString(("\0me\0" + secret).getBytes(StandardCharsets.UTF_8));

        for (OutputFormat format : OutputFormat.values()) {
            CliRun run = probe(format.name(), "-au", "me", "--auth-password-file", passwordFile.toString());

            assertThat(run.exitCode()).isEqualTo(2);
            for (String output : List.of(run.out(), run.err())) {
                assertThat(output).doesNotContain(blob).doesNotContain(secret);
            }
            assertThat(run.out()).contains(format == OutputFormat.html ? "bad credentials PLAIN &lt;redacted&gt;"
                    : "bad credentials PLAIN <redacted>");
        }
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node.isTextual()) {
            out.add(node.textValue());
        }
        for (JsonNode child : node) {
            collect(child, out);
        }
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            out.add(e.getKey());
        }
    }
}
