package dev.smtpprobe.dns;

import dev.smtpprobe.model.DnsFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DnsClientTest {
    private final FakeDnsServer first = new FakeDnsServer();
    private final FakeDnsServer second = new FakeDnsServer();

    @AfterEach
    void tearDown() {
        first.close();
        second.close();
    }

    @Test
    void servfailFromOneResolverIsRetriedOnTheNext() throws Exception {
        first.zone("example.test").a("mx.example.test", "127.0.0.1");
        first.servfail("mx.example.test").start();
        second.zone("example.test").a("mx.example.test", "127.0.0.1");
        second.start();
        DnsClient client = DnsClient.builder().resolvers(List.of(first.resolverAddress(), second.resolverAddress()))
                .timeout(Duration.ofSeconds(2)).retries(1).build();

        DnsAnswer<InetAddress> a = client.addresses("mx.example.test", false).get(10, TimeUnit.SECONDS);

        assertThat(a.failure()).isEmpty();
        assertThat(a.records()).containsExactly(InetAddress.getByName("127.0.0.1"));
        assertThat(first.queryCount()).isEqualTo(1);
        assertThat(second.queryCount()).isEqualTo(1);
    }

    @Test
    void timeoutOnOneResolverMovesToTheNext() throws Exception {
        first.zone("example.test").a("mx.example.test", "127.0.0.1");
        first.drop("mx.example.test").start();
        second.zone("example.test").a("mx.example.test", "127.0.0.5");
        second.start();
        DnsClient client = DnsClient.builder().resolvers(List.of(first.resolverAddress(), second.resolverAddress()))
                .timeout(Duration.ofMillis(300)).retries(1).build();

        DnsAnswer<InetAddress> a = client.addresses("mx.example.test", false).get(10, TimeUnit.SECONDS);

        assertThat(a.records()).containsExactly(InetAddress.getByName("127.0.0.5"));
    }

    @Test
    void nodataIsAnEmptyAnswerEveryTimeAndAdBitIsReported() throws Exception {
        first.zone("example.test").a("mx.example.test", "127.0.0.1");
        first.authenticateAll(true).start();
        DnsClient client = DnsClient.builder().resolver(first.resolverAddress()).retries(0).build();

        for (int i = 0; i < 2; i++) {
            DnsAnswer<String> txt = client.txt("mx.example.test").get(10, TimeUnit.SECONDS);
            assertThat(txt.isNoData()).isTrue();
            assertThat(txt.failure()).isEmpty();
        }
        DnsAnswer<InetAddress> a = client.addresses("mx.example.test", false).get(10, TimeUnit.SECONDS);
        assertThat(a.authenticated()).isTrue();
        assertThat(first.drainQueries()).allSatisfy(q -> assertThat(q.dnssecOk()).isTrue());
    }

    @Test
    void cnameLoopEndsWithAFailureNotAHang() throws Exception {
        first.zone("example.test").cname("a.example.test", "b.example.test").cname("b.example.test", "a.example.test");
        first.start();
        DnsClient client = DnsClient.builder().resolver(first.resolverAddress()).retries(0).build();

        DnsAnswer<InetAddress> a = client.addresses("a.example.test", false).get(10, TimeUnit.SECONDS);

        assertThat(a.records()).isEmpty();
        assertThat(first.queryCount()).isLessThanOrEqualTo(10);
    }

    @Test
    void badNamesAndResolverSpecsAreRefusedUpFront() throws Exception {
        first.start();
        DnsClient client = DnsClient.builder().resolver(first.resolverAddress()).build();
        DnsAnswer<String> bad = client.txt("a\r\nb").get(5, TimeUnit.SECONDS);
        assertThat(bad.failure().get().kind()).isEqualTo(DnsFailure.Kind.OTHER);
        assertThat(first.queryCount()).isZero();

        assertThat(DnsClient.parseResolver("127.0.0.1:5353")).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
        assertThat(DnsClient.parseResolver("127.0.0.1")).isEqualTo(new InetSocketAddress("127.0.0.1", 53));
        assertThat(DnsClient.parseResolver("[::1]:5353")).isEqualTo(new InetSocketAddress("::1", 5353));
        assertThat(DnsClient.parseResolver("::1").getPort()).isEqualTo(53);
        assertThatThrownBy(() -> DnsClient.parseResolver("127.0.0.1:99999")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsClient.builder().retries(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
