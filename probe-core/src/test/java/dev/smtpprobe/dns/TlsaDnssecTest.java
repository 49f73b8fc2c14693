package dev.smtpprobe.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import dev.smtpprobe.model.DnssecResult;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.model.TlsaLookup;
import dev.smtpprobe.model.TransportSecurityOptions.DnssecMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNSSEC judged locally by the validator over real DNS packets: zones signed in-process and served by
 * FakeDnsServer, with the test root's DS as the only trust anchor. Secure, provably insecure, bogus and
 * indeterminate answers come out as four different statuses and four different TLSA checks.
 */
class TlsaDnssecTest {
    private static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private FakeDnsServer server;
    private Path anchor;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        server = new FakeDnsServer();
        server.zone("signed.test").mx(10, "mx.signed.test").a("mx.signed.test", "127.0.0.1")
                .tlsa("_25._tcp.mx.signed.test", 3, 1, 1, HEX)
                .a("plain.signed.test", "127.0.0.1")
                .cname("alias.signed.test", "target.signed.test").a("target.signed.test", "127.0.0.1")
                .tlsa("_25._tcp.target.signed.test", 3, 1, 1, HEX)
                .a("bogus.signed.test", "127.0.0.1").tlsa("_25._tcp.bogus.signed.test", 3, 1, 1, HEX);
        server.zone("unsigned.test").a("mx.unsigned.test", "127.0.0.2").tlsa("_25._tcp.mx.unsigned.test", 3, 1, 1, HEX);
        server.zone("test");
        server.sign("signed.test");
        FakeDnsServer.SignedZone root = server.sign("test");
        server.replaceAfterSigning("_25._tcp.bogus.signed.test. 300 IN TLSA 3 1 1 " + "ff".repeat(32));
        server.zone("outside.example").a("mx.outside.example", "127.0.0.3")
                .tlsa("_25._tcp.mx.outside.example", 3, 1, 1, HEX);
        server.start();
        anchor = Files.writeString(dir.resolve("anchor.txt"), root.trustAnchor(), StandardCharsets.US_ASCII);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private DnsClient validating() {
        return DnsClient.builder().resolver(server.resolverAddress()).timeout(Duration.ofSeconds(3)).retries(0)
                .dnssec(DnssecMode.VALIDATE, Optional.of(anchor)).build();
    }

    private TlsaLookup lookup(String host) throws Exception {
        return new TlsaResolver(validating()).lookup(host, 25).get(20, TimeUnit.SECONDS);
    }

    @Test
    void signedZoneGivesASecureTlsaAnswerThatPasses() throws Exception {
        TlsaLookup t = lookup("mx.signed.test");
        assertThat(t.tlsaDnssec().status()).as("%s", t).isEqualTo(DnssecResult.Status.SECURE);
        assertThat(t.addressDnssec().status()).isEqualTo(DnssecResult.Status.SECURE);
        assertThat(t.daneApplies()).isTrue();
        PostureCheck c = PostureChecker.tlsaCheck(t);
        assertThat(c.status()).as(c.summary()).isEqualTo(PostureCheck.Status.PASS);
        assertThat(c.summary()).contains("DNSSEC-secure");
    }

    @Test
    void unsignedZoneIsProvablyInsecureSoTlsaHasNoEffect() throws Exception {
        TlsaLookup t = lookup("mx.unsigned.test");
        assertThat(t.tlsaDnssec().status()).as("%s", t).isEqualTo(DnssecResult.Status.INSECURE);
        assertThat(t.records()).hasSize(1);
        assertThat(t.daneApplies()).isFalse();
        PostureCheck c = PostureChecker.tlsaCheck(t);
        assertThat(c.status()).isEqualTo(PostureCheck.Status.WARN);
        assertThat(c.summary()).contains("not DNSSEC-signed").contains("no effect");
    }

    @Test
    void dataChangedAfterSigningIsBogusAndTheCheckFails() throws Exception {
        TlsaLookup t = lookup("bogus.signed.test");
        assertThat(t.tlsaDnssec().status()).as("%s", t).isEqualTo(DnssecResult.Status.BOGUS);
        assertThat(t.failure()).get().asString().contains("bogus");
        PostureCheck c = PostureChecker.tlsaCheck(t);
        assertThat(c.status()).isEqualTo(PostureCheck.Status.FAIL);
        assertThat(c.summary()).contains("DNSSEC-bogus").contains("defer");
    }

    @Test
    void aNameNoTrustAnchorCoversIsIndeterminateNotTheDomainsFault() throws Exception {
        TlsaLookup t = lookup("mx.outside.example");
        assertThat(t.tlsaDnssec().status()).isEqualTo(DnssecResult.Status.INDETERMINATE);
        assertThat(t.tlsaDnssec().reason()).contains("no trust anchor covers");
        assertThat(PostureChecker.tlsaCheck(t).status()).isEqualTo(PostureCheck.Status.INFO);
    }

    @Test
    void aSecureCnameIsExpandedAndTheTargetIsTheTlsaBaseDomain() throws Exception {
        TlsaLookup t = lookup("alias.signed.test");
        assertThat(t.baseDomain()).isEqualTo("target.signed.test");
        assertThat(t.tlsaName()).isEqualTo("_25._tcp.target.signed.test");
        assertThat(t.daneApplies()).as("%s", t).isTrue();
    }

    @Test
    void noTlsaInASignedZoneIsASecureDenial() throws Exception {
        TlsaLookup t = lookup("plain.signed.test");
        assertThat(t.records()).isEmpty();
        assertThat(t.tlsaDnssec().status()).as("%s", t).isEqualTo(DnssecResult.Status.SECURE);
        assertThat(PostureChecker.tlsaCheck(t).summary()).contains("securely denied");
    }

    @Test
    void theMxRrsetOfASignedDomainIsSecure() throws Exception {
        DnssecResult mx = new TlsaResolver(validating()).mxDnssec("signed.test").get(20, TimeUnit.SECONDS);
        assertThat(mx.status()).as("%s", mx).isEqualTo(DnssecResult.Status.SECURE);
    }

    @Test
    void aResolverServfailIsALookupErrorNotABogusAnswer() throws Exception {
        server.servfail("_25._tcp.mx.signed.test");
        TlsaLookup t = lookup("mx.signed.test");
        assertThat(t.tlsaDnssec().status()).as("%s", t).isEqualTo(DnssecResult.Status.INDETERMINATE);
        assertThat(PostureChecker.tlsaCheck(t).status()).isEqualTo(PostureCheck.Status.ERROR);
    }

    @Test
    void aResolverThatGivesNoDnskeyForTheAnchorMakesAnswersIndeterminateNotBogus() throws Exception {
        // The shipped root anchor, and a server that refuses every question about the root: the chain breaks at
        // the anchor itself, which says something about the resolver path, nothing about the domain.
        DnsClient client = DnsClient.builder().resolver(server.resolverAddress()).timeout(Duration.ofSeconds(3))
                .retries(0).dnssec(DnssecMode.VALIDATE, Optional.empty()).build();
        TlsaLookup t = new TlsaResolver(client).lookup("mx.unsigned.test", 25).get(20, TimeUnit.SECONDS);
        assertThat(t.tlsaDnssec().status()).as("%s", t).isEqualTo(DnssecResult.Status.INDETERMINATE);
        assertThat(t.tlsaDnssec().reason()).contains("cannot be validated through this resolver");
        assertThat(t.records()).as("the data is still reported").hasSize(1);
        assertThat(t.failure()).isEmpty();
    }

    @Test
    void anUnreadableTrustAnchorFileIsReportedNotThrown() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "; nothing\n");
        assertThat(DnsClient.trustAnchorProblem(empty)).get().asString().contains("no DS or DNSKEY");
        assertThat(DnsClient.trustAnchorProblem(anchor)).isEmpty();
        DnsClient client = DnsClient.builder().resolver(server.resolverAddress()).timeout(Duration.ofSeconds(3))
                .retries(0).dnssec(DnssecMode.VALIDATE, Optional.of(empty)).build();
        TlsaLookup t = new TlsaResolver(client).lookup("mx.signed.test", 25).get(20, TimeUnit.SECONDS);
        assertThat(t.tlsaDnssec().status()).isEqualTo(DnssecResult.Status.INDETERMINATE);
        assertThat(t.tlsaDnssec().reason()).contains("no DS or DNSKEY");
    }
}
