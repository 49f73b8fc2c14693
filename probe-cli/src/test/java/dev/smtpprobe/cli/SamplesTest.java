package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The committed samples are what users copy: they must still match the published report contract. */
class SamplesTest {
    private static final Path SAMPLES = Path.of("..", "samples", "output");

    @Test
    void everyJsonSampleValidatesAgainstTheSchema() throws IOException {
        JsonSchema schema;
        try (InputStream in = Files.newInputStream(Path.of("..", "docs", "report.schema.json"))) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        List<Path> samples = list(".json");
        assertThat(samples).hasSizeGreaterThanOrEqualTo(5);
        for (Path sample : samples) {
            JsonNode json = new ObjectMapper().readTree(sample.toFile());
            assertThat(schema.validate(json)).as(sample.toString()).isEmpty();
        }
    }

    @Test
    void everyNagiosSampleStartsWithAStatusLineAndPerfdata() throws IOException {
        for (Path sample : list(".nagios")) {
            String first = Files.readAllLines(sample).get(0);
            assertThat(first).as(sample.toString()).matches("SMTP (OK|WARNING|CRITICAL|UNKNOWN) - .+ \\| .*total=[0-9.]+s.*");
        }
    }

    @Test
    void theServeSampleConfigPassesCheckConfig() {
        CliRun run = CliRun.of("serve", "--check-config", Path.of("..", "samples", "serve", "probes.yaml").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("is valid: 2 target(s), 2 module(s)");
    }

    private static List<Path> list(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            return files.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }
}
