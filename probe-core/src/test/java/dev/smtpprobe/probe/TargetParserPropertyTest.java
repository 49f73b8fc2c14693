package dev.smtpprobe.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.ProbeTarget;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a user types, target parsing accepts it as something an SMTP command can carry or refuses it with an
 * IllegalArgumentException (the CLI's one-line usage error), never another exception.
 */
class TargetParserPropertyTest {
    /** A host name in ASCII, or an address literal such as [192.0.2.1] or [IPv6:::1]. */
    private static final String SAFE_DOMAIN = "[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?|\\[[\\x21-\\x5a\\x5e-\\x7e]+\\]";

    /** The value, or null when it was refused as bad input; any other exception fails the property. */
    private static <T> T parsed(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return null;
        }
    }

    private static void assertCarriable(String text) {
        assertThat(text).doesNotContain("\r").doesNotContain("\n").doesNotContain("\0")
                .doesNotContainPattern("[\\x00-\\x1f\\x7f]");
    }

    @Property(tries = 1000, seed = "20250307")
    void mailTargetsAreCleanOrRefused(@ForAll("typed") String input) {
        ProbeTarget t = parsed(() -> TargetParser.parseMailTarget(input, 25));
        if (t == null) {
            return;
        }
        assertThat(t.domain()).matches(SAFE_DOMAIN).hasSizeLessThanOrEqualTo(253);
        t.mailbox().ifPresent(TargetParserPropertyTest::assertCarriable);
        t.mailbox().ifPresent(m -> assertThat(m).endsWith("@" + t.domain()));
        // Parsing what came out gives the same thing again.
        assertThat(TargetParser.parseMailTarget(t.mailbox().orElse(t.domain()), 25).domain()).isEqualTo(t.domain());
    }

    @Property(tries = 1000, seed = "20250308")
    void serversAreCleanOrRefused(@ForAll("typed") String input) {
        ProbeTarget t = parsed(() -> TargetParser.parseServer(input, 25));
        if (t == null) {
            return;
        }
        assertCarriable(t.domain());
        assertThat(t.port()).isBetween(1, 65535);
        assertThat(t.domain()).doesNotContain(" ");
    }

    @Property(tries = 600, seed = "20250309")
    void mailboxesAndEhloNamesAreCleanOrRefused(@ForAll("typed") String input) {
        String mailbox = parsed(() -> TargetParser.parseMailbox(input, "--rcpt"));
        if (mailbox != null) {
            assertCarriable(mailbox);
            assertThat(mailbox).contains("@");
        }
        String ehlo = parsed(() -> TargetParser.parseEhloName(input));
        if (ehlo != null) {
            assertCarriable(ehlo);
            assertThat(ehlo).doesNotContain(" ");
        }
    }

    @Provide
    Arbitrary<String> typed() {
        Arbitrary<String> shaped = Arbitraries.strings()
                .withChars("abcxyz019.-_@[]:<>\" \\+%!")
                .withChars('\u00fc', '\u00df', '\u65e5', '\u0085', '\u202e', '\r', '\n', '\0', '\t', '\u001b', '\u3002')
                .ofMaxLength(40);
        Arbitrary<String> addressLike = net.jqwik.api.Combinators.combine(
                Arbitraries.of("bob", "\"a b\"", "a.b", ".x", "x.", "ü", "a\\b", ""),
                Arbitraries.of("@", "@@", ""),
                Arbitraries.of("example.com", "xn--bcher-kva.example", "bücher.example", "[192.0.2.1]", "[IPv6:::1]",
                        "192.0.2.1", "[::1]:25", "::1", "a..b", "-a.b", "a".repeat(64) + ".b", "x.y:99999", "e.x:25",
                        "."))
                .as((l, at, d) -> l + at + d);
        return Arbitraries.oneOf(shaped, addressLike, Arbitraries.strings().ofMaxLength(30));
    }
}
