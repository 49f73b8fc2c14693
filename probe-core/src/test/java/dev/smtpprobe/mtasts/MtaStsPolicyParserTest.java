package dev.smtpprobe.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.MtaStsPolicy;
import org.junit.jupiter.api.Test;

class MtaStsPolicyParserTest {

    @Test
    void lfLinesUnknownKeysAndRepeatedKeysFollowTheRfc() {
        MtaStsPolicyParser.Parsed p = MtaStsPolicyParser.parse(
                "version: STSv1\nmode: testing\nmode: enforce\nmx: mx.example.test\nx-note: hello\nmax_age: 86400\n");
        assertThat(p.errors()).isEmpty();
        assertThat(p.policy()).get().extracting(MtaStsPolicy::mode).as("the first mode counts")
                .isEqualTo(MtaStsPolicy.Mode.TESTING);
        assertThat(p.notes()).singleElement().asString().contains("mode appears more than once");
    }

    @Test
    void missingFieldsAndBadPatternsAreErrors() {
        MtaStsPolicyParser.Parsed p = MtaStsPolicyParser.parse("mode: enforce\nmx: mail*.example.test\nmx: *.test\n");
        assertThat(p.policy()).isEmpty();
        assertThat(String.join("\n", p.errors())).contains("version is missing").contains("max_age is missing")
                .contains("\"mail*.example.test\" has a wildcard that is not the whole left-most label")
                .contains("\"*.test\" has a wildcard over a single label");
    }

    @Test
    void modeNoneNeedsNoMxAndAShortMaxAgeIsNoted() {
        MtaStsPolicyParser.Parsed p = MtaStsPolicyParser.parse("version: STSv1\r\nmode: none\r\nmax_age: 60\r\n");
        assertThat(p.policy()).get().extracting(MtaStsPolicy::mode).isEqualTo(MtaStsPolicy.Mode.NONE);
        assertThat(p.notes()).singleElement().asString().contains("under a day");
    }

    @Test
    void wildcardsMatchExactlyOneLeftMostLabel() {
        assertThat(MtaStsPolicy.matches("*.example.com", "mail.example.com")).isTrue();
        assertThat(MtaStsPolicy.matches("*.example.com", "example.com")).isFalse();
        assertThat(MtaStsPolicy.matches("*.example.com", "a.b.example.com")).isFalse();
        assertThat(MtaStsPolicy.matches("MX.Example.com.", "mx.example.com")).isTrue();
        assertThat(MtaStsPolicy.matches("mx.example.com", "mx2.example.com")).isFalse();
    }
}
