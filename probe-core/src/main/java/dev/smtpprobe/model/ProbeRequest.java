package dev.smtpprobe.model;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One probe of a target: how to find the servers (DNS options) and what to say to each (the session options,
 * copied into every {@link SessionRequest}).
 *
 * @param target what to probe; its port applies to every MX host
 * @param tlsMode STARTTLS upgrade or implicit TLS
 * @param startTls whether to upgrade with STARTTLS
 * @param verifyCertificate abort on a certificate failure when TLS is required (otherwise only record it)
 * @param caFile PEM trust anchors instead of the JDK's
 * @param ehloName the name sent in EHLO/HELO
 * @param credentials AUTH credentials; empty for no AUTH
 * @param allowPlaintextAuth send credentials without TLS
 * @param mailFrom the reverse-path; empty string for the null sender
 * @param recipients forward-paths; empty means the default: {@code postmaster@<domain>} for a DOMAIN target, the
 *        mailbox for an ADDRESS target, none for a SERVER target (see {@link #effectiveRecipients()})
 * @param message the message to send after DATA; empty never sends DATA
 * @param quitAfter stop early after this phase
 * @param timeouts per-session limits
 * @param addressFamily which address families to resolve and connect to
 * @param allMx probe every MX host and address instead of stopping at the first that answers
 * @param resolvers DNS resolvers to ask; empty for the system's
 * @param dnsTimeout time limit of each DNS attempt
 * @param dnsRetries DNS attempts after the first
 * @param posture run the DNS posture checks (SPF, DMARC, MTA-STS, TLS-RPT, TLSA, PTR, HELO name)
 * @param shuffleSeed seeds the shuffle of equal-preference MX hosts, for repeatable runs; empty for random
 * @param blocklists the DNS blocklists to ask about each public MX address (with posture) and the sending address
 */
public record ProbeRequest(
        ProbeTarget target,
        TlsMode tlsMode,
        StartTlsPolicy startTls,
        boolean verifyCertificate,
        Optional<Path> caFile,
        String ehloName,
        Optional<Credentials> credentials,
        boolean allowPlaintextAuth,
        String mailFrom,
        List<String> recipients,
        Optional<String> message,
        Optional<QuitAfter> quitAfter,
        Timeouts timeouts,
        AddressFamily addressFamily,
        boolean allMx,
        List<InetSocketAddress> resolvers,
        Duration dnsTimeout,
        int dnsRetries,
        boolean posture,
        OptionalLong shuffleSeed,
        Blocklists blocklists) {

    public ProbeRequest {
        Objects.requireNonNull(target);
        Objects.requireNonNull(tlsMode);
        Objects.requireNonNull(startTls);
        Objects.requireNonNull(caFile);
        Objects.requireNonNull(ehloName);
        Objects.requireNonNull(credentials);
        Objects.requireNonNull(mailFrom);
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(message);
        Objects.requireNonNull(quitAfter);
        Objects.requireNonNull(timeouts);
        Objects.requireNonNull(addressFamily);
        resolvers = List.copyOf(resolvers);
        Objects.requireNonNull(dnsTimeout);
        Objects.requireNonNull(shuffleSeed);
        Objects.requireNonNull(blocklists);
        if (dnsTimeout.isNegative() || dnsTimeout.isZero()) {
            throw new IllegalArgumentException("DNS timeout must be positive: " + dnsTimeout);
        }
        if (dnsRetries < 0 || dnsRetries > 10) {
            throw new IllegalArgumentException("DNS retries must be 0..10: " + dnsRetries);
        }
        AddressSyntax.requireNoLineBreak("EHLO name", ehloName);
        AddressSyntax.requireNoLineBreak("sender", mailFrom);
        for (String rcpt : recipients) {
            AddressSyntax.requireNoLineBreak("recipient", rcpt);
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
        if (!recipients.isEmpty()) {
            return recipients;
        }
        return switch (target.kind()) {
            case DOMAIN -> List.of("postmaster@" + target.domain());
            case ADDRESS -> target.mailbox().map(List::of).orElse(List.of());
            case SERVER -> List.of();
        };
    }

    /** The session to run against one address of one host. */
    public SessionRequest sessionRequest(String hostName, InetSocketAddress address) {
        SessionRequest.Builder b = SessionRequest.builder(hostName, address)
                .tlsMode(tlsMode)
                .startTls(startTls)
                .verifyCertificate(verifyCertificate)
                .caFile(caFile.orElse(null))
                .ehloName(ehloName)
                .credentials(credentials.orElse(null))
                .allowPlaintextAuth(allowPlaintextAuth)
                .mailFrom(mailFrom)
                .recipients(effectiveRecipients())
                .message(message.orElse(null))
                .quitAfter(quitAfter.orElse(null))
                .timeouts(timeouts);
        return b.build();
    }

    public Builder toBuilder() {
        Builder b = new Builder(target);
        b.tlsMode = tlsMode;
        b.startTls = startTls;
        b.verifyCertificate = verifyCertificate;
        b.caFile = caFile;
        b.ehloName = ehloName;
        b.credentials = credentials;
        b.allowPlaintextAuth = allowPlaintextAuth;
        b.mailFrom = mailFrom;
        b.recipients = recipients;
        b.message = message;
        b.quitAfter = quitAfter;
        b.timeouts = timeouts;
        b.addressFamily = addressFamily;
        b.allMx = allMx;
        b.resolvers = resolvers;
        b.dnsTimeout = dnsTimeout;
        b.dnsRetries = dnsRetries;
        b.posture = posture;
        b.shuffleSeed = shuffleSeed;
        b.blocklists = blocklists;
        return b;
    }

    public static final class Builder {
        private ProbeTarget target;
        private TlsMode tlsMode = TlsMode.STARTTLS;
        private StartTlsPolicy startTls = StartTlsPolicy.AUTO;
        private boolean verifyCertificate = true;
        private Optional<Path> caFile = Optional.empty();
        private String ehloName = "smtp-probe.invalid";
        private Optional<Credentials> credentials = Optional.empty();
        private boolean allowPlaintextAuth;
        private String mailFrom = "";
        private List<String> recipients = List.of();
        private Optional<String> message = Optional.empty();
        private Optional<QuitAfter> quitAfter = Optional.empty();
        private Timeouts timeouts = Timeouts.DEFAULTS;
        private AddressFamily addressFamily = AddressFamily.ANY;
        private boolean allMx;
        private List<InetSocketAddress> resolvers = List.of();
        private Duration dnsTimeout = Duration.ofSeconds(5);
        private int dnsRetries = 2;
        private boolean posture = true;
        private OptionalLong shuffleSeed = OptionalLong.empty();
        private Blocklists blocklists = Blocklists.DEFAULT;

        private Builder(ProbeTarget target) {
            this.target = Objects.requireNonNull(target);
        }

        public Builder target(ProbeTarget v) { this.target = v; return this; }
        public Builder tlsMode(TlsMode v) { this.tlsMode = v; return this; }
        public Builder startTls(StartTlsPolicy v) { this.startTls = v; return this; }
        public Builder verifyCertificate(boolean v) { this.verifyCertificate = v; return this; }
        public Builder caFile(Path v) { this.caFile = Optional.ofNullable(v); return this; }
        public Builder ehloName(String v) { this.ehloName = v; return this; }
        public Builder credentials(Credentials v) { this.credentials = Optional.ofNullable(v); return this; }
        public Builder allowPlaintextAuth(boolean v) { this.allowPlaintextAuth = v; return this; }
        public Builder mailFrom(String v) { this.mailFrom = v; return this; }
        public Builder recipients(List<String> v) { this.recipients = List.copyOf(v); return this; }
        public Builder message(String v) { this.message = Optional.ofNullable(v); return this; }
        public Builder quitAfter(QuitAfter v) { this.quitAfter = Optional.ofNullable(v); return this; }
        public Builder timeouts(Timeouts v) { this.timeouts = v; return this; }
        public Builder addressFamily(AddressFamily v) { this.addressFamily = v; return this; }
        public Builder allMx(boolean v) { this.allMx = v; return this; }
        public Builder resolvers(List<InetSocketAddress> v) { this.resolvers = List.copyOf(v); return this; }
        public Builder dnsTimeout(Duration v) { this.dnsTimeout = v; return this; }
        public Builder dnsRetries(int v) { this.dnsRetries = v; return this; }
        public Builder posture(boolean v) { this.posture = v; return this; }
        public Builder shuffleSeed(long v) { this.shuffleSeed = OptionalLong.of(v); return this; }
        public Builder randomShuffle() { this.shuffleSeed = OptionalLong.empty(); return this; }
        public Builder blocklists(Blocklists v) { this.blocklists = Objects.requireNonNull(v); return this; }

        public ProbeRequest build() {
            return new ProbeRequest(target, tlsMode, startTls, verifyCertificate, caFile, ehloName, credentials,
                    allowPlaintextAuth, mailFrom, recipients, message, quitAfter, timeouts, addressFamily, allMx,
                    resolvers, dnsTimeout, dnsRetries, posture, shuffleSeed, blocklists);
        }
    }
}
