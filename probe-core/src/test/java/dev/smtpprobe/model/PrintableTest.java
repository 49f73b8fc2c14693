package dev.smtpprobe.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PrintableTest {

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("ESC clear screen", "\u001b[2J", "\\x1b[2J"),
                Arguments.of("OSC 52 clipboard", "\u001b]52;c;aGk=\u0007", "\\x1b]52;c;aGk=\\x07"),
                Arguments.of("NUL", "a\u0000b", "a\\x00b"),
                Arguments.of("DEL", "a\u007fb", "a\\x7fb"),
                Arguments.of("C1 CSI", "a\u009bb", "a\\x9bb"),
                Arguments.of("C1 NEL", "a\u0085b", "a\\x85b"),
                Arguments.of("CR LF TAB", "a\r\n\tb", "a\\r\\n\\tb"),
                Arguments.of("bidi override", "abc\u202edcba", "abc\\u202edcba"),
                Arguments.of("bidi isolate", "\u2066x\u2069", "\\u2066x\\u2069"),
                Arguments.of("line separator", "a\u2028b", "a\\u2028b"),
                Arguments.of("zero width space", "a\u200bb", "a\\u200bb"),
                Arguments.of("byte order mark", "\ufeffhi", "\\ufeffhi"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void escapesWhatChangesTheDisplay(String name, String raw, String escaped) {
        assertThat(Printable.escape(raw)).isEqualTo(escaped);
        assertThat(Printable.isPrintable(Printable.escape(raw))).isTrue();
    }

    @Test
    void leavesPrintableTextAloneIncludingNonAscii() {
        String text = "250 mx.example.com Grüße 日本語 \\x1b is just a backslash 😀";
        assertThat(Printable.escape(text)).isSameAs(text);
        assertThat(Printable.isPrintable(text)).isTrue();
    }

    @Test
    void escapingTwiceChangesNothing() {
        String once = Printable.escape("\u001b[31mred\u009b\u202e");
        assertThat(Printable.escape(once)).isEqualTo(once);
    }

    @Test
    void loneSurrogatesAndSupplementaryFormatCharactersAreEscaped() {
        assertThat(Printable.escape("a\ud800b")).isEqualTo("a\\ud800b");
        assertThat(Printable.escape("tag\udb40\udc41")).isEqualTo("tag\\u{e0041}");
    }

    @Test
    void nullStaysNull() {
        assertThat(Printable.escape(null)).isNull();
    }
}
