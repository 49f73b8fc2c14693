package dev.smtpprobe.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.MtaStsPolicyServer;
import dev.smtpprobe.fixtures.MtaStsPolicyServer.Response;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.model.MtaStsPolicy;
import dev.smtpprobe.model.MtaStsResult;
import dev.smtpprobe.tls.TrustEvaluator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy fetch over real HTTPS on loopback, one case per way a policy host can fail a sender. */
class MtaStsFetcherTest {
    private static final String GOOD = "version: STSv1\r\nmode: enforce\r\nmx: mx.example.test\r\nmx: *.backup.example.test\r\nmax_age: 604800\r\n";
    private static EventLoopGroup group;
    private static TestCertificates.Authority ca;
    private static TrustEvaluator trust;
    private MtaStsPolicyServer server;

    @BeforeAll
    static void start(@TempDir Path dir) {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ca = TestCertificates.newAuthority("MTA-STS test CA");
        trust = TrustEvaluator.fromPemFile(ca.writePem(dir.resolve("ca.pem")));
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void closeServer() {
        if (server != null) {
            server.close();
        }
    }

    private MtaStsResult fetch(Response response) throws Exception {
        return fetch(response, ca.issue("mta-sts.example.test"));
    }

    private MtaStsResult fetch(Response response, dev.smtpprobe.fixtures.HeldCertificate cert) throws Exception {
        server = new MtaStsPolicyServer(cert).serve(response).start();
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        MtaStsResult r = new MtaStsFetcher(group).fetch("example.test", Optional.of("20260101"), host -> {
            asked.add(host);
            return CompletableFuture.completedFuture(List.of(InetAddress.getLoopbackAddress()));
        }, trust, Duration.ofSeconds(5), server.port()).get(10, TimeUnit.SECONDS);
        assertThat(asked).as("the host is resolved through the given resolver").containsExactly("mta-sts.example.test");
        return r;
    }

    @Test
    void aGoodPolicyIsFetchedAndParsed() throws Exception {
        MtaStsResult r = fetch(Response.policy(GOOD));
        assertThat(r.fetch()).as("%s", r.problems()).isEqualTo(MtaStsResult.Fetch.FETCHED);
        assertThat(r.httpStatus()).contains(200);
        MtaStsPolicy p = r.policy().orElseThrow();
        assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        assertThat(p.mx()).containsExactly("mx.example.test", "*.backup.example.test");
        assertThat(p.maxAgeSeconds()).isEqualTo(604800);
        MtaStsPolicyServer.RecordedRequest req = server.takeRequest();
        assertThat(req.path()).isEqualTo("/.well-known/mta-sts.txt");
        assertThat(req.host()).isEqualTo("mta-sts.example.test:" + server.port());
    }

    @Test
    void aMalformedPolicyIsInvalidWithEveryReason() throws Exception {
        MtaStsResult r = fetch(Response.policy("version: STSv2\nmode: strict\nmx: *.*.example.test\nmax_age: 99999999999\n"));
        assertThat(r.fetch()).isEqualTo(MtaStsResult.Fetch.INVALID);
        assertThat(r.policy()).isEmpty();
        assertThat(String.join("\n", r.problems())).contains("not STSv1").contains("not enforce, testing or none")
                .contains("wildcard that is not the whole left-most label").contains("max_age");
    }

    @Test
    void anOversizedPolicyIsRefused() throws Exception {
        MtaStsResult r = fetch(Response.oversized(70 * 1024));
        assertThat(r.fetch()).isEqualTo(MtaStsResult.Fetch.FETCH_FAILED);
        assertThat(r.problems()).singleElement().asString().contains("64 KiB");
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        MtaStsResult r = fetch(Response.redirect("https://elsewhere.example.test/policy.txt"));
        assertThat(r.fetch()).isEqualTo(MtaStsResult.Fetch.FETCH_FAILED);
        assertThat(r.httpStatus()).contains(302);
        assertThat(r.problems()).singleElement().asString().contains("redirects").contains("elsewhere.example.test");
        assertThat(server.requestCount()).as("one request, the redirect target is never asked").isEqualTo(1);
    }

    @Test
    void aWrongContentTypeIsRefused() throws Exception {
        MtaStsResult r = fetch(Response.withContentType("text/html", GOOD));
        assertThat(r.fetch()).isEqualTo(MtaStsResult.Fetch.FETCH_FAILED);
        assertThat(r.problems()).singleElement().asString().contains("text/html").contains("not text/plain");
    }

    @Test
    void anHttpErrorIsAFetchFailure() throws Exception {
        MtaStsResult r = fetch(Response.status(404));
        assertThat(r.fetch()).isEqualTo(MtaStsResult.Fetch.FETCH_FAILED);
        assertThat(r.httpStatus()).contains(404);
        assertThat(r.problems()).singleElement().asString().contains("HTTP 404");
    }

    @Test
    void anExpiredCertificateMakesSendersIgnoreThePolicy() throws Exception {
        MtaStsResult r = fetch(Response.policy(GOOD), ca.issueExpired("mta-sts.example.test"));
        assertThat(r.fetch()).isEqualTo(MtaStsResult.Fetch.FETCH_FAILED);
        assertThat(r.problems()).singleElement().asString().contains("not valid for it").contains("expired");
        assertThat(server.requestCount()).as("no request over an invalid certificate").isZero();
    }

    @Test
    void aCertificateForAnotherNameMakesSendersIgnoreThePolicy() throws Exception {
        MtaStsResult r = fetch(Response.policy(GOOD), ca.issue("www.example.test"));
        assertThat(r.fetch()).isEqualTo(MtaStsResult.Fetch.FETCH_FAILED);
        assertThat(r.problems()).singleElement().asString().contains("name does not match");
    }

    @Test
    void aHostThatDoesNotResolveIsAFetchFailure() throws Exception {
        MtaStsResult r = new MtaStsFetcher(group).fetch("example.test", Optional.of("1"),
                host -> CompletableFuture.completedFuture(List.of()), trust, Duration.ofSeconds(5), 443)
                .get(10, TimeUnit.SECONDS);
        assertThat(r.fetch()).isEqualTo(MtaStsResult.Fetch.FETCH_FAILED);
        assertThat(r.problems()).singleElement().asString().contains("mta-sts.example.test does not resolve");
        assertThat(r.url()).isEqualTo("https://mta-sts.example.test/.well-known/mta-sts.txt");
    }
}
