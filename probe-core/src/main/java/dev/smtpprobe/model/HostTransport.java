package dev.smtpprobe.model;

import java.util.Objects;

/**
 * The transport-security verdicts for one session (one address of one MX host), in the order of
 * {@link ProbeResult#sessions()}.
 *
 * @param host the host name dialled
 * @param address the address connected to
 * @param dane what a DANE-validating sender would do
 * @param mtaSts what an MTA-STS sender would do
 * @param chain what is wrong with the presented chain ({@link ChainReport#NONE} without TLS)
 */
public record HostTransport(String host, String address, DaneVerdict dane, MtaStsVerdict mtaSts, ChainReport chain) {
    public HostTransport {
        Objects.requireNonNull(host);
        Objects.requireNonNull(address);
        Objects.requireNonNull(dane);
        Objects.requireNonNull(mtaSts);
        Objects.requireNonNull(chain);
    }
}
