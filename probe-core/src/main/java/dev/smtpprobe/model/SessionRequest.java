package dev.smtpprobe.model;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One SMTP conversation with one address.
 *
 * @param hostName the name dialled: used for SNI and for matching the certificate (an IP literal when no name),
 *        unless the options name another ({@link SessionOptions#tlsName()})
 * @param address where to connect
 * @param options what to say; its recipients are the ones this session asks for
 */
public record SessionRequest(String hostName, InetSocketAddress address, SessionOptions options) {

    public SessionRequest {
        Objects.requireNonNull(hostName);
        Objects.requireNonNull(address);
        Objects.requireNonNull(options);
        AddressSyntax.requireNoLineBreak("host name", hostName);
    }

    /** The name the certificate must match and SNI carries. */
    public String tlsName() {
        return options.tlsName().orElse(hostName);
    }

    public static Builder builder(String hostName, InetSocketAddress address) {
        return new Builder(hostName, address);
    }

    public Builder toBuilder() {
        return new Builder(hostName, address).options(options);
    }

    public static final class Builder extends SessionOptions.Setters<Builder> {
        private String hostName;
        private InetSocketAddress address;

        private Builder(String hostName, InetSocketAddress address) {
            this.hostName = hostName;
            this.address = address;
        }

        public Builder hostName(String v) { this.hostName = v; return this; }
        public Builder address(InetSocketAddress v) { this.address = v; return this; }

        public SessionRequest build() {
            return new SessionRequest(hostName, address, sessionOptions());
        }
    }
}
