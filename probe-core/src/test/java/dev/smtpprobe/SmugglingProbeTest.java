package dev.smtpprobe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Finding;
import dev.smtpprobe.diagnosis.Severity;
import dev.smtpprobe.diagnosis.Verdict;
import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.MockSmtpServer.DataEnding;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SmugglingResult;
import dev.smtpprobe.model.SmugglingSequence;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.Timeouts;
import dev.smtpprobe.probe.TargetParser;
import dev.smtpprobe.report.HtmlReport;
import dev.smtpprobe.report.JsonReport;
import dev.smtpprobe.report.NagiosReport;
import dev.smtpprobe.report.ReportOptions;
import dev.smtpprobe.report.TextReport;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code smugglingTest()} end to end through the library: one session per sequence after the normal walk, the
 * findings per sequence, and the outcome in every report format (the JSON valid against the published schema).
 */
class SmugglingProbeTest {
    private static final ReplyClassifier CLASSIFIER = ReplyClassifier.standard();
    private static final String MESSAGE = "Message-ID: <t@probe.test>\r\nSubject: test\r\n\r\nhello\r\n";
    private static SmtpProber prober;
    private static JsonSchema schema;

    @BeforeAll
    static void start() throws Exception {
        prober = SmtpProber.builder().listener(ProbeEventListener.NONE).threads(1).build();
        try (InputStream in = Files.newInputStream(Path.of("..", "docs", "report.schema.json"))) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    @AfterAll
    static void stop() {
        prober.close();
    }

    private static ProbeResult probe(MockSmtpServer server) {
        ProbeRequest request = ProbeRequest.builder(TargetParser.parseServer("127.0.0.1:" + server.port(), 25))
                .startTls(StartTlsPolicy.NEVER).ehloName("probe.test").mailFrom("probe@probe.test")
                .recipients(List.of("bob@example.test")).message(MESSAGE)
                .timeouts(Timeouts.uniform(Duration.ofSeconds(3), Duration.ofSeconds(15))).smugglingTest().build();
        return prober.probe(request).join();
    }

    private static List<String> ids(Diagnosis d, Severity severity) {
        return d.findings().stream().filter(f -> f.severity() == severity).map(Finding::id).toList();
    }

    @Test
    void aVulnerableServerGetsOneCriticalFindingPerSequenceAndEveryFormatSaysSo() throws Exception {
        try (MockSmtpServer server = new MockSmtpServer().hostName("mx.vulnerable.test")
                .greeting(Reply.of(220, "mx.vulnerable.test ESMTP Postfix (Debian)"))
                .dataEnding(DataEnding.ANY_LINE_END).start()) {
            ProbeResult result = probe(server);
            Diagnosis d = new DiagnosisEngine(CLASSIFIER).diagnose(result);

            assertThat(result.sessions()).hasSize(1);
            assertThat(result.smuggling()).hasSize(SmugglingSequence.values().length);
            assertThat(result.smugglingResults()).allMatch(SmugglingResult::vulnerable);
            assertThat(d.verdict()).isEqualTo(Verdict.CRITICAL);
            assertThat(ids(d, Severity.CRITICAL)).containsExactly("smtp-smuggling-lf-lf", "smtp-smuggling-cr-cr",
                    "smtp-smuggling-lf-crlf", "smtp-smuggling-crlf-lf", "smtp-smuggling-cr-crlf",
                    "smtp-smuggling-crlf-cr");
            Finding lfCrLf = d.findings().stream().filter(f -> f.id().equals("smtp-smuggling-lf-crlf")).findFirst()
                    .orElseThrow();
            assertThat(lfCrLf.title()).isEqualTo("Accepts <LF>.<CR><LF> as end of data: a relay can smuggle a second "
                    + "message (SMTP smuggling, CVE-2023-51764)");
            assertThat(lfCrLf.remedy()).startsWith("Postfix: set smtpd_forbid_bare_newline = normalize");

            String text = new TextReport(CLASSIFIER, ReportOptions.DEFAULTS).render(result, d);
            assertThat(text).contains("SMTP smuggling").containsPattern("<LF>\\.<CR><LF> +accepted-as-end-of-data");
            String nagios = new NagiosReport(ReportOptions.DEFAULTS).render(result, d);
            assertThat(nagios).startsWith("SMTP CRITICAL").contains("smuggling_vulnerable=6;;0;0;6")
                    .contains("smuggling <CR>.<CR>: accepted-as-end-of-data");
            String html = new HtmlReport(CLASSIFIER, ReportOptions.DEFAULTS).render(result, d);
            assertThat(html).contains("<table id=\"smuggling\">", "<code>&lt;LF&gt;.&lt;CR&gt;&lt;LF&gt;</code>");
            for (boolean transcript : new boolean[] {false, true}) {
                JsonNode json = new ObjectMapper().readTree(new JsonReport(CLASSIFIER,
                        ReportOptions.DEFAULTS.withTranscript(transcript)).render(result, d));
                assertThat(schema.validate(json)).as(json.toPrettyString()).isEmpty();
                assertThat(json.at("/smuggling/vulnerable").asBoolean()).isTrue();
                assertThat(json.at("/smuggling/sequences/2/sequence").asText()).isEqualTo("lf-crlf");
                assertThat(json.at("/smuggling/sequences/2/verdict").asText()).isEqualTo("accepted-as-end-of-data");
                assertThat(json.at("/smuggling/sequences/2/replies").size()).isEqualTo(5);
            }
        }
    }

    @Test
    void aServerThatReadsOnlyCrLfDotCrLfPassesWithOneNote() throws Exception {
        try (MockSmtpServer server = new MockSmtpServer().dataEnding(DataEnding.CRLF_ONLY).start()) {
            ProbeResult result = probe(server);
            Diagnosis d = new DiagnosisEngine(CLASSIFIER).diagnose(result);

            assertThat(result.smugglingResults()).extracting(SmugglingResult::verdict)
                    .containsOnly(SmugglingResult.Verdict.TREATED_AS_DATA);
            assertThat(d.verdict()).as("%s", d.findings()).isNotEqualTo(Verdict.CRITICAL);
            assertThat(d.findings()).filteredOn(f -> f.id().startsWith("smtp-smuggling")).extracting(Finding::id)
                    .containsExactly("smtp-smuggling-resisted");
            JsonNode json = new ObjectMapper().readTree(new JsonReport(CLASSIFIER, ReportOptions.DEFAULTS)
                    .render(result, d));
            assertThat(schema.validate(json)).isEmpty();
            assertThat(json.at("/smuggling/vulnerable").asBoolean()).isFalse();
        }
    }

    @Test
    void whenNoServerAcceptsTheTestMessageTheTestIsReportedNotRun() throws Exception {
        try (MockSmtpServer server = new MockSmtpServer()
                .rejectRecipient("bob@example.test", Reply.of(550, "5.1.1 no such user")).start()) {
            ProbeResult result = probe(server);
            Diagnosis d = new DiagnosisEngine(CLASSIFIER).diagnose(result);

            assertThat(result.smugglingResults()).extracting(SmugglingResult::verdict)
                    .containsOnly(SmugglingResult.Verdict.NOT_RUN);
            assertThat(ids(d, Severity.WARNING)).contains("smtp-smuggling-not-run");
            assertThat(server.connectionCount()).as("no smuggling session was opened").isEqualTo(1);
            JsonNode json = new ObjectMapper().readTree(new JsonReport(CLASSIFIER, ReportOptions.DEFAULTS)
                    .render(result, d));
            assertThat(schema.validate(json)).isEmpty();
        }
    }
}
