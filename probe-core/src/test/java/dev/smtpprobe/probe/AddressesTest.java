package dev.smtpprobe.probe;

import dev.smtpprobe.model.Addresses;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressesTest {

    @ParameterizedTest
    @CsvSource({
            "::1, ::1",
            "2001:db8:0:0:0:0:0:1, 2001:db8::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
            "fe80:0:0:0:1:2:3:4, fe80::1:2:3:4",
            "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
            "0:0:0:0:0:0:0:0, ::",
            "192.0.2.1, 192.0.2.1"})
    void addressesAreWrittenInTheirShortForm(String literal, String expected) throws Exception {
        assertThat(Addresses.text(InetAddress.getByName(literal))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"::1, 25, '[::1]:25'", "192.0.2.1, 587, 192.0.2.1:587", "mx.example.com [::1], 25, 'mx.example.com [::1]:25'"})
    void portsAreAppendedUnambiguously(String host, int port, String expected) {
        assertThat(Addresses.withPort(host, port)).isEqualTo(expected);
    }
}
