package dev.smtpprobe.model;

import java.util.Locale;

/**
 * The HAProxy PROXY protocol header sent first on each connection, for a server behind a load balancer that
 * expects one (Postfix's {@code smtpd_upstream_proxy_protocol = haproxy}): the text form (v1) or the binary one
 * (v2). It carries the socket's real source and destination addresses.
 */
public enum ProxyProtocol {
    V1,
    V2;

    /** {@code v1} or {@code v2}, as the command line and reports write it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
