package dev.smtpprobe.model;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * One TLSA record (RFC 6698 §2.1).
 *
 * @param usage 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
 * @param selector 0 the full certificate, 1 its SubjectPublicKeyInfo
 * @param matchingType 0 exact bytes, 1 SHA-256, 2 SHA-512
 * @param data the certificate association data as lower-case hex
 */
public record TlsaRecord(int usage, int selector, int matchingType, String data) {

    public TlsaRecord {
        Objects.requireNonNull(data);
        data = data.toLowerCase(Locale.ROOT);
    }

    public byte[] dataBytes() {
        return HexFormat.of().parseHex(data);
    }

    /** "3 1 1 <hex>", as the record is written in a zone file. */
    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + data;
    }
}
