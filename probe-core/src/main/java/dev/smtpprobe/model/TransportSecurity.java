package dev.smtpprobe.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * DNSSEC, DANE and MTA-STS as strict senders see the domain, and the verdict for every session.
 *
 * @param dnssecMode how DNSSEC was judged
 * @param mxDnssec the DNSSEC status of the MX RRset (empty for a SERVER target or without posture checks)
 * @param tlsa the TLSA lookup of each MX host with addresses, in plan order
 * @param mtaSts the domain's MTA-STS policy (empty for a SERVER target or without posture checks)
 * @param hosts one entry per session, in the order of {@link ProbeResult#sessions()}
 * @param certWarnDays certificates closer than this to expiry are a warning
 * @param certCritDays certificates closer than this to expiry are critical
 */
public record TransportSecurity(
        TransportSecurityOptions.DnssecMode dnssecMode,
        Optional<DnssecResult> mxDnssec,
        List<TlsaLookup> tlsa,
        Optional<MtaStsResult> mtaSts,
        List<HostTransport> hosts,
        int certWarnDays,
        int certCritDays) {

    /** Nothing judged: the thresholds of the defaults. */
    public static final TransportSecurity NONE = new TransportSecurity(TransportSecurityOptions.DEFAULTS.dnssec(),
            Optional.empty(), List.of(), Optional.empty(), List.of(),
            TransportSecurityOptions.DEFAULTS.certWarnDays(), TransportSecurityOptions.DEFAULTS.certCritDays());

    public TransportSecurity {
        Objects.requireNonNull(dnssecMode);
        Objects.requireNonNull(mxDnssec);
        tlsa = List.copyOf(tlsa);
        Objects.requireNonNull(mtaSts);
        hosts = List.copyOf(hosts);
    }

    /** The TLSA lookup of a host, when one was made. */
    public Optional<TlsaLookup> tlsaOf(String host) {
        return tlsa.stream().filter(t -> t.host().equalsIgnoreCase(host)).findFirst();
    }
}
