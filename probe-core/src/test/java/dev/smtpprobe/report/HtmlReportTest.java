package dev.smtpprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Observed;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private final ReplyClassifier classifier = ReplyClassifier.standard();
    private final ProbeTarget target = Observed.domain("example.com");

    private String render(ProbeResult result) {
        Diagnosis d = new DiagnosisEngine(classifier).diagnose(result);
        return new HtmlReport(classifier, ReportOptions.DEFAULTS).render(result, d);
    }

    @Test
    void onePageWithVerdictWaterfallChainAndFindingsAndNothingExternal() {
        ProbeResult result = Observed.probe(target,
                Observed.mxPlan("example.com", Observed.mx(10, "mx1.example.com", "192.0.2.1")),
                Observed.session("mx1.example.com", "192.0.2.1").opening()
                        .tls(Observed.tls("mx1.example.com", Observed.NOW.plus(Duration.ofDays(5)), Observed.trusted()))
                        .mailAndRcpt("bob@example.com", SmtpReply.of(450, "4.7.1 Greylisted, try again")).quit().build());

        String html = render(result);

        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(html).contains("id=\"verdict\"").contains("class=\"waterfall\"").contains("class=\"chain\"")
                .contains("id=\"findings\"").contains("id=\"mx\"");
        assertThat(count(html, "<tr class=\"step\">")).isEqualTo(result.sessions().get(0).steps().size());
        assertThat(count(html, "<tr class=\"finding\">")).isGreaterThan(0);
        assertThat(html).contains("Greylisted");
        // Self-contained: no script, no external style, image or font.
        assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("<link")
                .doesNotContain("url(").doesNotContain("http://").doesNotContain("https://");
        // Every bar stays within its track.
        Matcher m = Pattern.compile("left:([0-9.]+)%;width:([0-9.]+)%").matcher(html);
        int bars = 0;
        while (m.find()) {
            bars++;
            assertThat(Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2))).isLessThanOrEqualTo(100.05);
        }
        assertThat(bars).isEqualTo(result.sessions().get(0).steps().size());
    }

    @Test
    void serverStringsAreEscaped() {
        String hostile = "<script>alert(1)</script> \"quoted\" & 'single'";
        ProbeResult result = Observed.probe(target,
                Observed.mxPlan("example.com", Observed.mx(10, "mx1.example.com", "192.0.2.1")),
                Observed.session("mx1.example.com", "192.0.2.1")
                        .step(SmtpPhase.BANNER, null, SmtpReply.of(220, hostile)).quit().build());

        String html = render(result);

        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("&quot;quoted&quot; &amp; &#39;single&#39;");
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
