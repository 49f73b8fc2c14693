package dev.smtpprobe.probe;

import dev.smtpprobe.model.ProbeTarget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetParserTest {

    @Test
    void domainTargetIsLowerCasedAsciiWithoutTrailingDot() {
        ProbeTarget t = TargetParser.parseMailTarget("Example.COM.", 25);
        assertThat(t.kind()).isEqualTo(ProbeTarget.Kind.DOMAIN);
        assertThat(t.domain()).isEqualTo("example.com");
        assertThat(t.mailbox()).isEmpty();
    }

    @Test
    void addressTargetKeepsMailboxAndResolvesItsDomain() {
        ProbeTarget t = TargetParser.parseMailTarget("bob@example.org", 2525);
        assertThat(t.kind()).isEqualTo(ProbeTarget.Kind.ADDRESS);
        assertThat(t.domain()).isEqualTo("example.org");
        assertThat(t.mailbox()).contains("bob@example.org");
        assertThat(t.port()).isEqualTo(2525);
    }

    @Test
    void internationalisedDomainIsKeptInBothForms() {
        ProbeTarget t = TargetParser.parseMailTarget("bücher.example", 25);
        assertThat(t.domain()).isEqualTo("xn--bcher-kva.example");
        assertThat(t.unicodeDomain()).isEqualTo("bücher.example");
    }

    @Test
    void serverFormsParseHostAndPort() {
        assertThat(TargetParser.parseServer("mail.example.com:587", 25))
                .extracting(ProbeTarget::domain, ProbeTarget::port).containsExactly("mail.example.com", 587);
        assertThat(TargetParser.parseServer("[2001:db8::1]:25", 587))
                .extracting(ProbeTarget::domain, ProbeTarget::port).containsExactly("2001:db8::1", 25);
        assertThat(TargetParser.parseServer("127.0.0.1", 2525))
                .extracting(ProbeTarget::domain, ProbeTarget::port).containsExactly("127.0.0.1", 2525);
        assertThat(TargetParser.parseServer("::1", 25).domain()).isEqualTo("::1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bob@example.com\r\nRCPT TO:<x@y>", "example.com\nQUIT", "a\u0000b@example.com"})
    void lineBreaksAndNulAreRefused(String input) {
        assertThatThrownBy(() -> TargetParser.parseMailTarget(input, 25))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line break");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not an address@", "@example.com", "bob@", "bob@exa mple.com", "bob@-bad-.com"})
    void malformedAddressesAreRefused(String input) {
        assertThatThrownBy(() -> TargetParser.parseMailbox(input, "recipient"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void portOutOfRangeIsRefused() {
        assertThatThrownBy(() -> TargetParser.parseServer("mail.example.com:70000", 25))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> TargetParser.parseMailTarget("example.com", 0))
                .hasMessageContaining("out of range");
    }

    @Test
    void hostPortGivenAsMailTargetPointsToServerOption() {
        assertThatThrownBy(() -> TargetParser.parseMailTarget("127.0.0.1:25", 25))
                .hasMessageContaining("--server");
    }

    @Test
    void anUnbracketedIpv6AddressWithAPortLikeTailIsRefusedWithBothReadings() {
        assertThatThrownBy(() -> TargetParser.parseServer("::1:2537", 25))
                .hasMessageContaining("ambiguous").hasMessageContaining("[::1]:2537").hasMessageContaining("[::1:2537]");
        assertThatThrownBy(() -> TargetParser.parseServer("2001:db8::1:587", 25)).hasMessageContaining("[2001:db8::1]:587");
        // Unambiguous forms still parse: bracketed with a port, bracketed alone, and a tail that is not port-like.
        assertThat(TargetParser.parseServer("[::1]:2537", 25).port()).isEqualTo(2537);
        assertThat(TargetParser.parseServer("[::1:2537]", 25).domain()).isEqualTo("::1:2537");
        assertThat(TargetParser.parseServer("2001:db8::25", 25).domain()).isEqualTo("2001:db8::25");
        assertThat(TargetParser.parseServer("2001:db8::a", 25).domain()).isEqualTo("2001:db8::a");
    }

    @Test
    void anAddressLiteralIsCheckedAndKeptAsTheDomain() {
        assertThat(TargetParser.parseMailTarget("alice@[127.0.0.1]", 25).domain()).isEqualTo("[127.0.0.1]");
        assertThat(TargetParser.parseMailTarget("alice@[IPv6:2001:db8::1]", 25).domain())
                .isEqualTo("[IPv6:2001:db8::1]");
        assertThatThrownBy(() -> TargetParser.parseMailTarget("alice@[300.1.1.1]", 25))
                .hasMessageContaining("not an address literal");
        assertThatThrownBy(() -> TargetParser.parseMailbox("bob@[mail.example.com]", "--rcpt"))
                .hasMessageContaining("not an address literal");
    }
}
