package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CatalogCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new CatalogCommand())
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void listsEveryEntryOnePerLine() {
        Run r = run();
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).anyMatch(l -> l.startsWith("101  client-observed"))
                .anyMatch(l -> l.startsWith("550  permanent"))
                .anyMatch(l -> l.startsWith("354  intermediate"));
        assertThat(r.out().lines().count()).isGreaterThanOrEqualTo(67);
    }

    @Test
    void listsAsJson() throws Exception {
        Run r = run("--format", "json");
        JsonNode all = JSON.readTree(r.out());
        assertThat(all.isArray()).isTrue();
        assertThat(all.size()).isGreaterThanOrEqualTo(67);
        assertThat(all.get(0).get("code").asInt()).isEqualTo(101);
        assertThat(all.get(0).get("class").asText()).isEqualTo("client-observed");
    }

    @Test
    void showsOneEntryWithTheStandardFirstAndTheAlternativeReading() {
        Run r = run("535");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("535  Authentication credentials invalid (permanent)")
                .contains("standard:    RFC 4954").contains("also read:").contains("who acts:    sender");
    }

    @Test
    void showsOneEntryAsJson() throws Exception {
        JsonNode o = JSON.readTree(run("--format", "json", "556").out());
        assertThat(o.get("category").asText()).isEqualTo("no-mail-service");
        assertThat(o.get("standard").asText()).contains("RFC 7504");
        assertThat(o.get("alternativeReading").asText()).contains("too large");
        assertThat(o.get("likelyCauses").isArray()).isTrue();
    }

    @Test
    void explainsAnEnhancedCode() {
        Run r = run("5.7.26");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Multiple authentication checks failed");
        assertThat(run("5.9.99").out()).contains("unregistered subject 9");
    }

    @Test
    void unknownCodeIsAOneLineErrorAndExit3() {
        Run r = run("599");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo("smtp-probe: catalog: no entry for code '599'");
        assertThat(run("banana").exit()).isEqualTo(3);
    }
}
