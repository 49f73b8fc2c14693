package dev.smtpprobe.model;

/** Which address families to resolve and connect to (the -4 and -6 options). */
public enum AddressFamily {
    /** A and AAAA; IPv4 addresses are tried first, then IPv6. */
    ANY,
    /** A records only. */
    IPV4,
    /** AAAA records only. */
    IPV6;

    public boolean wantsIpv4() {
        return this != IPV6;
    }

    public boolean wantsIpv6() {
        return this != IPV4;
    }
}
