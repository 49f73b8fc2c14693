package dev.smtpprobe.model;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One SMTP conversation with one address.
 *
 * @param hostName the name dialled: used for SNI and for matching the certificate (an IP literal when no name)
 * @param address where to connect
 * @param tlsMode STARTTLS upgrade or implicit TLS
 * @param startTls whether to upgrade (ignored for implicit TLS)
 * @param verifyCertificate when true and TLS is required, a chain or name failure aborts; otherwise it is only recorded
 * @param caFile PEM trust anchors to use instead of the JDK's (private CAs, tests)
 * @param ehloName the name sent in EHLO/HELO
 * @param credentials AUTH credentials; empty means no AUTH
 * @param allowPlaintextAuth send credentials without TLS (only when the user forces it)
 * @param mailFrom the reverse-path without angle brackets; empty string sends the null sender {@code <>}
 * @param recipients forward-paths without angle brackets; empty means no RCPT
 * @param message the full message (headers and body, CRLF line ends) to send after DATA; empty means never send DATA
 * @param quitAfter stop early and QUIT after this phase; empty walks as far as the request allows
 * @param timeouts per-phase and overall limits
 */
public record SessionRequest(
        String hostName,
        InetSocketAddress address,
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
        Timeouts timeouts) {

    public SessionRequest {
        Objects.requireNonNull(hostName);
        Objects.requireNonNull(address);
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
        AddressSyntax.requireNoLineBreak("EHLO name", ehloName);
        AddressSyntax.requireNoLineBreak("sender", mailFrom);
        for (String rcpt : recipients) {
            AddressSyntax.requireNoLineBreak("recipient", rcpt);
        }
        credentials.ifPresent(c -> AddressSyntax.requireNoLineBreak("user name", c.username()));
    }

    public static Builder builder(String hostName, InetSocketAddress address) {
        return new Builder(hostName, address);
    }

    public Builder toBuilder() {
        Builder b = new Builder(hostName, address);
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
        return b;
    }

    public static final class Builder {
        private String hostName;
        private InetSocketAddress address;
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

        private Builder(String hostName, InetSocketAddress address) {
            this.hostName = hostName;
            this.address = address;
        }

        public Builder hostName(String v) { this.hostName = v; return this; }
        public Builder address(InetSocketAddress v) { this.address = v; return this; }
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

        public SessionRequest build() {
            return new SessionRequest(hostName, address, tlsMode, startTls, verifyCertificate, caFile, ehloName,
                    credentials, allowPlaintextAuth, mailFrom, recipients, message, quitAfter, timeouts);
        }
    }
}
