package dev.smtpprobe.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.peers.DnsPeer;
import dev.smtpprobe.fixtures.peers.RealPeerTest;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The DNS peer is what later DNSSEC and DANE tests will rely on: the resolver sets AD for the signed zone and
 * answers SERVFAIL for the broken record, while the authoritative server answers with AA and never AD.
 */
@RealPeerTest("dns")
class DnsPeerTest {

    private static Message ask(InetSocketAddress server, String name, int type) throws Exception {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(Duration.ofSeconds(3));
        resolver.setEDNS(0, 1232, ExtendedFlags.DO);
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, 1));
        return resolver.send(query);
    }

    @Test
    void theResolverAuthenticatesTheSignedZone(DnsPeer dns) throws Exception {
        Message mx = ask(dns.resolver(), dns.zone(), Type.MX);

        assertThat(mx.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(mx.getHeader().getFlag(Flags.AD)).as("AD flag").isTrue();
        assertThat(mx.getSection(Section.ANSWER)).anySatisfy(r -> assertThat(r.rdataToString()).isEqualTo("10 mx.peer.test."));
        assertThat(mx.getSection(Section.ANSWER)).anySatisfy(r -> assertThat(r.getType()).isEqualTo(Type.RRSIG));
    }

    @Test
    void aRecordChangedAfterSigningIsServfail(DnsPeer dns) throws Exception {
        assertThat(ask(dns.resolver(), dns.bogusName(), Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask(dns.authoritative(), dns.bogusName(), Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void theAuthoritativeServerAnswersWithAaAndNeverAd(DnsPeer dns) throws Exception {
        Message soa = ask(dns.authoritative(), dns.zone(), Type.SOA);

        assertThat(soa.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(soa.getHeader().getFlag(Flags.AD)).isFalse();
        assertThat(Files.readString(dns.trustAnchor())).contains("peer.test.").contains("IN\tDS\t");
    }

    @Test
    void namesOutsideTheZoneNeverLeaveTheMachine(DnsPeer dns) throws Exception {
        // Unbound forwards everything else to NSD, which refuses it: no root hints, no Internet.
        assertThat(ask(dns.resolver(), "example.com", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask(dns.authoritative(), "example.com", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
    }
}
