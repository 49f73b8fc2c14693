package dev.smtpprobe.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import dev.smtpprobe.model.PostureCheck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The SPF, DMARC, MTA-STS and TLS-RPT checks over arbitrary TXT answers (any bytes, any number of strings, include loops): each
 * completes, with a check and never an exception, within a bounded number of DNS questions. The answers come in
 * real DNS packets from a fixture server on loopback, one fresh owner name per try.
 */
class DnsAnswerPropertyTest {
    private static FakeDnsServer server;
    private static FakeDnsServer.Zone zone;
    private static PostureChecker checker;
    private static final AtomicInteger names = new AtomicInteger();

    @BeforeContainer
    static void start() {
        server = new FakeDnsServer();
        zone = server.zone("prop.test");
        // Includes that exist, loop, and fan out, so the walk's bounds are exercised and not only its syntax checks.
        zone.txt("loop1.prop.test", "v=spf1 include:loop2.prop.test -all")
                .txt("loop2.prop.test", "v=spf1 include:loop1.prop.test -all")
                .txt("wide.prop.test", "v=spf1 a mx include:loop1.prop.test include:wide.prop.test ~all");
        server.start();
        checker = new PostureChecker(DnsClient.builder().resolver(server.resolverAddress())
                .timeout(Duration.ofSeconds(2)).retries(0).build());
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    private static String owner(List<byte[]> strings) {
        String name = "t" + names.incrementAndGet() + ".prop.test";
        zone.txtBytes(name, strings);
        for (String prefix : List.of("_dmarc.", "_mta-sts.", "_smtp._tls.")) {
            zone.txtBytes(prefix + name, strings);
        }
        return name;
    }

    @Property(tries = 200, seed = "20250310")
    void spfOfAnyTxtIsACheckWithinItsQueryBound(@ForAll("txt") List<byte[]> strings) throws Exception {
        String name = owner(strings);
        int before = server.queryCount();

        PostureCheck c = checker.spf(name).get(10, TimeUnit.SECONDS);

        assertThat(c.id()).isEqualTo("spf");
        assertThat(c.summary()).isNotBlank();
        assertThat(c.status()).isNotNull();
        // The first question plus the walk's own cap on TXT questions (and one for each a/mx it never asks).
        assertThat(server.queryCount() - before).isLessThanOrEqualTo(1 + 25);
    }

    @Property(tries = 200, seed = "20250311")
    void dmarcMtaStsAndTlsRptOfAnyTxtAreChecks(@ForAll("txt") List<byte[]> strings) throws Exception {
        String name = owner(strings);

        PostureCheck c = checker.dmarc(name).get(10, TimeUnit.SECONDS);
        PostureCheck sts = checker.mtaSts(name).get(10, TimeUnit.SECONDS);
        PostureCheck rpt = checker.tlsRpt(name).get(10, TimeUnit.SECONDS);

        assertThat(sts.id()).isEqualTo("mta-sts");
        assertThat(rpt.id()).isEqualTo("tls-rpt");
        assertThat(List.of(sts.summary(), rpt.summary())).allSatisfy(summary -> assertThat(summary).isNotBlank());

        assertThat(c.id()).isEqualTo("dmarc");
        assertThat(c.summary()).isNotBlank();
        assertThat(c.status()).isIn(PostureCheck.Status.values());
        if (c.status() == PostureCheck.Status.PASS) {
            assertThat(c.records()).hasSize(1);
            assertThat(c.records().get(0).toLowerCase(java.util.Locale.ROOT)).contains("v=dmarc1");
        }
    }

    @Provide
    Arbitrary<List<byte[]>> txt() {
        Arbitrary<String> spfTerm = Arbitraries.of("v=spf1", "v=spf1 ", "-all", "+all", "~all", "?all", "all", "mx",
                "a", "a:x.prop.test", "mx/24", "ip4:192.0.2.0/24", "ip4:999.1.1.1", "ip6:2001:db8::/32", "ip6:zz",
                "include:loop1.prop.test", "include:wide.prop.test", "include:", "include:nowhere.prop.test",
                "redirect=loop2.prop.test", "redirect=", "exists:%{i}.prop.test", "ptr", "exp=x.prop.test",
                "a//129", "x-unknown=1", "=", " ", "  ");
        Arbitrary<String> dmarcTerm = Arbitraries.of("v=DMARC1", "v=dmarc1", "p=none", "p=reject", "p=quarantine",
                "p=", "sp=bad", "pct=101", "pct=50", "rua=mailto:r@prop.test", "rua=https://x.prop.test/r",
                "rua=mailto:", "ruf=ftp://x", "fo=1:d", "fo=x", "ri=86400", "ri=-1", "adkim=s", "aspf=q", ";", ";;",
                "=", " ");
        Arbitrary<String> noise = Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(20);
        Arbitrary<String> term = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, spfTerm), net.jqwik.api.Tuple.of(4, dmarcTerm), net.jqwik.api.Tuple.of(1, noise));
        Arbitrary<String> start = Arbitraries.of("v=spf1 ", "v=spf1 ", "v=spf1", "v=DMARC1; ", "v=DMARC1; ", "");
        Arbitrary<String> record = net.jqwik.api.Combinators.combine(start, Arbitraries.oneOf(
                term.list().ofMaxSize(12).map(ts -> String.join(" ", ts)),
                term.list().ofMaxSize(12).map(ts -> String.join("; ", ts)))).as(String::concat);
        Arbitrary<byte[]> string = Arbitraries.oneOf(
                record.map(r -> clip(r.getBytes(StandardCharsets.ISO_8859_1))),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(255));
        return string.list().ofMinSize(1).ofMaxSize(4);
    }

    private static byte[] clip(byte[] b) {
        return b.length <= 255 ? b : java.util.Arrays.copyOf(b, 255);
    }
}
