package dev.smtpprobe.model;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One probe of a target: how to find the servers (the DNS options) and what to say to each (the session options,
 * handed to every {@link SessionRequest}).
 *
 * @param target what to probe; its port applies to every MX host
 * @param session what to say to each server; empty recipients mean the target's default (see
 *        {@link #effectiveRecipients()})
 * @param addressFamily which address families to resolve and connect to
 * @param allMx probe every MX host and address instead of stopping at the first that answers
 * @param resolvers DNS resolvers to ask; empty for the system's
 * @param dnsTimeout time limit of each DNS attempt
 * @param dnsRetries DNS attempts after the first
 * @param posture run the DNS posture checks (SPF, DMARC, MTA-STS, TLS-RPT, TLSA, PTR, HELO name)
 * @param shuffleSeed seeds the shuffle of equal-preference MX hosts, for repeatable runs; empty for random
 * @param transportSecurity how DNSSEC, DANE, MTA-STS and certificates are judged
 * @param blocklists the DNS blocklists to ask about each public MX address (with posture) and the sending address
 * @param smugglingTest the SMTP smuggling test: after the walk, one session per sequence against the server that
 *        accepted the test message, each delivering test messages to the recipient named; empty not to run it
 */
public record ProbeRequest(
        ProbeTarget target,
        SessionOptions session,
        AddressFamily addressFamily,
        boolean allMx,
        List<InetSocketAddress> resolvers,
        Duration dnsTimeout,
        int dnsRetries,
        boolean posture,
        OptionalLong shuffleSeed,
        TransportSecurityOptions transportSecurity,
        Blocklists blocklists,
        List<SmugglingSequence> smugglingTest) {

    public ProbeRequest {
        Objects.requireNonNull(target);
        Objects.requireNonNull(session);
        Objects.requireNonNull(addressFamily);
        resolvers = List.copyOf(resolvers);
        Objects.requireNonNull(dnsTimeout);
        Objects.requireNonNull(shuffleSeed);
        Objects.requireNonNull(transportSecurity);
        Objects.requireNonNull(blocklists);
        if (dnsTimeout.isNegative() || dnsTimeout.isZero()) {
            throw new IllegalArgumentException("DNS timeout must be positive: " + dnsTimeout);
        }
        if (dnsRetries < 0 || dnsRetries > 10) {
            throw new IllegalArgumentException("DNS retries must be 0..10: " + dnsRetries);
        }
        smugglingTest = List.copyOf(smugglingTest);
        if (!smugglingTest.isEmpty()) {
            SessionOptions.requireSmugglingTestable(session.protocol(), session.recipients(), session.envelope(),
                    session.message(), session.quitAfter());
            if (session.smuggling().isPresent()) {
                throw new IllegalArgumentException("the smuggling test picks each session's sequence itself");
            }
        }
    }

    public static Builder builder(ProbeTarget target) {
        return new Builder(target);
    }

    /**
     * The recipients each session asks for: those given, else {@code postmaster@<domain>} for a DOMAIN target
     * (RFC 5321 §4.5.1 requires every domain to accept it), the mailbox for an ADDRESS target, none for a SERVER.
     */
    public List<String> effectiveRecipients() {
        if (!session.recipients().isEmpty()) {
            return session.recipients();
        }
        return switch (target.kind()) {
            case DOMAIN -> List.of("postmaster@" + target.domain());
            case ADDRESS -> target.mailbox().map(List::of).orElse(List.of());
            case SERVER -> List.of();
        };
    }

    /** The session to run against one address of one host. */
    public SessionRequest sessionRequest(String hostName, InetSocketAddress address) {
        return new SessionRequest(hostName, address, session.withRecipients(effectiveRecipients()));
    }

    public Builder toBuilder() {
        Builder b = new Builder(target).options(session);
        b.addressFamily = addressFamily;
        b.allMx = allMx;
        b.resolvers = resolvers;
        b.dnsTimeout = dnsTimeout;
        b.dnsRetries = dnsRetries;
        b.posture = posture;
        b.shuffleSeed = shuffleSeed;
        b.transportSecurity = transportSecurity;
        b.blocklists = blocklists;
        b.smugglingTest = smugglingTest;
        return b;
    }

    public static final class Builder extends SessionOptions.Setters<Builder> {
        private ProbeTarget target;
        private AddressFamily addressFamily = AddressFamily.ANY;
        private boolean allMx;
        private List<InetSocketAddress> resolvers = List.of();
        private Duration dnsTimeout = Duration.ofSeconds(5);
        private int dnsRetries = 2;
        private boolean posture = true;
        private OptionalLong shuffleSeed = OptionalLong.empty();
        private TransportSecurityOptions transportSecurity = TransportSecurityOptions.DEFAULTS;
        private Blocklists blocklists = Blocklists.DEFAULT;
        private List<SmugglingSequence> smugglingTest = List.of();

        private Builder(ProbeTarget target) {
            this.target = Objects.requireNonNull(target);
        }

        public Builder target(ProbeTarget v) { this.target = v; return this; }
        public Builder addressFamily(AddressFamily v) { this.addressFamily = v; return this; }
        public Builder allMx(boolean v) { this.allMx = v; return this; }
        public Builder resolvers(List<InetSocketAddress> v) { this.resolvers = List.copyOf(v); return this; }
        public Builder dnsTimeout(Duration v) { this.dnsTimeout = v; return this; }
        public Builder dnsRetries(int v) { this.dnsRetries = v; return this; }
        public Builder posture(boolean v) { this.posture = v; return this; }
        public Builder shuffleSeed(long v) { this.shuffleSeed = OptionalLong.of(v); return this; }
        public Builder randomShuffle() { this.shuffleSeed = OptionalLong.empty(); return this; }
        public Builder transportSecurity(TransportSecurityOptions v) { this.transportSecurity = v; return this; }
        public Builder blocklists(Blocklists v) { this.blocklists = Objects.requireNonNull(v); return this; }
        /** Runs the SMTP smuggling test with these sequences (empty: not at all). */
        public Builder smugglingTest(List<SmugglingSequence> v) { this.smugglingTest = List.copyOf(v); return this; }
        /** Runs the SMTP smuggling test with every sequence. */
        public Builder smugglingTest() { return smugglingTest(List.of(SmugglingSequence.values())); }

        public ProbeRequest build() {
            return new ProbeRequest(target, sessionOptions(), addressFamily, allMx, resolvers, dnsTimeout, dnsRetries,
                    posture, shuffleSeed, transportSecurity, blocklists, smugglingTest);
        }
    }
}
