package dev.smtpprobe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** EHLO parsing, the line-break check, address text and the escaping rule, over arbitrary input. */
class ModelPropertyTest {

    @Property(tries = 500, seed = "20250303")
    void ehloParsingNeverFailsAndGivesCleanKeywords(@ForAll("ehloLines") List<String> lines) {
        SmtpReply reply = new SmtpReply(250, java.util.Optional.empty(), lines.isEmpty() ? List.of("") : lines,
                java.util.Set.of(), 0, 0);

        EhloCapabilities caps = EhloCapabilities.parse(reply);

        assertThat(caps.extensions().size()).isLessThanOrEqualTo(Math.max(0, reply.lines().size() - 1));
        for (EhloCapabilities.Extension e : caps.extensions()) {
            assertThat(e.keyword()).isNotEmpty().doesNotContainPattern("[\\s=]")
                    .isEqualTo(e.keyword().toUpperCase(Locale.ROOT));
            assertThat(caps.supports(e.keyword())).isTrue();
            e.parameters().forEach(p -> assertThat(p).isNotEmpty().doesNotContainPattern("[\\s=]"));
        }
        assertThatCode(caps::sizeLimit).doesNotThrowAnyException();
        List<String> params = new ArrayList<>();
        caps.extensions().stream().filter(e -> e.keyword().equals("AUTH"))
                .forEach(e -> e.parameters().forEach(p -> params.add(p.toUpperCase(Locale.ROOT))));
        assertThat(params).containsAll(caps.authMechanisms());
        assertThat(caps.serverName()).doesNotContainPattern("\\s");
    }

    @Property(tries = 500, seed = "20250304")
    void theLineBreakCheckRefusesExactlyCrLfAndNul(@ForAll("anyText") String value) {
        boolean dangerous = value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0;
        if (dangerous) {
            assertThatThrownBy(() -> AddressSyntax.requireNoLineBreak("x", value))
                    .isInstanceOf(IllegalArgumentException.class);
        } else {
            assertThatCode(() -> AddressSyntax.requireNoLineBreak("x", value)).doesNotThrowAnyException();
        }
    }

    @Property(tries = 500, seed = "20250305")
    void addressTextIsShortestAndReadsBackAsTheSameAddress(@ForAll("addressBytes") byte[] bytes) throws Exception {
        InetAddress address = InetAddress.getByAddress(bytes);

        String text = Addresses.text(address);

        // A literal never reaches DNS: getByName parses it.
        assertThat(InetAddress.getByName(text)).isEqualTo(address);
        assertThat(text).isEqualTo(text.toLowerCase(Locale.ROOT));
        assertThat(text.split("::", -1).length).isLessThanOrEqualTo(2);
        if (bytes.length == 16) {
            assertThat(text).doesNotContainPattern("(^|:)0[0-9a-f]");
        }
        String withPort = Addresses.withPort(text, 25);
        assertThat(withPort).endsWith(":25");
    }

    @Property(tries = 800, seed = "20250306")
    void escapingLeavesNothingUnsafeAndIsIdempotent(@ForAll("anyText") String text) {
        String once = Printable.escape(text);

        assertThat(Printable.isPrintable(once)).isTrue();
        assertThat(Printable.escape(once)).isEqualTo(once);
        assertThat(once.codePoints().noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f))).isTrue();
        if (Printable.isPrintable(text)) {
            assertThat(once).isEqualTo(text);
        }
    }

    @Provide
    Arbitrary<List<String>> ehloLines() {
        Arbitrary<String> keyword = Arbitraries.of("PIPELINING", "SIZE", "AUTH", "auth", "STARTTLS", "8BITMIME",
                "X-EVIL", "", " ", "=", "AUTH=LOGIN");
        Arbitrary<String> params = Arbitraries.strings().withChars("0123456789 =PLAINLOGIN\t\u00a0\u3000x")
                .withChars('\u001b', '\u202e').ofMaxLength(30);
        Arbitrary<String> line = net.jqwik.api.Combinators.combine(keyword, params).as((k, p) -> k + p);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, line),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(40))).list().ofMaxSize(20);
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.strings().ofMaxLength(60)),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(60)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings()
                        .withChars("ab\r\n\u0000\u001b\u007f\u009b\u202e\u2066\u2028\ufeff\ud800\udc00").ofMaxLength(30)));
    }

    @Provide
    Arbitrary<byte[]> addressBytes() {
        Arbitrary<Byte> sparse = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just((byte) 0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes()));
        return Arbitraries.oneOf(sparse.array(byte[].class).ofSize(4), sparse.array(byte[].class).ofSize(16));
    }
}
