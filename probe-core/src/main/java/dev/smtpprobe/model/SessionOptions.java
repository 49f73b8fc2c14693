package dev.smtpprobe.model;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to say to each server: the session options, declared and validated in this one place and shared by the
 * library ({@link ProbeRequest}, {@link SessionRequest}), the command line and batch runs.
 *
 * @param protocol SMTP (EHLO) or LMTP (LHLO, a reply per recipient after the message)
 * @param tlsMode STARTTLS upgrade or implicit TLS
 * @param startTls whether to upgrade with STARTTLS (ignored for implicit TLS)
 * @param verifyCertificate abort on a certificate failure when TLS is required; otherwise only record it
 * @param caFile PEM trust anchors instead of the JDK's (private CAs, tests)
 * @param tlsName the name for SNI and certificate matching instead of the host dialled (when dialling an IP)
 * @param localAddress the source address to connect from
 * @param ehloName the name sent in EHLO/LHLO/HELO
 * @param credential AUTH credential; empty means no AUTH
 * @param authMechanism the SASL mechanism to use instead of the strongest both sides offer
 * @param allowPlaintextAuth send a credential that travels in clear (PLAIN, LOGIN) without TLS
 * @param mailFrom the reverse-path without angle brackets; empty sends the null sender {@code <>}
 * @param recipients forward-paths without angle brackets; empty means the target's default (see ProbeRequest)
 * @param envelope what the recipients are for: a normal probe, an open-relay test or a catch-all check
 * @param message the full message (headers and body) to send after DATA or BDAT; empty never sends one
 * @param quitAfter stop politely after this phase; empty walks as far as the request allows
 * @param timeouts per-phase and overall limits
 * @param extensions which offered SMTP extensions the probe may use, and the DSN parameters to ask for
 * @param smuggling send the message with this non-standard end-of-data sequence and a second transaction behind
 *        it, then QUIT, to see whether the server parses that transaction (SMTP smuggling); it needs the message
 *        and a recipient named explicitly, and the probe delivers real test messages to that recipient
 * @param proxy the SOCKS5 proxy every TCP connection goes through; empty connects directly
 * @param proxyProtocol the PROXY protocol header to send first on each connection; empty sends none
 */
public record SessionOptions(
        Protocol protocol,
        TlsMode tlsMode,
        StartTlsPolicy startTls,
        boolean verifyCertificate,
        Optional<Path> caFile,
        Optional<String> tlsName,
        Optional<InetAddress> localAddress,
        String ehloName,
        Optional<Credential> credential,
        Optional<String> authMechanism,
        boolean allowPlaintextAuth,
        String mailFrom,
        List<String> recipients,
        EnvelopeMode envelope,
        Optional<String> message,
        Optional<QuitAfter> quitAfter,
        Timeouts timeouts,
        ExtensionUse extensions,
        Optional<SmugglingSequence> smuggling,
        Optional<SocksProxy> proxy,
        Optional<ProxyProtocol> proxyProtocol) {

    /** The EHLO name when none is given: {@code .invalid} (RFC 2606) says plainly that it is not a real host. */
    public static final String DEFAULT_EHLO_NAME = "smtp-probe.invalid";

    public static final SessionOptions DEFAULTS = builder().build();

    public enum Protocol { SMTP, LMTP }

    /** What the envelope is for, so that the diagnosis reads the replies to it rightly. */
    public enum EnvelopeMode {
        /** The recipients are the ones to check. */
        PROBE,
        /** An outside sender to an outside recipient: any 250 to RCPT means the server relays for anyone. */
        RELAY_TEST,
        /** A random local part is asked for beside the real recipients: accepting it means any address is accepted. */
        CATCH_ALL_CHECK
    }

    public SessionOptions {
        Objects.requireNonNull(protocol);
        Objects.requireNonNull(tlsMode);
        Objects.requireNonNull(startTls);
        Objects.requireNonNull(caFile);
        Objects.requireNonNull(tlsName);
        Objects.requireNonNull(localAddress);
        Objects.requireNonNull(ehloName);
        Objects.requireNonNull(credential);
        Objects.requireNonNull(authMechanism);
        Objects.requireNonNull(mailFrom);
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(envelope);
        Objects.requireNonNull(message);
        Objects.requireNonNull(quitAfter);
        Objects.requireNonNull(timeouts);
        Objects.requireNonNull(extensions);
        Objects.requireNonNull(proxy);
        Objects.requireNonNull(proxyProtocol);
        if (proxy.isPresent() && proxyProtocol.isPresent()) {
            // Through SOCKS the socket's own addresses are ours and the proxy's, not what the server sees: the
            // header would claim addresses that are not the connection's.
            throw new IllegalArgumentException("a PROXY protocol header cannot be sent through a SOCKS proxy: the"
                    + " probe does not know the address the proxy connects from");
        }
        AddressSyntax.requireNoLineBreak("EHLO name", ehloName);
        AddressSyntax.requireNoLineBreak("sender", mailFrom);
        for (String rcpt : recipients) {
            AddressSyntax.requireNoLineBreak("recipient", rcpt);
        }
        tlsName.ifPresent(n -> AddressSyntax.requireNoLineBreak("TLS name", n));
        authMechanism.ifPresent(m -> AddressSyntax.requireNoLineBreak("AUTH mechanism", m));
        if (ehloName.isBlank()) {
            throw new IllegalArgumentException("EHLO name is empty");
        }
        if (envelope == EnvelopeMode.RELAY_TEST && message.isPresent()) {
            throw new IllegalArgumentException("a relay test never sends a message");
        }
        Objects.requireNonNull(smuggling);
        if (smuggling.isPresent()) {
            requireSmugglingTestable(protocol, recipients, envelope, message, quitAfter);
        }
    }

    /**
     * The SMTP smuggling test delivers real messages, so it runs only with a message to send and a recipient the
     * user named, over SMTP, walking the whole transaction: one check, for this session and for a probe asking it.
     */
    static void requireSmugglingTestable(Protocol protocol, List<String> recipients, EnvelopeMode envelope,
            Optional<String> message, Optional<QuitAfter> quitAfter) {
        if (message.isEmpty()) {
            throw new IllegalArgumentException("the smuggling test sends test messages: it needs --send");
        }
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("the smuggling test delivers test messages: name their recipient "
                    + "with --rcpt");
        }
        if (envelope != EnvelopeMode.PROBE) {
            throw new IllegalArgumentException("the smuggling test excludes --relay-test and --catch-all-check");
        }
        if (protocol != Protocol.SMTP) {
            throw new IllegalArgumentException("the smuggling test speaks SMTP, not LMTP");
        }
        if (quitAfter.isPresent()) {
            throw new IllegalArgumentException("the smuggling test walks the whole transaction: it excludes --quit-after");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.copyFrom(this);
        return b;
    }

    public SessionOptions withRecipients(List<String> newRecipients) {
        return toBuilder().recipients(newRecipients).build();
    }

    /**
     * Session option setters, shared by every builder that carries session options, so they are declared once.
     *
     * @param <B> the concrete builder, returned by every setter
     */
    @SuppressWarnings("unchecked")
    public abstract static class Setters<B extends Setters<B>> {
        Protocol protocol = Protocol.SMTP;
        TlsMode tlsMode = TlsMode.STARTTLS;
        StartTlsPolicy startTls = StartTlsPolicy.AUTO;
        boolean verifyCertificate = true;
        Optional<Path> caFile = Optional.empty();
        Optional<String> tlsName = Optional.empty();
        Optional<InetAddress> localAddress = Optional.empty();
        String ehloName = DEFAULT_EHLO_NAME;
        Optional<Credential> credential = Optional.empty();
        Optional<String> authMechanism = Optional.empty();
        boolean allowPlaintextAuth;
        String mailFrom = "";
        List<String> recipients = List.of();
        EnvelopeMode envelope = EnvelopeMode.PROBE;
        Optional<String> message = Optional.empty();
        Optional<QuitAfter> quitAfter = Optional.empty();
        Timeouts timeouts = Timeouts.DEFAULTS;
        ExtensionUse extensions = ExtensionUse.DEFAULTS;
        Optional<SmugglingSequence> smuggling = Optional.empty();
        Optional<SocksProxy> proxy = Optional.empty();
        Optional<ProxyProtocol> proxyProtocol = Optional.empty();

        public B protocol(Protocol v) { protocol = v; return (B) this; }
        public B tlsMode(TlsMode v) { tlsMode = v; return (B) this; }
        public B startTls(StartTlsPolicy v) { startTls = v; return (B) this; }
        public B verifyCertificate(boolean v) { verifyCertificate = v; return (B) this; }
        public B caFile(Path v) { caFile = Optional.ofNullable(v); return (B) this; }
        public B tlsName(String v) { tlsName = Optional.ofNullable(v); return (B) this; }
        public B localAddress(InetAddress v) { localAddress = Optional.ofNullable(v); return (B) this; }
        public B ehloName(String v) { ehloName = v; return (B) this; }
        public B credential(Credential v) { credential = Optional.ofNullable(v); return (B) this; }
        public B authMechanism(String v) { authMechanism = Optional.ofNullable(v); return (B) this; }
        public B allowPlaintextAuth(boolean v) { allowPlaintextAuth = v; return (B) this; }
        public B mailFrom(String v) { mailFrom = v; return (B) this; }
        public B recipients(List<String> v) { recipients = List.copyOf(v); return (B) this; }
        public B envelope(EnvelopeMode v) { envelope = v; return (B) this; }
        public B message(String v) { message = Optional.ofNullable(v); return (B) this; }
        public B quitAfter(QuitAfter v) { quitAfter = Optional.ofNullable(v); return (B) this; }
        public B timeouts(Timeouts v) { timeouts = v; return (B) this; }
        public B extensions(ExtensionUse v) { extensions = v; return (B) this; }
        public B smuggling(SmugglingSequence v) { smuggling = Optional.ofNullable(v); return (B) this; }
        public B proxy(SocksProxy v) { proxy = Optional.ofNullable(v); return (B) this; }
        public B proxyProtocol(ProxyProtocol v) { proxyProtocol = Optional.ofNullable(v); return (B) this; }

        /** Takes every session option from {@code o}. */
        public B options(SessionOptions o) {
            copyFrom(o);
            return (B) this;
        }

        void copyFrom(SessionOptions o) {
            protocol = o.protocol;
            tlsMode = o.tlsMode;
            startTls = o.startTls;
            verifyCertificate = o.verifyCertificate;
            caFile = o.caFile;
            tlsName = o.tlsName;
            localAddress = o.localAddress;
            ehloName = o.ehloName;
            credential = o.credential;
            authMechanism = o.authMechanism;
            allowPlaintextAuth = o.allowPlaintextAuth;
            mailFrom = o.mailFrom;
            recipients = o.recipients;
            envelope = o.envelope;
            message = o.message;
            quitAfter = o.quitAfter;
            timeouts = o.timeouts;
            extensions = o.extensions;
            smuggling = o.smuggling;
            proxy = o.proxy;
            proxyProtocol = o.proxyProtocol;
        }

        protected SessionOptions sessionOptions() {
            return new SessionOptions(protocol, tlsMode, startTls, verifyCertificate, caFile, tlsName, localAddress,
                    ehloName, credential, authMechanism, allowPlaintextAuth, mailFrom, recipients, envelope, message,
                    quitAfter, timeouts, extensions, smuggling, proxy, proxyProtocol);
        }
    }

    public static final class Builder extends Setters<Builder> {
        private Builder() {
        }

        public SessionOptions build() {
            return sessionOptions();
        }
    }
}
