package dev.smtpprobe.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real replies from MTA sources and providers' documentation (real-world-replies.tsv, each row cites its source):
 * the classifier must give the category a mail admin would act on, and find the right basic code.
 */
class RealWorldRepliesTest {

    record Row(int line, String reply, String category, int code, String source) {
        @Override
        public String toString() {
            return "line " + line + ": " + (reply.length() > 90 ? reply.substring(0, 90) + "..." : reply);
        }
    }

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                RealWorldRepliesTest.class.getResourceAsStream("/dev/smtpprobe/catalog/real-world-replies.tsv")),
                StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                assertThat(f).as("line %d has 4 fields", n).hasSize(4);
                rows.add(new Row(n, f[0].replace("\\n", "\n"), f[1], Integer.parseInt(f[2]), f[3]));
            }
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void classifiesLikeAMailAdmin(Row row) {
        Classification c = ReplyClassifier.standard().classify(row.reply());
        assertThat(c.code()).as("basic code").isEqualTo(row.code());
        assertThat(c.category().id()).as("category of %s (pattern %s)", row.reply(),
                c.pattern().map(PatternMatch::id).orElse("none")).isEqualTo(row.category());
        assertThat(c.remedy()).isNotBlank();
    }

    @Test
    void corpusIsLargeAndEveryRowCitesASource() throws IOException {
        List<Row> rows = rows();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(200);
        assertThat(rows).allSatisfy(r -> assertThat(r.source()).isNotBlank());
        assertThat(rows).allSatisfy(r -> assertThat(Category.fromId(r.category())).isPresent());
        // Several sources, not one provider's table.
        assertThat(rows.stream().map(r -> r.source().split("[ (]")[0]).distinct().count()).isGreaterThan(10);
    }

    @Test
    void aReplyThatAppearsTwiceCarriesOneLabel() throws IOException {
        // A batch scored before tuning must hold replies the table has not seen; where an older batch repeats a
        // reply, the two rows must at least agree, or the table contradicts itself.
        java.util.Map<String, Row> first = new java.util.HashMap<>();
        for (Row r : rows()) {
            Row earlier = first.putIfAbsent(r.reply().strip(), r);
            if (earlier != null) {
                assertThat(r.category()).as("%s repeats %s", r, earlier).isEqualTo(earlier.category());
            }
        }
    }

    @Test
    void agreementOnTheWholeCorpusIsReported() throws IOException {
        List<Row> rows = rows();
        long agree = rows.stream()
                .filter(r -> ReplyClassifier.standard().classify(r.reply()).category().id().equals(r.category()))
                .count();
        double rate = (double) agree / rows.size();
        System.out.printf("real-world corpus: %d/%d agree (%.1f%%)%n", agree, rows.size(), 100 * rate);
        assertThat(rate).isGreaterThanOrEqualTo(0.95);
    }
}
