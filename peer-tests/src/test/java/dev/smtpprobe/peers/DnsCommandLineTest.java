package dev.smtpprobe.peers;

import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.STARTTLS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smtpprobe.fixtures.peers.DnsPeer;
import dev.smtpprobe.fixtures.peers.PostfixPeer;
import dev.smtpprobe.fixtures.peers.RealPeerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The command line resolving through a real validating resolver (Unbound in front of NSD, zone signed at
 * start) to the real Postfix: MX hosts, null MX, NXDOMAIN, implicit MX, a bogus answer, and the posture checks.
 */
@RealPeerTest({"dns", "postfix"})
class DnsCommandLineTest {

    private static Cli probeDomain(DnsPeer dns, PostfixPeer postfix, String domain, String... more) {
        List<String> args = new ArrayList<>(List.of("probe", domain, "--resolver", dns.resolverArgument(),
                "--port", Integer.toString(postfix.port(STARTTLS)), "--ca-file", postfix.caCertificate().toString(),
                "--ehlo", "probe.test", "--timeout", "5", "--dns-timeout", "3", "--no-color", "--format", "json"));
        args.addAll(List.of(more));
        return Cli.run(args);
    }

    private static List<String> findingIds(Cli run) {
        return StreamSupport.stream(run.json().at("/findings").spliterator(), false)
                .map(f -> f.at("/id").asText()).toList();
    }

    @Test
    void aHealthyDomainIsOkThroughItsMxToPostfix(DnsPeer dns, PostfixPeer postfix) {
        Cli run = probeDomain(dns, postfix, dns.zone());

        assertThat(run.exitCode()).as("%s", run).isZero();
        JsonNode json = run.json();
        assertThat(json.at("/dns/kind").asText()).isEqualTo("mx");
        assertThat(json.at("/dns/hosts/0/name").asText()).isEqualTo("mx.peer.test");
        assertThat(json.at("/dns/hosts/0/preference").asInt()).isEqualTo(10);
        assertThat(json.at("/dns/hosts/0/addresses/0").asText()).isEqualTo("127.0.0.1");
        assertThat(run.steps()).contains("rcpt RCPT TO:<postmaster@peer.test> -> 250");
        assertThat(json.at("/tls/nameMatches").asBoolean()).as("certificate for mx.peer.test").isTrue();
        assertThat(StreamSupport.stream(json.at("/posture").spliterator(), false)
                .filter(p -> p.at("/status").asText().equals("pass")).map(p -> p.at("/id").asText()).toList())
                .as("%s", json.at("/posture")).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void aNullMxIsCriticalWithoutAnyConnection(DnsPeer dns, PostfixPeer postfix) {
        Cli run = probeDomain(dns, postfix, "nullmx." + dns.zone(), "--no-posture");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        assertThat(run.json().at("/dns/kind").asText()).isEqualTo("null-mx");
        assertThat(run.json().at("/hosts").size()).isZero();
        assertThat(run.firstProblem().at("/category").asText()).isEqualTo("no-mail-service");
    }

    @Test
    void aMissingDomainIsDomainNotFound(DnsPeer dns, PostfixPeer postfix) {
        Cli run = probeDomain(dns, postfix, "missing." + dns.zone(), "--no-posture");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        assertThat(run.firstProblem().at("/category").asText()).isEqualTo("domain-not-found");
    }

    @Test
    void aDomainWithOnlyAnAddressIsProbedAsItsOwnMx(DnsPeer dns, PostfixPeer postfix) {
        Cli run = probeDomain(dns, postfix, "implicit." + dns.zone(), "--no-posture",
                "--rcpt", postfix.mailbox("bob"));

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        assertThat(findingIds(run)).contains("implicit-mx");
        assertThat(run.json().at("/hosts/0/name").asText()).isEqualTo("implicit.peer.test");
        assertThat(run.steps()).contains("rcpt RCPT TO:<bob@peer.test> -> 250");
    }

    @Test
    void aBogusAnswerIsADnsFailure(DnsPeer dns, PostfixPeer postfix) {
        Cli run = probeDomain(dns, postfix, dns.bogusName(), "--no-posture");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        assertThat(run.firstProblem().at("/category").asText()).isEqualTo("dns-failure");
        assertThat(run.json().at("/hosts").size()).isZero();
    }
}
