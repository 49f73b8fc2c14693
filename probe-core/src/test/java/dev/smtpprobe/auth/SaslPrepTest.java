package dev.smtpprobe.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SaslPrepTest {

    /** The examples of RFC 4013 §3, plus the space mapping. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "I\u00ADX|IX",
        "user|user",
        "USER|USER",
        "\u00AA|a",
        "\u2168|IX",
        "a\u00A0b|a b",
        "a\u3000b|a b",
        "\uFB01|fi",
        "caf\u0065\u0301|caf\u00E9",
    })
    void mapsAndNormalizes(String input, String expected) {
        assertThat(SaslPrep.prepare(input).value()).hasValue(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\u0007",           // RFC 4013 §3: prohibited
        "\u0627\u0031",     // RFC 4013 §3: bidi rule
        "a\tb",
        "\uE000",
        "\uFDD0",
        "\uD800",
        "\u200E",
        "\uDB40\uDC01",     // U+E0001 LANGUAGE TAG
        "\u0378",           // unassigned
        "\u00AD",           // empty after mapping
        "\u05D0a\u05D0",    // RandALCat with LCat
    })
    void refuses(String input) {
        SaslPrep.Prepared prepared = SaslPrep.prepare(input);

        assertThat(prepared.value()).isEmpty();
        assertThat(prepared.refusal()).isPresent();
    }

    @Test
    void rightToLeftOnlyIsFine() {
        assertThat(SaslPrep.prepare("\u05D0\u05D1").value()).hasValue("\u05D0\u05D1");
    }

    @Test
    void refusalNamesTheKindNotTheCharacter() {
        assertThat(SaslPrep.prepare("secret\u0007").refusal()).hasValue("it contains a control character");
    }
}
