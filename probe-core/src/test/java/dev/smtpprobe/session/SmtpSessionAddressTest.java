package dev.smtpprobe.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.ProbeStatus;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** Where a session dials and how connect failures are named; no DNS is ever asked here. */
class SmtpSessionAddressTest {

    @Test
    void resolvedAddressesAreDialledAsGiven() {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getLoopbackAddress(), 2525);
        assertThat(Connector.connectTarget(a)).containsSame(a);
    }

    @Test
    void unresolvedIpLiteralsAreParsedLocally() {
        assertThat(Connector.connectTarget(InetSocketAddress.createUnresolved("127.0.0.1", 25)))
                .hasValueSatisfying(a -> {
                    assertThat(a.isUnresolved()).isFalse();
                    assertThat(a.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
                    assertThat(a.getPort()).isEqualTo(25);
                });
        assertThat(Connector.connectTarget(InetSocketAddress.createUnresolved("[::1]", 465)))
                .hasValueSatisfying(a -> {
                    assertThat(a.getAddress()).isInstanceOf(Inet6Address.class);
                    assertThat(a.getAddress().isLoopbackAddress()).isTrue();
                    assertThat(a.getPort()).isEqualTo(465);
                });
        assertThat(Connector.connectTarget(InetSocketAddress.createUnresolved("::1", 25))).isPresent();
    }

    @Test
    void unresolvedNamesAreRefusedRatherThanLookedUpOnTheEventLoop() {
        assertThat(Connector.connectTarget(InetSocketAddress.createUnresolved("mx.example.invalid", 25))).isEmpty();
        assertThat(Connector.connectTarget(InetSocketAddress.createUnresolved("localhost", 25))).isEmpty();
    }

    @Test
    void aResetWhileConnectingIsAClosedConnectionNotAnUnreachableHost() {
        assertThat(Failures.connectStatus(new SocketException("Connection reset by peer")))
                .isEqualTo(ProbeStatus.CONNECTION_CLOSED);
        assertThat(Failures.connectStatus(new IOException("finishConnect(..) failed: Connection reset by peer")))
                .isEqualTo(ProbeStatus.CONNECTION_CLOSED);
        assertThat(Failures.connectStatus(new ConnectException("Connection refused")))
                .isEqualTo(ProbeStatus.CONNECTION_REFUSED);
        assertThat(Failures.connectStatus(new SocketException("Network is unreachable")))
                .isEqualTo(ProbeStatus.UNREACHABLE);
    }

    @Test
    void connectFailuresAreSaidPlainlyWithTheAddressAsUsersWriteIt() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(java.net.InetAddress.getByName("::1"), 2525);
        InetSocketAddress v4 = new InetSocketAddress(java.net.InetAddress.getByName("192.0.2.1"), 25);

        assertThat(Failures.connectMessage(ProbeStatus.CONNECTION_REFUSED, v6,
                new ConnectException("Connection refused: localhost./0:0:0:0:0:0:0:1:2525")))
                .startsWith("connection refused by [::1]:2525").doesNotContain("0:0:0");
        assertThat(Failures.connectMessage(ProbeStatus.CONNECT_TIMEOUT, v4, new ConnectException("x")))
                .contains("192.0.2.1:25");
    }
}
