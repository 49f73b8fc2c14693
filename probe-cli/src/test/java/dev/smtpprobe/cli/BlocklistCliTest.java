package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * --check-my-ip, --dnsbl and --no-dnsbl through the command line, with --resolver pointing at fixture blocklist
 * zones. The MX host is on loopback (so it is never asked about: blocklists list public addresses only); the
 * sending address is a documentation address that only the fixture zones know.
 */
class BlocklistCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeDnsServer dns;
    private MockSmtpServer smtp;

    @BeforeEach
    void start() throws Exception {
        smtp = new MockSmtpServer().start();
        dns = new FakeDnsServer();
        dns.zone("example.test").mx(10, "mx.example.test").a("mx.example.test", "127.0.0.1");
        dns.blocklist("zen.spamhaus.org").listed("203.0.113.7", "127.0.0.2", "127.0.0.4")
                .reason("203.0.113.7", "https://check.spamhaus.org/listed?ip=203.0.113.7")
                .listed("203.0.113.8", "127.255.255.254");
        dns.blocklist("bl.spamcop.net");
        dns.blocklist("psbl.surriel.com");
        dns.blocklist("custom.test").listed("203.0.113.8", "127.0.0.2");
        dns.start();
    }

    @AfterEach
    void stop() {
        dns.close();
        smtp.close();
    }

    private CliRun probe(String... more) {
        String[] base = {"probe", "example.test", "--resolver", dns.resolverSpec(), "--port", Integer.toString(smtp.port()),
                "--starttls", "never", "--ehlo", "probe.test", "--no-posture", "--format", "json", "--timeout", "5"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void aSendingAddressOnTheSblMakesTheProbeCritical() throws Exception {
        CliRun run = probe("--check-my-ip", "203.0.113.7");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        JsonNode json = JSON.readTree(run.out());
        JsonNode sender = json.at("/findings/0");
        assertThat(sender.at("/id").asText()).isEqualTo("sender-blocklisted");
        assertThat(sender.at("/category").asText()).isEqualTo("blocklisted");
        assertThat(sender.at("/detail").asText()).contains("SBL").contains("XBL");
        assertThat(json.at("/posture").toString()).contains("dnsbl-sender")
                .contains("zen.spamhaus.org says: https://check.spamhaus.org/listed?ip=203.0.113.7");
        assertThat(json.at("/summary").asText()).startsWith("Your sending address is on a blocklist");
    }

    @Test
    void aRefusalIsSaidAsSuchAndAnotherZoneCanBeNamed() throws Exception {
        CliRun refused = probe("--check-my-ip", "203.0.113.8");
        CliRun custom = probe("--check-my-ip", "203.0.113.8", "--dnsbl", "custom.test");

        // A warning at most (the scripted server offers no STARTTLS): a refused query is never a listing.
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(1);
        assertThat(JSON.readTree(refused.out()).at("/findings").toString())
                .contains("blocklist-not-checked").contains("use your own resolver or a data feed")
                .doesNotContain("sender-blocklisted");
        assertThat(custom.exitCode()).isEqualTo(1);
        assertThat(JSON.readTree(custom.out()).at("/findings").toString()).contains("sender-blocklisted")
                .contains("listed in custom.test");
        assertThat(dns.drainQueries()).extracting(FakeDnsServer.RecordedQuery::name)
                .contains("8.113.0.203.custom.test");
    }

    @Test
    void noDnsblAsksNone() {
        CliRun run = probe("--no-dnsbl");

        assertThat(run.exitCode()).as(run.err()).isLessThan(2);
        assertThat(dns.drainQueries()).noneMatch(q -> q.name().endsWith("spamhaus.org"));
    }
}
