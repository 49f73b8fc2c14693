package dev.smtpprobe.dns;

import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.DnssecResult;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.TlsaLookup;
import dev.smtpprobe.model.TlsaRecord;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The DNS half of DANE for SMTP (RFC 7672 §2.2), as a DANE-validating sender does it: the DNSSEC status of the MX
 * RRset, then for each MX host the status of its address records, then its TLSA records at {@code _PORT._tcp}.
 * When the host name is a CNAME whose chain is secure, the expanded name is tried first and the original name
 * second; the first that yields a secure TLSA RRset is the TLSA base domain (§2.2.3). Every lookup is validated.
 */
public final class TlsaResolver {
    private final DnsClient dns;

    public TlsaResolver(DnsClient dns) {
        this.dns = Objects.requireNonNull(dns);
    }

    /** The DNSSEC status of the domain's MX RRset (RFC 7672 §2.2.1: DANE needs it secure to trust the MX names). */
    public CompletableFuture<DnssecResult> mxDnssec(String domain) {
        return dns.validatedMx(MxResolver.stripDot(domain)).thenApply(DnsAnswer::dnssec);
    }

    /** One lookup per distinct host that has addresses, in plan order. */
    public CompletableFuture<List<TlsaLookup>> lookupAll(List<MxHost> hosts, int port) {
        Set<String> names = new LinkedHashSet<>();
        List<CompletableFuture<TlsaLookup>> lookups = new ArrayList<>();
        for (MxHost h : hosts) {
            if (!h.addresses().isEmpty() && names.add(h.name())) {
                lookups.add(lookup(h.name(), port));
            }
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                .thenApply(v -> lookups.stream().map(CompletableFuture::join).toList());
    }

    public CompletableFuture<TlsaLookup> lookup(String host, int port) {
        String h = MxResolver.stripDot(host);
        CompletableFuture<DnsAnswer<InetAddress>> v4 = dns.validatedAddresses(h, false);
        CompletableFuture<DnsAnswer<InetAddress>> v6 = dns.validatedAddresses(h, true);
        return v4.thenCombine(v6, (a, aaaa) -> {
            // The address answer that has records speaks for the host; with none, the worse of the two denials.
            DnsAnswer<InetAddress> used = !a.records().isEmpty() ? a : !aaaa.records().isEmpty() ? aaaa : null;
            DnssecResult status = used != null ? used.dnssec() : a.dnssec().worse(aaaa.dnssec());
            List<String> aliases = used != null ? used.aliases() : a.aliases();
            return new Object[] {status, aliases};
        }).thenCompose(parts -> {
            DnssecResult addressDnssec = (DnssecResult) parts[0];
            @SuppressWarnings("unchecked")
            List<String> aliases = (List<String>) parts[1];
            if (!aliases.isEmpty() && addressDnssec.secure()) {
                String expanded = aliases.get(aliases.size() - 1);
                return tlsaAt(h, expanded, port, addressDnssec).thenCompose(atExpanded ->
                        atExpanded.daneApplies() ? CompletableFuture.completedFuture(atExpanded)
                                : tlsaAt(h, h, port, addressDnssec));
            }
            return tlsaAt(h, h, port, addressDnssec);
        });
    }

    private CompletableFuture<TlsaLookup> tlsaAt(String host, String base, int port, DnssecResult addressDnssec) {
        String name = "_" + port + "._tcp." + base;
        return dns.validatedTlsa(name).thenApply(answer -> {
            Optional<String> failure = answer.isLookupError()
                    ? answer.failure().map(DnsFailure::message) : Optional.empty();
            List<TlsaRecord> records = answer.records();
            return new TlsaLookup(host, port, base, name, records, answer.dnssec(), addressDnssec, failure);
        });
    }
}
