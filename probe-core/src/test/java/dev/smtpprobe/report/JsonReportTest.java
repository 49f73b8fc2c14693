package dev.smtpprobe.report;

import static dev.smtpprobe.diagnosis.Observed.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpprobe.diagnosis.Observed;
import dev.smtpprobe.model.RecipientResult;
import dev.smtpprobe.model.SmtpReply;
import java.util.Optional;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.model.ProbeResult;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JsonReportTest {

    private static final Path SCHEMA_FILE = Path.of("..", "docs", "report.schema.json");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static JsonSchema schema;

    private final ReplyClassifier classifier = ReplyClassifier.standard();
    private final DiagnosisEngine engine = new DiagnosisEngine(classifier);

    @BeforeAll
    static void loadSchema() throws Exception {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = Files.newInputStream(SCHEMA_FILE)) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        }
    }

    private JsonNode render(ProbeResult result, ReportOptions options) throws Exception {
        Diagnosis d = engine.diagnose(result);
        return MAPPER.readTree(new JsonReport(classifier, options).render(result, d));
    }

    @Test
    void everyScenarioValidatesAgainstThePublishedSchema() throws Exception {
        for (Map.Entry<String, ProbeResult> e : Scenarios.all().entrySet()) {
            for (boolean transcript : new boolean[] {false, true}) {
                JsonNode json = render(e.getValue(), ReportOptions.DEFAULTS.withTranscript(transcript));
                Set<ValidationMessage> errors = schema.validate(json);
                assertThat(errors).as("%s (transcript=%s): %s", e.getKey(), transcript, json.toPrettyString())
                        .isEmpty();
            }
        }
    }

    @Test
    void lmtpRepliesAfterTheMessageArePerRecipientAndValidate() throws Exception {
        SmtpReply accepted = SmtpReply.of(250, "2.1.5 Ok");
        ProbeResult lmtp = Observed.probe(Observed.address("bob@example.net"), Optional.empty(), java.util.List.of(
                Observed.session("lmtp.example.net", "192.0.2.24").opening().mailAndRcpt("bob@example.net", accepted)
                .quit()
                .recipient(new RecipientResult("bob@example.net", false, Optional.of(accepted), Optional.empty())
                        .withMessageReply(SmtpReply.of(250, "2.0.0 delivered")))
                .recipient(new RecipientResult("carol@example.net", false, Optional.of(accepted), Optional.empty())
                        .withMessageReply(SmtpReply.of(452, "4.2.2 Mailbox full")))
                .build()), java.util.List.of());
        JsonNode json = render(lmtp, ReportOptions.DEFAULTS);
        assertThat(schema.validate(json)).as(json.toPrettyString()).isEmpty();
        JsonNode recipients = json.get("hosts").get(0).get("recipients");
        assertThat(recipients.get(1).get("messageReply").get("code").asInt()).isEqualTo(452);
        assertThat(render(Scenarios.ok(), ReportOptions.DEFAULTS).toString()).doesNotContain("messageReply");
    }

    @Test
    void theSchemaRejectsAnUndocumentedKey() throws Exception {
        JsonNode json = render(Scenarios.ok(), ReportOptions.DEFAULTS);
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("hosts").get(0)).put("surprise", 1);
        assertThat(schema.validate(json)).isNotEmpty();
    }

    @Test
    void okReportCarriesTargetVerdictHostsTlsAndTimings() throws Exception {
        JsonNode json = render(Scenarios.ok(), ReportOptions.DEFAULTS);
        assertThat(json.get("verdict").asText()).isEqualTo("OK");
        assertThat(json.get("exitCode").asInt()).isZero();
        assertThat(json.at("/target/mailbox").asText()).isEqualTo("postmaster@example.com");
        assertThat(json.at("/target/kind").asText()).isEqualTo("address");
        assertThat(json.at("/dns/hosts/0/preference").asInt()).isEqualTo(10);
        assertThat(json.at("/dns/hosts/0/addresses/0").asText()).isEqualTo("192.0.2.1");
        assertThat(json.at("/hosts/0/outcome").asText()).isEqualTo("accepted");
        assertThat(json.at("/hosts/0/preference").asInt()).isEqualTo(10);
        assertThat(json.at("/hosts/0/steps/0/phase").asText()).isEqualTo("banner");
        assertThat(json.at("/hosts/0/steps/0/reply/code").asInt()).isEqualTo(220);
        assertThat(json.at("/hosts/0/steps/0/category").asText()).isEqualTo("ok");
        assertThat(json.at("/tls/protocol").asText()).isEqualTo("TLSv1.3");
        assertThat(json.at("/tls/certificates/0/daysToExpiry").asInt()).isEqualTo(87);
        assertThat(json.at("/tls/certificates/0/notAfter").asText()).isEqualTo("2025-05-27T10:00:00Z");
        assertThat(json.at("/extensions/afterTls/1/keyword").asText()).isEqualTo("SIZE");
        assertThat(json.at("/extensions/beforeTls/2/keyword").asText()).isEqualTo("STARTTLS");
        assertThat(json.at("/authenticated").asBoolean()).isTrue();
        assertThat(json.at("/timings/totalMillis").asLong()).isEqualTo(420);
        assertThat(json.at("/timings/perPhase/banner").asLong()).isEqualTo(12);
        assertThat(json.at("/schemaVersion").asText()).isEqualTo("2");
        assertThat(json.at("/tool/name").asText()).isEqualTo("smtp-probe");
        assertThat(json.at("/hosts/0").has("transcript")).isFalse();
    }

    @Test
    void exitCodeFollowsTheVerdictForEveryScenario() throws Exception {
        for (ProbeResult r : Scenarios.all().values()) {
            Diagnosis d = engine.diagnose(r);
            JsonNode json = MAPPER.readTree(new JsonReport(classifier, ReportOptions.DEFAULTS).render(r, d));
            assertThat(json.get("exitCode").asInt()).isEqualTo(d.verdict().exitCode());
            assertThat(json.get("verdict").asText()).isEqualTo(d.verdict().name());
        }
    }

    @Test
    void findingsCarryTheirPublicKeys() throws Exception {
        JsonNode json = render(Scenarios.deadBackupMx(), ReportOptions.DEFAULTS);
        assertThat(json.get("verdict").asText()).isEqualTo("WARNING");
        JsonNode f = json.at("/findings/0");
        assertThat(f.get("id").asText()).isEqualTo("connection-refused");
        assertThat(f.get("severity").asText()).isEqualTo("warning");
        assertThat(f.get("category").asText()).isEqualTo("connection-failed");
        assertThat(f.get("code").isNull()).as("no server sent a code").isTrue();
        assertThat(f.get("catalogCode").asInt()).isEqualTo(111);
        assertThat(f.get("codeSource").asText()).isEqualTo("probe");
        assertThat(f.get("host").asText()).isEqualTo("mx2.example.com [192.0.2.2]");
        assertThat(f.get("phase").asText()).isEqualTo("connect");
        assertThat(f.get("actor").asText()).isNotBlank();
        assertThat(json.at("/hosts/1/failure/kind").asText()).isEqualTo("connection_refused");
        assertThat(json.at("/hosts/1/outcome").asText()).isEqualTo("failed");
        assertThat(json.at("/primaryHost").asText()).isEqualTo("mx1.example.com [192.0.2.1]");
    }

    @Test
    void nullMxHasNoHostsAndNullTls() throws Exception {
        JsonNode json = render(Scenarios.nullMxDomain(), ReportOptions.DEFAULTS);
        assertThat(json.at("/dns/kind").asText()).isEqualTo("null-mx");
        assertThat(json.get("hosts")).isEmpty();
        assertThat(json.get("tls").isNull()).isTrue();
        assertThat(json.at("/findings/0/id").asText()).isEqualTo("null-mx");
        assertThat(json.get("exitCode").asInt()).isEqualTo(2);
    }

    @Test
    void noSecretEvenWhenTheTranscriptIsIncludedAndTheInputSlipped() throws Exception {
        String text = new JsonReport(classifier, ReportOptions.DEFAULTS.withTranscript(true))
                .render(Scenarios.ok(), engine.diagnose(Scenarios.ok()));
        assertThat(text).contains("\"transcript\"").contains("AUTH PLAIN <redacted>");
        assertThat(text).doesNotContain(SECRET).doesNotContain(Scenarios.SECRET_BASE64);
    }
}
