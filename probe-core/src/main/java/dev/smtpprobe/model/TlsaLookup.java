package dev.smtpprobe.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a DANE sender learns from DNS about one MX host before it connects (RFC 7672 §2.2): the DNSSEC status of
 * the host's address records, then the TLSA records at {@code _PORT._tcp.<base>} and their status.
 *
 * @param host the MX host name
 * @param port the port the TLSA name is for
 * @param baseDomain the TLSA base domain: the CNAME-expanded host name when its chain is secure and has TLSA
 *        records there, else the host name itself (RFC 7672 §2.2.3)
 * @param tlsaName the name the TLSA records were found at (or last asked)
 * @param records the TLSA records; empty for none
 * @param tlsaDnssec the DNSSEC status of the TLSA answer (of the denial when there are no records)
 * @param addressDnssec the DNSSEC status of the host's address answer
 * @param failure why the TLSA lookup had no usable answer (SERVFAIL, timeout, bogus), when it had none
 */
public record TlsaLookup(
        String host,
        int port,
        String baseDomain,
        String tlsaName,
        List<TlsaRecord> records,
        DnssecResult tlsaDnssec,
        DnssecResult addressDnssec,
        Optional<String> failure) {

    public TlsaLookup {
        Objects.requireNonNull(host);
        Objects.requireNonNull(baseDomain);
        Objects.requireNonNull(tlsaName);
        records = List.copyOf(records);
        Objects.requireNonNull(tlsaDnssec);
        Objects.requireNonNull(addressDnssec);
        Objects.requireNonNull(failure);
    }

    /** A secure, non-empty TLSA RRset for a host whose address is secure too: DANE applies (RFC 7672 §2.2). */
    public boolean daneApplies() {
        return !records.isEmpty() && tlsaDnssec.secure() && addressDnssec.secure();
    }
}
