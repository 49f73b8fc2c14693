package dev.smtpprobe.diagnosis;

import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.catalog.Actor;
import dev.smtpprobe.catalog.Category;
import dev.smtpprobe.catalog.Classification;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.MxPlan;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.SessionFailure;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.Step;
import dev.smtpprobe.model.TlsMode;
import dev.smtpprobe.model.EhloCapabilities;
import dev.smtpprobe.model.ErrorText;
import dev.smtpprobe.model.ReplyFlag;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.CertificateSummary;
import dev.smtpprobe.model.TlsSessionInfo;
import dev.smtpprobe.model.TrustCheck;
import dev.smtpprobe.model.ChainReport;
import dev.smtpprobe.model.DaneVerdict;
import dev.smtpprobe.model.HostTransport;
import dev.smtpprobe.model.MtaStsPolicy;
import dev.smtpprobe.model.MtaStsResult;
import dev.smtpprobe.model.MtaStsVerdict;
import dev.smtpprobe.model.TlsaLookup;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every diagnostic rule, registered in {@link #all}. To add a rule: write a method
 * {@code ProbeResult -> List<Finding>} here and add it to the list. Rule ids (the first argument of each
 * finding) are a public contract: scripts filter and suppress by them.
 */
public final class Rules {

    /** Certificates closer than this to expiry are a warning; closer than {@link #EXPIRY_INFO_DAYS}, a note. */
    public static final int EXPIRY_WARNING_DAYS = 14;
    public static final int EXPIRY_INFO_DAYS = 30;
    public static final int MIN_RSA_BITS = 2048;

    private static final Set<String> LEGACY_TLS = Set.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.0", "TLSv1.1");
    private static final Set<String> CLEARTEXT_MECHANISMS = Set.of("PLAIN", "LOGIN");
    /** Replies to these only end a conversation; their errors do not affect delivery. */
    private static final Set<SmtpPhase> WIND_DOWN = EnumSet.of(SmtpPhase.RSET, SmtpPhase.QUIT);

    private final ReplyClassifier classifier;

    private Rules(ReplyClassifier classifier) {
        this.classifier = Objects.requireNonNull(classifier, "classifier");
    }

    /** The registered rules, in the order their findings are listed within one severity. */
    public static List<Rule> all(ReplyClassifier classifier) {
        Rules r = new Rules(classifier);
        return List.of(
                r::mxPlan,
                r::mxHosts,
                r::noSessions,
                // Replies before connection failures: among equally severe findings, what a server said is
                // the more actionable headline (relay denied on the MX that answered beats the dead one).
                // Except a greeting that says the port wanted a PROXY header the probe did not send: that is the
                // probe's doing, and the headline must say so, not blame the server's "local error".
                SessionRules::silentPortMaybeProxyProtocol,
                r::replies,
                r::sessionFailures,
                r::starttlsMissing,
                r::certificates,
                r::tlsParameters,
                r::dane,
                r::mtaSts,
                r::tlsReporting,
                r::certificateChains,
                r::middleboxes,
                r::protocolIrregularities,
                r::ehloAndAuth,
                r::posture,
                new BlocklistRule(),
                new SmugglingRule(),
                SessionRules::notes,
                SessionRules::recipientsNotTried,
                SessionRules::relayTest,
                SessionRules::catchAll,
                SessionRules::authentication,
                SessionRules::submission,
                SessionRules::silentPort);
    }

    // ---------------------------------------------------------------- DNS

    List<Finding> mxPlan(ProbeResult result) {
        if (result.dns().isEmpty()) {
            return List.of();
        }
        MxPlan plan = result.dns().get();
        String domain = plan.domain();
        boolean server = result.target().kind() == ProbeTarget.Kind.SERVER;
        switch (plan.kind()) {
            case FAILED: {
                DnsFailure failure = plan.failure().orElse(
                        new DnsFailure(DnsFailure.Kind.OTHER, domain, "MX", "no usable answer"));
                if (failure.kind() == DnsFailure.Kind.RESOLVER_UNREACHABLE) {
                    return List.of(resolverUnreachable(result, failure));
                }
                if (failure.kind() == DnsFailure.Kind.REFUSED) {
                    return List.of(resolverRefused(result, failure));
                }
                if (server) {
                    return List.of(serverNameFailure(result, plan, failure));
                }
                Optional<String> family = familyOnly(plan);
                if (!plan.hosts().isEmpty() && family.isPresent()
                        && failure.kind() == DnsFailure.Kind.NO_RECORDS) {
                    return List.of(noAddressInFamily(plan, family.get()));
                }
                switch (failure.kind()) {
                    case NXDOMAIN:
                        return List.of(fromObservation("domain-not-found", Severity.CRITICAL,
                                ProbeStatus.DNS_NXDOMAIN, Category.DOMAIN_NOT_FOUND,
                                "Domain does not exist",
                                "DNS says " + failure.name() + " does not exist (NXDOMAIN), so mail to " + domain
                                        + " cannot be delivered.",
                                Optional.empty(), Optional.of(SmtpPhase.DNS_MX)));
                    case NO_RECORDS:
                        if (!plan.hosts().isEmpty()) {
                            return List.of(fromObservation("no-mail-host", Severity.CRITICAL,
                                    ProbeStatus.DNS_NO_RECORDS, Category.NO_MAIL_SERVICE,
                                    "No MX host has an address",
                                    domain + " publishes " + plan.hosts().size() + " MX record(s), but none of their "
                                            + "hosts has an A/AAAA record: " + failure.message() + ".",
                                    Optional.empty(), Optional.of(SmtpPhase.DNS_ADDRESS)));
                        }
                        return List.of(fromObservation("no-mail-host", Severity.CRITICAL,
                                ProbeStatus.DNS_NO_RECORDS, Category.NO_MAIL_SERVICE,
                                "Domain has neither MX nor address records",
                                domain + " publishes no MX record and no A/AAAA record to fall back on.",
                                Optional.empty(), Optional.of(SmtpPhase.DNS_MX)));
                    case TIMEOUT:
                        return List.of(fromObservation("dns-failure", Severity.CRITICAL,
                                ProbeStatus.DNS_TIMEOUT, Category.DNS_FAILURE, "DNS lookup timed out",
                                "The " + failure.type() + " lookup of " + failure.name() + " got no answer in time: "
                                        + failure.message(),
                                Optional.empty(), Optional.of(SmtpPhase.DNS_MX)));
                    default:
                        return List.of(fromObservation("dns-failure", Severity.CRITICAL,
                                ProbeStatus.DNS_SERVFAIL, Category.DNS_FAILURE, "DNS lookup failed",
                                "The " + failure.type() + " lookup of " + failure.name() + " failed ("
                                        + failure.kind().name() + "): " + failure.message(),
                                Optional.empty(), Optional.of(SmtpPhase.DNS_MX)));
                }
            }
            case NULL_MX:
                return List.of(fromObservation("null-mx", Severity.CRITICAL, ProbeStatus.NULL_MX,
                        Category.NO_MAIL_SERVICE, "Domain accepts no mail (null MX)",
                        domain + " publishes the null MX record \"MX 0 .\" (RFC 7505): it declares that it accepts no mail.",
                        Optional.empty(), Optional.of(SmtpPhase.DNS_MX)));
            case IMPLICIT:
                return List.of(finding("implicit-mx", Severity.WARNING, Category.DNS_FAILURE, Optional.empty(),
                        Optional.empty(), "No MX record; mail falls back to the domain's address",
                        domain + " has no MX record, so senders deliver to its A/AAAA address (implicit MX, RFC 5321 "
                                + "section 5.1). This works, but is fragile and often unintended.",
                        "Publish an MX record naming the host that should receive mail for " + domain
                                + ", or a null MX (\"MX 0 .\") if the domain should receive none.",
                        Actor.RECEIVING_ADMIN, Optional.empty(), Optional.of(SmtpPhase.DNS_MX)));
            default:
                return List.of();
        }
    }

    /** Every resolver the probe was given (or found) was unreachable: the probe could not run, nothing is known. */
    private static Finding resolverUnreachable(ProbeResult result, DnsFailure failure) {
        return localFault("resolver-unreachable", "No DNS resolver could be reached from here",
                "The probe could not ask any DNS question about " + result.target().domain() + ": " + failure.message()
                        + ". Nothing is known yet about its mail servers; this is not a fault of the domain.",
                "Check the resolver given with --resolver (address and port), or this machine's resolver configuration"
                        + " (/etc/resolv.conf) and that a local firewall lets DNS queries out; then probe again.",
                Optional.of(SmtpPhase.DNS_MX));
    }

    /**
     * REFUSED comes from the resolver the probe asked, not from the domain: a recursive resolver that meets a broken
     * domain answers SERVFAIL. A resolver that refuses will not serve this client (no recursion for it, or it is an
     * authoritative server for other zones), which the local admin fixes.
     */
    private static Finding resolverRefused(ProbeResult result, DnsFailure failure) {
        return localFault("resolver-refused", "The DNS resolver refused to answer",
                "The resolver the probe asked refused the " + failure.type() + " query for " + failure.name()
                        + " (REFUSED): it does not resolve names for this client. Nothing is known yet about "
                        + result.target().domain() + "'s mail servers; this is not a fault of the domain.",
                "Use a recursive resolver that serves this machine (--resolver, or /etc/resolv.conf); an authoritative"
                        + " server of other zones, or a resolver whose access list excludes this address, refuses.",
                Optional.of(SmtpPhase.DNS_MX));
    }

    /** A --server name that does not resolve: there is no MX set to fix, only the name the user gave. */
    private Finding serverNameFailure(ProbeResult result, MxPlan plan, DnsFailure failure) {
        String name = result.target().domain();
        Optional<String> family = familyOnly(plan);
        if (failure.kind() == DnsFailure.Kind.NXDOMAIN) {
            return localFault("server-name-unresolved", "Server name does not resolve",
                    "The server name " + name + " (given with --server) does not exist in DNS (NXDOMAIN), so there"
                            + " is nothing to connect to.",
                    "Check the spelling of the name given with --server, give its IP address instead, or add it to "
                            + "the hosts file if it is an internal name.",
                    Optional.of(SmtpPhase.DNS_ADDRESS));
        }
        if (failure.kind() == DnsFailure.Kind.NO_RECORDS) {
            String detail = family.map(f -> "The server name " + name + " (given with --server) has no " + f
                    + " address (" + (f.equals("IPv4") ? "A" : "AAAA") + " record), and the probe was limited to " + f
                    + (f.equals("IPv4") ? " (-4)" : " (-6)") + ".")
                    .orElse("The server name " + name + " (given with --server) exists but has no A or AAAA record.");
            String remedy = family.map(f -> f.equals("IPv4") ? "Probe without -4 (or with -6) if the server has IPv6, "
                    + "or add an A record for " + name + "." : "Probe without -6 (or with -4) if the server has IPv4, "
                    + "or add an AAAA record for " + name + ".")
                    .orElse("Check the name given with --server, or give its IP address instead.");
            return localFault("server-name-unresolved", family.map(f -> "No " + f + " address for the server")
                    .orElse("Server name has no address"), detail, remedy, Optional.of(SmtpPhase.DNS_ADDRESS));
        }
        Classification c = classifier.classify(failure.kind() == DnsFailure.Kind.TIMEOUT ? ProbeStatus.DNS_TIMEOUT
                : ProbeStatus.DNS_SERVFAIL, SmtpPhase.DNS_ADDRESS);
        return new Finding("dns-failure", Severity.CRITICAL, Category.DNS_FAILURE, Optional.of(c.code()),
                Optional.empty(), "Server name could not be resolved",
                "The address lookup of " + name + " (given with --server) failed (" + failure.kind().name() + "): "
                        + failure.message() + ".",
                "Retry later; if it persists, check the DNS of " + name + " or give the server's IP address instead.",
                Actor.RECEIVING_ADMIN, Optional.empty(), Optional.of(SmtpPhase.DNS_ADDRESS), true);
    }

    /** MX hosts exist, but none has an address of the one family the probe was limited to (-4 or -6). */
    private static Finding noAddressInFamily(MxPlan plan, String family) {
        boolean v4 = family.equals("IPv4");
        String names = plan.hosts().stream().map(MxHost::name).collect(Collectors.joining(", "));
        return new Finding("mx-no-address-in-family", Severity.CRITICAL, Category.DNS_FAILURE, Optional.empty(),
                Optional.empty(), "No " + family + " address for the MX",
                plan.domain() + " publishes MX " + names + ", but " + (plan.hosts().size() == 1 ? "it has" : "none has")
                        + " an " + family + " address (" + (v4 ? "A" : "AAAA") + " record), and the probe was limited to "
                        + family + (v4 ? " (-4)" : " (-6)") + ". Senders that only have " + family
                        + " cannot deliver to it.",
                v4 ? "Use -6 (or no -4) to probe the MX over IPv6, or add an A record for " + names + "."
                        : "Use -4 (or no -6) to probe the MX over IPv4, or add an AAAA record for " + names + ".",
                Actor.RECEIVING_ADMIN, Optional.empty(), Optional.of(SmtpPhase.DNS_ADDRESS), true);
    }

    /**
     * "IPv4" or "IPv6" when the address lookups were limited to one family (-4 or -6), as the hosts' failures record
     * the record type asked; empty when both were asked.
     */
    private static Optional<String> familyOnly(MxPlan plan) {
        List<String> types = plan.hosts().stream().flatMap(h -> h.addressFailure().stream()).map(DnsFailure::type)
                .distinct().toList();
        if (types.size() != 1) {
            return Optional.empty();
        }
        return switch (types.get(0)) {
            case "A" -> Optional.of("IPv4");
            case "AAAA" -> Optional.of("IPv6");
            default -> Optional.empty();
        };
    }

    List<Finding> mxHosts(ProbeResult result) {
        if (result.dns().isEmpty() || result.target().kind() == ProbeTarget.Kind.SERVER) {
            return List.of(); // a --server target has no MX set: mxPlan words its failure
        }
        List<Finding> out = new ArrayList<>();
        Optional<String> family = familyOnly(result.dns().get());
        for (MxHost host : result.dns().get().hosts()) {
            if (host.addressFailure().map(f -> f.kind() == DnsFailure.Kind.RESOLVER_UNREACHABLE).orElse(false)) {
                continue; // the probe's own fault, reported once by mxPlan
            }
            for (String problem : host.problems()) {
                out.add(finding("mx-host-problem", Severity.WARNING, Category.DNS_FAILURE, Optional.empty(),
                        Optional.empty(), "MX record is misconfigured",
                        "MX " + host.preference() + " " + host.name() + ": " + problem,
                        "Point the MX record at a host name that has A/AAAA records directly (not a CNAME, not an "
                                + "IP address).",
                        Actor.RECEIVING_ADMIN, Optional.of(host.name()), Optional.of(SmtpPhase.DNS_MX)));
            }
            if (host.addresses().isEmpty()) {
                String why = host.addressFailure().map(f -> f.kind().name() + ": " + f.message())
                        .orElse("no A or AAAA record");
                boolean familyLimited = family.isPresent()
                        && host.addressFailure().map(f -> f.kind() == DnsFailure.Kind.NO_RECORDS).orElse(false);
                out.add(finding("mx-host-unresolved", Severity.WARNING, Category.DNS_FAILURE, Optional.empty(),
                        Optional.empty(), familyLimited ? "MX host has no " + family.get() + " address"
                                : "MX host does not resolve",
                        "MX " + host.preference() + " " + host.name() + " has no usable address (" + why
                                + (familyLimited ? "; the probe was limited to " + family.get() + ")"
                                        + "; senders with only " + family.get() + " skip it." : "); senders skip it."),
                        familyLimited ? "Probe with the other address family to check it, or add "
                                + (family.get().equals("IPv4") ? "an A" : "an AAAA") + " record for " + host.name() + "."
                                : "Add A/AAAA records for " + host.name() + " or remove it from the MX set.",
                        Actor.RECEIVING_ADMIN, Optional.of(host.name()), Optional.of(SmtpPhase.DNS_ADDRESS)));
            }
        }
        return out;
    }

    List<Finding> noSessions(ProbeResult result) {
        if (!result.sessions().isEmpty() || result.dns().isEmpty()) {
            return List.of();
        }
        MxPlan plan = result.dns().get();
        if (plan.kind() != MxPlan.Kind.MX && plan.kind() != MxPlan.Kind.IMPLICIT) {
            return List.of();
        }
        return List.of(finding("no-reachable-mx", Severity.CRITICAL, Category.DNS_FAILURE, Optional.empty(),
                Optional.empty(), "No mail host could be tried",
                "None of the " + plan.hosts().size() + " mail host(s) of " + plan.domain()
                        + " has an address to connect to.",
                "Give the MX hosts of " + plan.domain() + " A/AAAA records.",
                Actor.RECEIVING_ADMIN, Optional.empty(), Optional.of(SmtpPhase.DNS_ADDRESS)));
    }

    // ---------------------------------------------------------------- sessions

    List<Finding> sessionFailures(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult session : result.sessions()) {
            if (session.failure().isEmpty()) {
                continue;
            }
            SessionFailure failure = session.failure().get();
            if (failure.reply().isPresent() && failure.reply().get().code() >= 400
                    && replyIsAStep(session, failure.reply().get())) {
                continue; // the reply rule reports the refusal, with the classifier's reading
            }
            if (failure.status() == ProbeStatus.CERTIFICATE_REJECTED && certificateProblemKnown(session)) {
                continue; // the certificate rule reports the precise problem, as critical
            }
            if (failure.status() == ProbeStatus.AUTH_SERVER_UNVERIFIED
                    || (failure.status() == ProbeStatus.EXTENSION_UNAVAILABLE && !session.notes().isEmpty())) {
                continue; // the session rules report these with what the engine noted
            }
            out.add(failureFinding(session, failure));
        }
        return out;
    }

    private Finding failureFinding(SessionResult session, SessionFailure failure) {
        String host = Observations.hostLabel(session);
        Optional<String> hostOpt = Optional.of(host);
        Optional<SmtpPhase> phase = Optional.of(failure.phase());
        // Our own messages in plain words (no Java class names); a refusal quotes the server as it spoke.
        String at = " during " + failure.phase().id() + ": "
                + (failure.reply().isPresent() ? failure.message() : ErrorText.plain(failure.message()));
        switch (failure.status()) {
            case PROXY_FAILED:
                return localFault("proxy-failed", "The SOCKS proxy could not be used",
                        capitalized(ErrorText.plain(failure.message())) + ". The probe got no further than the proxy: nothing was"
                                + " learned about " + host + ".",
                        "Check --proxy (address and port), that the proxy runs and lets this machine in, its user"
                                + " and password (--proxy-password-env or --proxy-password-file) and its rules; or"
                                + " probe without --proxy to compare.", phase);
            case CONNECTION_REFUSED:
                return fromObservation("connection-refused", Severity.CRITICAL, ProbeStatus.CONNECTION_REFUSED,
                        Category.CONNECTION_FAILED, "Connection refused",
                        host + " refused the TCP connection on port " + session.address().getPort() + at, hostOpt, phase);
            case UNREACHABLE:
                return fromObservation("host-unreachable", Severity.CRITICAL, ProbeStatus.UNREACHABLE,
                        Category.CONNECTION_FAILED, "Host unreachable",
                        host + " could not be reached" + at, hostOpt, phase);
            case CONNECT_TIMEOUT:
                return fromObservation("connect-timeout", Severity.CRITICAL, ProbeStatus.CONNECT_TIMEOUT,
                        Category.TIMEOUT, "Connection timed out",
                        "The TCP connection to " + host + " did not complete in time" + at, hostOpt, phase);
            case TIMEOUT:
                boolean banner = failure.phase() == SmtpPhase.BANNER;
                return fromObservation(banner ? "banner-timeout" : "reply-timeout", Severity.CRITICAL,
                        ProbeStatus.TIMEOUT, Category.TIMEOUT,
                        banner ? "No greeting from the server" : "Server stopped answering",
                        host + " accepted the connection but sent no reply in time" + at, hostOpt, phase);
            case DEADLINE_EXCEEDED:
                return fromObservation("deadline-exceeded", Severity.CRITICAL, ProbeStatus.DEADLINE_EXCEEDED,
                        Category.TIMEOUT, "Probe deadline exceeded",
                        "The conversation with " + host + " did not finish within the overall deadline" + at,
                        hostOpt, phase);
            case CONNECTION_CLOSED:
                return fromObservation("connection-lost", Severity.CRITICAL, ProbeStatus.CONNECTION_CLOSED,
                        Category.CONNECTION_LOST, "Server closed the connection",
                        host + " closed the connection" + at, hostOpt, phase);
            case TLS_HANDSHAKE_FAILED:
                return fromObservation("tls-handshake-failed", Severity.CRITICAL,
                        ProbeStatus.TLS_HANDSHAKE_FAILED, Category.TLS_FAILURE, "TLS handshake failed",
                        "The TLS handshake with " + host + " failed" + at, hostOpt, phase);
            case STARTTLS_INJECTION:
                return finding("starttls-injection", Severity.CRITICAL, Category.TLS_FAILURE, Optional.empty(),
                        Optional.empty(), "Plain-text data injected after STARTTLS",
                        host + " (or something in the path) sent bytes after its 220 reply to STARTTLS and before the "
                                + "TLS handshake. A server or middlebox that does this can be used to inject commands "
                                + "or replies into the encrypted session (CVE-2011-0411 class); the probe stopped.",
                        "Upgrade the mail server software; check for a proxy or firewall rewriting SMTP "
                                + "(\"SMTP fixup\" features) in front of it.",
                        Actor.RECEIVING_ADMIN, hostOpt, phase);
            case PROTOCOL_ERROR:
                return finding("protocol-error", Severity.CRITICAL, Category.PROTOCOL_ERROR, Optional.empty(),
                        Optional.empty(), "Server broke the SMTP protocol",
                        host + " sent something that is not a valid SMTP reply" + at,
                        "Check the server (or a proxy in front of it) with the transcript: it must send CRLF-terminated "
                                + "replies of at most 512 octets per line.",
                        Actor.RECEIVING_ADMIN, hostOpt, phase);
            case CERTIFICATE_REJECTED:
                return finding("certificate-rejected", Severity.CRITICAL, Category.TLS_FAILURE, Optional.empty(),
                        Optional.empty(), "Certificate rejected",
                        "The certificate of " + host + " failed verification, which this probe required" + at,
                        "Install a certificate from a trusted CA that covers " + session.hostName()
                                + ", with the full intermediate chain.",
                        Actor.RECEIVING_ADMIN, hostOpt, phase);
            case STARTTLS_NOT_OFFERED:
                return finding("starttls-required-not-offered", Severity.CRITICAL, Category.ENCRYPTION_REQUIRED,
                        Optional.empty(), Optional.empty(), "STARTTLS required but not offered",
                        host + " does not announce STARTTLS in its EHLO reply, and this probe required encryption"
                                + at,
                        "Enable STARTTLS on " + session.hostName() + " with a valid certificate.",
                        Actor.RECEIVING_ADMIN, hostOpt, phase);
            case STARTTLS_REFUSED:
                return finding("starttls-refused", Severity.CRITICAL, Category.ENCRYPTION_REQUIRED,
                        Optional.empty(), Optional.empty(), "STARTTLS refused",
                        host + " offered STARTTLS but refused it, and this probe required encryption" + at,
                        "Check the TLS configuration (certificate and key files, permissions) of the mail server.",
                        Actor.RECEIVING_ADMIN, hostOpt, phase);
            case AUTH_UNAVAILABLE:
                return finding("auth-unavailable", Severity.CRITICAL, Category.AUTH_FAILED, Optional.empty(),
                        Optional.empty(), "No usable AUTH mechanism",
                        host + " offers no SASL mechanism the probe can use (announced: "
                                + mechanisms(session.capabilities()) + ")" + at,
                        "Enable a mechanism the probe speaks (SCRAM-SHA-256, or PLAIN/LOGIN over TLS), or probe the "
                                + "submission port (587/465).",
                        Actor.RECEIVING_ADMIN, hostOpt, phase);
            case AUTH_REFUSED_PLAINTEXT:
                return finding("auth-refused-plaintext", Severity.CRITICAL, Category.ENCRYPTION_REQUIRED,
                        Optional.empty(), Optional.empty(), "Credentials not sent over an unencrypted connection",
                        "The connection to " + host + " is not encrypted, so the probe did not send the credentials"
                                + at,
                        "Enable STARTTLS on the server (or use implicit TLS on port 465); force plain-text AUTH only "
                                + "on a trusted network.",
                        Actor.SENDING_ADMIN, hostOpt, phase);
            case EXTENSION_UNAVAILABLE:
                return finding("extension-unavailable", Severity.CRITICAL, Category.NOT_IMPLEMENTED,
                        Optional.empty(), Optional.empty(), "The server lacks an extension the message needs",
                        host + " cannot take this message" + at,
                        "Enable the extension on the server, or send a message that does not need it.",
                        Actor.RECEIVING_ADMIN, hostOpt, phase);
            case REJECTED:
                return finding("rejected", Severity.CRITICAL, Category.UNKNOWN, Optional.empty(), Optional.empty(),
                        "Server rejected the probe", host + " rejected the probe" + at,
                        "Read the server's reply in the transcript.", Actor.RECEIVING_ADMIN, hostOpt, phase);
            case INTERNAL_ERROR:
            default:
                return finding(DiagnosisEngine.INTERNAL_ERROR_ID, Severity.CRITICAL, Category.UNKNOWN, Optional.empty(),
                        Optional.empty(), "Probe failed with an internal error",
                        "The probe of " + host + " stopped on an unexpected local error" + at,
                        "Report this as a bug in smtp-probe, with the JSON report attached.", Actor.NOBODY,
                        hostOpt, phase);
        }
    }

    List<Finding> replies(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult session : result.sessions()) {
            Optional<SmtpReply> failureReply = session.failure().flatMap(SessionFailure::reply);
            for (Step step : session.steps()) {
                if (step.reply().isEmpty() || step.reply().get().code() < 400) {
                    continue;
                }
                SmtpReply reply = step.reply().get();
                if (session.heloFallback() && step.phase() == SmtpPhase.EHLO
                        && (reply.code() == 500 || reply.code() == 502)) {
                    continue; // reported as helo-fallback
                }
                boolean stoppedSession = failureReply.map(r -> r == reply || r.equals(reply)).orElse(false);
                out.add(replyFinding(session, step, reply, stoppedSession));
            }
        }
        return out;
    }

    private Finding replyFinding(SessionResult session, Step step, SmtpReply reply, boolean stoppedSession) {
        Classification c = classifier.classify(reply, step.phase());
        String host = Observations.hostLabel(session);
        Severity severity;
        if (WIND_DOWN.contains(step.phase())) {
            severity = Severity.INFO;
        } else if (step.phase() == SmtpPhase.STARTTLS && !stoppedSession) {
            // The probe went on in plain text: mail still flows, just unencrypted.
            severity = Severity.WARNING;
        } else if (step.phase() == SmtpPhase.STARTTLS) {
            // TLS was required and the server would not start it: whatever the code, no mail flows encrypted.
            severity = Severity.CRITICAL;
        } else {
            severity = reply.isTransientFailure() ? Severity.WARNING : Severity.CRITICAL;
        }
        // Ids name the phase ("rcpt-rejected"); the category says why ("recipient-unknown", "greylisted").
        String phaseName = switch (step.phase()) {
            case EHLO, HELO, EHLO_TLS -> "ehlo";
            case DATA, MESSAGE -> "data";
            default -> step.phase().id().replace('_', '-');
        };
        String id = phaseName + (reply.isTransientFailure() && !WIND_DOWN.contains(step.phase())
                ? "-deferred" : "-rejected");
        String command = step.command().map(cmd -> " to " + cmd).orElse(step.phase() == SmtpPhase.BANNER
                ? " as its greeting" : " in " + step.phase().id());
        String detail = host + " answered " + reply.code() + reply.enhanced().map(e -> " " + e).orElse("")
                + command + ", saying \"" + reply.textWithoutEnhancedCode().strip() + "\""
                + (c.retryable() && reply.isTransientFailure() ? " (temporary; a sender would retry)" : "");
        Optional<String> enhanced = c.enhancedCode().isPresent() ? c.enhancedCode()
                : reply.enhanced().map(Object::toString);
        if (step.phase() == SmtpPhase.BANNER) {
            return greetingRefusal(id, severity, c, reply, detail, enhanced, host);
        }
        if (step.phase() == SmtpPhase.STARTTLS) {
            // Whatever the code's generic reading, a refused STARTTLS is a TLS failure on the receiving side.
            return finding(id, severity, Category.TLS_FAILURE, Optional.of(reply.code()), enhanced,
                    "STARTTLS refused", detail, "Check the server's TLS configuration (certificate and key files, "
                            + "their permissions, the TLS library); STARTTLS must answer 220.",
                    Actor.RECEIVING_ADMIN, Optional.of(host), Optional.of(step.phase()));
        }
        return finding(id, severity, c.category(), Optional.of(reply.code()), enhanced, c.title(),
                detail, c.remedy(), c.actor(), Optional.of(host), Optional.of(step.phase()));
    }

    /** Categories that speak of a message, a sender or a recipient: none exists yet when the server greets. */
    private static final Set<Category> ABOUT_A_TRANSACTION = EnumSet.of(Category.RECIPIENT_UNKNOWN,
            Category.MAILBOX_FULL, Category.MAILBOX_DISABLED, Category.MESSAGE_TOO_LARGE, Category.SENDER_REJECTED,
            Category.SENDER_UNAUTHENTICATED, Category.POLICY_REJECTED, Category.UNKNOWN);

    /**
     * A 4xx/5xx instead of the 220 greeting. At that point no sender, recipient or message exists, so words (and
     * catalog defaults) about "the message" cannot apply: the server refuses this client, or all clients for now.
     * A reading that names the client's own problem (a blocklist, reverse DNS, a rate limit) is kept.
     */
    private static Finding greetingRefusal(String id, Severity severity, Classification c, SmtpReply reply,
            String detail, Optional<String> enhanced, String host) {
        boolean temporary = reply.isTransientFailure();
        if (!ABOUT_A_TRANSACTION.contains(c.category())) {
            return finding(id, severity, c.category(), Optional.of(reply.code()), enhanced,
                    "At the greeting: " + c.title(), detail, c.remedy(), c.actor(), Optional.of(host),
                    Optional.of(SmtpPhase.BANNER));
        }
        String title = temporary ? "Server is not taking connections now (greeting refused)"
                : "Server refuses this client at its greeting";
        String remedy = temporary
                ? "Nothing was offered yet, so this is about the connection, not a message: the server is busy, "
                        + "shutting down or limiting connections. Retry later; if it lasts, check the sending IP's "
                        + "reputation and connection rate."
                : "Nothing was offered yet, so this is about the connecting client, not a message: check the sending "
                        + "IP's reputation, blocklist entries and reverse DNS, and ask the receiving postmaster; if every"
                        + " client gets this greeting, the host offers no SMTP service here (RFC 5321 section 3.1).";
        return finding(id, severity, temporary ? Category.SERVER_ERROR : Category.POLICY_REJECTED,
                Optional.of(reply.code()), enhanced, title,
                detail + "; no sender, recipient or message had been offered yet", remedy,
                temporary ? Actor.RECEIVING_ADMIN : Actor.SENDING_ADMIN, Optional.of(host),
                Optional.of(SmtpPhase.BANNER));
    }

    // ---------------------------------------------------------------- TLS

    List<Finding> starttlsMissing(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult session : result.sessions()) {
            if (session.tlsMode() != TlsMode.STARTTLS || session.tls().isPresent()
                    || session.capabilitiesBeforeTls().extensions().isEmpty()
                    || session.capabilitiesBeforeTls().startTls()) {
                continue;
            }
            if (session.failure().map(f -> f.status() == ProbeStatus.STARTTLS_NOT_OFFERED).orElse(false)) {
                continue; // already critical
            }
            String host = Observations.hostLabel(session);
            out.add(finding("starttls-not-offered", Severity.WARNING, Category.TLS_FAILURE, Optional.empty(),
                    Optional.empty(), "STARTTLS not offered",
                    host + " does not announce STARTTLS, so mail to it travels in clear text.",
                    "Enable STARTTLS on " + session.hostName() + " (any certificate helps; a valid one is better).",
                    Actor.RECEIVING_ADMIN, Optional.of(host), Optional.of(SmtpPhase.EHLO)));
        }
        return out;
    }

    List<Finding> certificates(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult session : result.sessions()) {
            if (session.tls().isEmpty()) {
                continue;
            }
            TlsSessionInfo tls = session.tls().get();
            TrustCheck trust = tls.trust();
            // Senders rarely verify MX certificates (opportunistic TLS); only a probe that required
            // verification makes a bad certificate stop delivery.
            boolean required = session.failure().map(f -> f.status() == ProbeStatus.CERTIFICATE_REJECTED).orElse(false);
            Severity bad = required ? Severity.CRITICAL : Severity.WARNING;
            String host = Observations.hostLabel(session);
            Optional<String> hostOpt = Optional.of(host);
            Optional<SmtpPhase> phase = Optional.of(SmtpPhase.TLS_HANDSHAKE);
            Optional<CertificateSummary> leaf = Observations.leaf(session);
            String subject = leaf.map(CertificateSummary::subject).orElse("the certificate");
            boolean daneEe = Observations.transport(result, session)
                    .flatMap(t -> t.dane().matched()).map(m -> m.usage() == 3).orElse(false);
            String consequence = required ? " This probe required verification, so it stopped."
                    : daneEe ? " DANE senders still deliver: a DANE-EE TLSA record matches the key, and DANE-EE "
                            + "ignores names and dates (RFC 7672 §3.1.1); MTA-STS senders and strict smart hosts "
                            + "refuse."
                    : " Senders that verify certificates (MTA-STS, DANE, strict smart hosts) will refuse to deliver.";
            if (trust.expired()) {
                // Critical whatever the TLS policy: an expired certificate is below any --cert-crit-days, and one
                // that expires in two days is already critical by that threshold.
                out.add(finding("certificate-expired", Severity.CRITICAL, Category.TLS_FAILURE, Optional.empty(), Optional.empty(),
                        "Certificate expired",
                        "The certificate of " + host + " (" + subject + ") expired on "
                                + leaf.map(l -> l.notAfter().toString()).orElse("an earlier date") + "." + consequence,
                        "Renew the certificate of " + session.hostName() + " and reload the mail server.",
                        Actor.RECEIVING_ADMIN, hostOpt, phase));
            }
            if (trust.notYetValid()) {
                out.add(finding("certificate-not-yet-valid", bad, Category.TLS_FAILURE, Optional.empty(),
                        Optional.empty(), "Certificate not yet valid",
                        "The certificate of " + host + " (" + subject + ") is valid only from "
                                + leaf.map(l -> l.notBefore().toString()).orElse("a later date") + "." + consequence,
                        "Check the server's clock and the certificate's notBefore date.",
                        Actor.RECEIVING_ADMIN, hostOpt, phase));
            }
            if (!trust.chainValid() && !trust.expired() && !trust.notYetValid()) {
                out.add(finding("certificate-untrusted", bad, Category.TLS_FAILURE, Optional.empty(), Optional.empty(),
                        "Certificate chain not trusted",
                        "The certificate chain of " + host + " does not verify: "
                                + trust.chainProblem().orElse("no path to a trusted root") + "." + consequence,
                        "Use a certificate from a publicly trusted CA and send the full intermediate chain.",
                        Actor.RECEIVING_ADMIN, hostOpt, phase));
            }
            if (!trust.nameMatches()) {
                out.add(finding("certificate-name-mismatch", bad, Category.TLS_FAILURE, Optional.empty(),
                        Optional.empty(), "Certificate does not match the host name",
                        "The certificate of " + host + " does not cover " + session.hostName() + " (names: "
                                + leaf.map(l -> String.join(", ", l.subjectAltNames())).orElse("none") + ")."
                                + consequence,
                        "Add " + session.hostName() + " to the certificate's subject alternative names.",
                        Actor.RECEIVING_ADMIN, hostOpt, phase));
            }
            if (leaf.isPresent() && !trust.expired()) {
                long days = Observations.daysToExpiry(leaf.get(), Observations.probeTime(result));
                int warnDays = result.transport().certWarnDays();
                int critDays = result.transport().certCritDays();
                if (days < Math.max(EXPIRY_INFO_DAYS, warnDays)) {
                    Severity s = days < critDays ? Severity.CRITICAL
                            : days < warnDays ? Severity.WARNING : Severity.INFO;
                    out.add(finding("certificate-expiring", s, Category.TLS_FAILURE, Optional.empty(),
                            Optional.empty(), "Certificate expires in " + days + " day" + (days == 1 ? "" : "s"),
                            "The certificate of " + host + " (" + subject + ") expires on " + leaf.get().notAfter()
                                    + ".",
                            "Renew the certificate of " + session.hostName() + " before it expires; check that "
                                    + "automatic renewal works.",
                            Actor.RECEIVING_ADMIN, hostOpt, phase));
                }
            }
        }
        return out;
    }

    List<Finding> tlsParameters(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult session : result.sessions()) {
            if (session.tls().isEmpty()) {
                continue;
            }
            TlsSessionInfo tls = session.tls().get();
            String host = Observations.hostLabel(session);
            if (LEGACY_TLS.contains(tls.protocol())) {
                out.add(finding("tls-legacy-protocol", Severity.WARNING, Category.TLS_FAILURE, Optional.empty(),
                        Optional.empty(), "Outdated TLS version " + tls.protocol(),
                        host + " negotiated " + tls.protocol() + " (" + tls.cipherSuite()
                                + "); TLS 1.0 and 1.1 are deprecated (RFC 8996) and many senders no longer use them.",
                        "Enable TLS 1.2 and 1.3 on the mail server.",
                        Actor.RECEIVING_ADMIN, Optional.of(host), Optional.of(SmtpPhase.TLS_HANDSHAKE)));
            }
            // Weak keys and signatures of the leaf and intermediates come from the chain report
            // (certificateChains); a result without one (composed by hand) is judged on the leaf's summary.
            Optional<CertificateSummary> leaf = Observations.leaf(session);
            if (Observations.transport(result, session).isEmpty() && leaf.isPresent()
                    && leaf.get().publicKeyAlgorithm().toUpperCase(Locale.ROOT).startsWith("RSA")
                    && leaf.get().publicKeyBits() > 0 && leaf.get().publicKeyBits() < MIN_RSA_BITS) {
                out.add(finding("weak-key", Severity.WARNING, Category.TLS_FAILURE, Optional.empty(),
                        Optional.empty(), "Weak certificate key",
                        "The certificate of " + host + " has a " + leaf.get().publicKeyBits()
                                + "-bit RSA key; at least " + MIN_RSA_BITS + " bits are expected.",
                        "Issue a new certificate with a 2048-bit (or larger) RSA key or an ECDSA P-256 key.",
                        Actor.RECEIVING_ADMIN, Optional.of(host), Optional.of(SmtpPhase.TLS_HANDSHAKE)));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- DANE, MTA-STS, TLS-RPT

    /** What a DANE-validating sender does with each server (RFC 7672): a deferral is critical. */
    List<Finding> dane(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult session : result.sessions()) {
            Optional<HostTransport> t = Observations.transport(result, session);
            if (t.isEmpty()) {
                continue;
            }
            DaneVerdict dane = t.get().dane();
            String host = Observations.hostLabel(session);
            Optional<TlsaLookup> lookup = result.transport().tlsaOf(session.hostName());
            String tlsaName = lookup.map(TlsaLookup::tlsaName).orElse("_" + session.address().getPort() + "._tcp."
                    + session.hostName());
            String paste = dane.presentedKeyRecord().map(r -> " The key the server presents is \"" + tlsaName
                    + ". IN TLSA " + r + "\".").orElse("");
            if (dane.outcome() == DaneVerdict.Outcome.DEFERS) {
                boolean noStartTls = session.tls().isEmpty() && !session.capabilitiesBeforeTls().startTls()
                        && !session.capabilitiesBeforeTls().extensions().isEmpty();
                boolean lookupFailed = lookup.map(l -> l.failure().isPresent()).orElse(false);
                String id = lookupFailed ? "dane-tlsa-lookup-failed" : noStartTls ? "dane-starttls-missing"
                        : session.tls().isEmpty() ? "dane-no-tls" : "dane-no-match";
                String remedy = switch (id) {
                    case "dane-tlsa-lookup-failed" -> "Make " + tlsaName + " resolve with valid DNSSEC signatures.";
                    case "dane-starttls-missing" -> "Enable STARTTLS on " + session.hostName()
                            + " (or remove its TLSA records first, then wait out their TTL).";
                    case "dane-no-tls" -> "Make TLS work on " + session.hostName() + ": DANE senders never fall back "
                            + "to clear text.";
                    default -> "Publish a TLSA record for the certificate in use (or put the matching certificate "
                            + "back)." + paste + " Keep the old and the new record during a key change.";
                };
                out.add(finding(id, Severity.CRITICAL, Category.TLS_FAILURE, Optional.empty(), Optional.empty(),
                        "DANE senders defer mail to this host", "DANE sender: defers. " + capitalise(dane.reason())
                                + ".", remedy, Actor.RECEIVING_ADMIN, Optional.of(host),
                        Optional.of(SmtpPhase.TLS_HANDSHAKE)));
            } else if (dane.outcome() == DaneVerdict.Outcome.DELIVERS && dane.matched().isPresent()
                    && lookup.map(l -> l.records().stream().filter(r -> r.usage() == 2 || r.usage() == 3).count() == 1)
                            .orElse(false)) {
                out.add(finding("dane-single-record", Severity.INFO, Category.TLS_FAILURE, Optional.empty(),
                        Optional.empty(), "Only one usable TLSA record", "DANE sender: delivers ("
                                + dane.reason() + "). With a single record, a new key or certificate makes DANE "
                                + "senders defer until the TLSA record is updated and its TTL has passed.",
                        "Before changing the key, publish a second TLSA record for the next key (RFC 7671 §8.1)."
                                + paste, Actor.RECEIVING_ADMIN, Optional.of(host),
                        Optional.of(SmtpPhase.TLS_HANDSHAKE)));
            }
        }
        return out;
    }

    /**
     * What an MTA-STS sender does (RFC 8461 §4, §5): every MX of the plan must match the policy, and every session
     * must offer STARTTLS with a certificate valid for its name. Under enforce a miss is critical; under testing a
     * warning.
     */
    List<Finding> mtaSts(ProbeResult result) {
        Optional<MtaStsPolicy> policy = result.transport().mtaSts().flatMap(MtaStsResult::activePolicy);
        if (policy.isEmpty()) {
            return List.of();
        }
        MtaStsPolicy p = policy.get();
        boolean enforce = p.mode() == MtaStsPolicy.Mode.ENFORCE;
        List<Finding> out = new ArrayList<>();
        result.dns().ifPresent(plan -> {
            for (MxHost mx : plan.hosts()) {
                if (p.matchingPattern(mx.name()).isEmpty()) {
                    out.add(finding("mta-sts-mx-not-in-policy", enforce ? Severity.CRITICAL : Severity.WARNING,
                            Category.TLS_FAILURE, Optional.empty(), Optional.empty(),
                            "MX host missing from the MTA-STS policy",
                            "MX " + mx.preference() + " " + mx.name() + " matches no mx pattern of the " + p.mode()
                                    .name().toLowerCase(Locale.ROOT) + " policy (" + String.join(", ", p.mx()) + "): "
                                    + (enforce ? "MTA-STS senders refuse to deliver to it." : "in testing mode senders "
                                            + "deliver anyway and report the failure."),
                            "Add \"mx: " + mx.name() + "\" (or a matching \"*.\" pattern) to the policy and change "
                                    + "the id of the _mta-sts TXT record, or remove the MX.",
                            Actor.RECEIVING_ADMIN, Optional.of(mx.name()), Optional.of(SmtpPhase.DNS_MX)));
                }
            }
        });
        for (SessionResult session : result.sessions()) {
            Optional<HostTransport> t = Observations.transport(result, session);
            if (t.isEmpty()) {
                continue;
            }
            MtaStsVerdict v = t.get().mtaSts();
            List<String> transportFailures = v.failures().stream().filter(f -> !f.contains("matches no mx pattern"))
                    .toList();
            if (transportFailures.isEmpty()) {
                continue;
            }
            boolean refuses = v.outcome() == MtaStsVerdict.Outcome.REFUSES;
            out.add(finding(refuses ? "mta-sts-refused" : "mta-sts-testing-failure",
                    refuses ? Severity.CRITICAL : Severity.WARNING, Category.TLS_FAILURE, Optional.empty(),
                    Optional.empty(), refuses ? "MTA-STS senders refuse to deliver to this host"
                            : "This host fails the MTA-STS policy (testing mode)",
                    "MTA-STS sender: " + (refuses ? "refuses" : "delivers, and reports a failure") + ". "
                            + capitalise(String.join("; ", transportFailures)) + ".",
                    "Offer STARTTLS on " + session.hostName() + " with a certificate from a public CA that names "
                            + session.hostName() + ", including the intermediate chain.",
                    Actor.RECEIVING_ADMIN, Optional.of(Observations.hostLabel(session)),
                    Optional.of(session.tls().isPresent() ? SmtpPhase.TLS_HANDSHAKE : SmtpPhase.EHLO)));
        }
        return out;
    }

    /** MTA-STS or DANE without TLS-RPT: delivery failures they cause are never reported to the domain (RFC 8460). */
    List<Finding> tlsReporting(ProbeResult result) {
        boolean mtaSts = result.transport().mtaSts().flatMap(MtaStsResult::activePolicy).isPresent();
        boolean dane = result.transport().tlsa().stream().anyMatch(TlsaLookup::daneApplies);
        if (!mtaSts && !dane) {
            return List.of();
        }
        Optional<PostureCheck> rpt = result.posture().stream().filter(c -> c.id().equals("tls-rpt")).findFirst();
        if (rpt.isEmpty() || rpt.get().status() == PostureCheck.Status.PASS
                || rpt.get().status() == PostureCheck.Status.ERROR) {
            return List.of();
        }
        String uses = mtaSts && dane ? "MTA-STS and DANE" : mtaSts ? "MTA-STS" : "DANE";
        return List.of(finding("tls-rpt-missing", Severity.WARNING, Category.TLS_FAILURE, Optional.empty(),
                Optional.empty(), uses + " without TLS reporting",
                "The domain uses " + uses + " but has no valid TLS-RPT record (" + rpt.get().subject() + "): when a "
                        + "certificate, TLSA record or policy goes wrong, senders defer or refuse mail and nobody is "
                        + "told.",
                "Publish \"" + rpt.get().subject() + ". IN TXT \\\"v=TLSRPTv1; rua=mailto:tls-reports@"
                        + result.target().domain() + "\\\"\" (RFC 8460).",
                Actor.RECEIVING_ADMIN, Optional.empty(), Optional.empty()));
    }

    /** Chain shape: missing intermediates (never fetched: a finding), order, weak keys and signatures, must-staple. */
    List<Finding> certificateChains(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult session : result.sessions()) {
            Optional<HostTransport> t = Observations.transport(result, session);
            if (t.isEmpty() || session.tls().isEmpty()) {
                continue;
            }
            ChainReport chain = t.get().chain();
            String host = Observations.hostLabel(session);
            Optional<String> hostOpt = Optional.of(host);
            Optional<SmtpPhase> phase = Optional.of(SmtpPhase.TLS_HANDSHAKE);
            chain.missingIssuer().ifPresent(issuer -> out.add(finding("certificate-chain-incomplete",
                    Severity.WARNING, Category.TLS_FAILURE, Optional.empty(), Optional.empty(),
                    "Intermediate certificate missing",
                    host + " does not send the certificate of " + issuer + ", which issued its chain, and no trust "
                            + "anchor is that issuer. Browsers may fetch it (AIA); mail servers do not, so their "
                            + "verification fails.",
                    "Configure the full chain (the server's certificate followed by the intermediates) on "
                            + session.hostName() + ".", Actor.RECEIVING_ADMIN, hostOpt, phase)));
            if (!chain.ordered()) {
                out.add(finding("certificate-chain-order", Severity.INFO, Category.TLS_FAILURE, Optional.empty(),
                        Optional.empty(), "Certificate chain out of order",
                        host + " sends its chain in an order where a certificate is not followed by its issuer; "
                                + "TLS 1.2 requires that order (RFC 5246 §7.4.2) and some clients fail on it.",
                        "List the server's certificate first, then each issuer in turn.",
                        Actor.RECEIVING_ADMIN, hostOpt, phase));
            }
            List<String> keys = chain.weaknesses().stream().filter(w -> w.contains("-bit RSA key")).toList();
            List<String> sigs = chain.weaknesses().stream().filter(w -> w.contains("signed with")).toList();
            if (!keys.isEmpty()) {
                out.add(finding("weak-key", Severity.WARNING, Category.TLS_FAILURE, Optional.empty(),
                        Optional.empty(), "Weak certificate key",
                        "In the chain of " + host + ", " + String.join("; ", keys) + "; at least " + MIN_RSA_BITS
                                + " bits are expected.",
                        "Issue a new certificate with a 2048-bit (or larger) RSA key or an ECDSA P-256 key.",
                        Actor.RECEIVING_ADMIN, hostOpt, phase));
            }
            if (!sigs.isEmpty()) {
                out.add(finding("weak-signature", Severity.WARNING, Category.TLS_FAILURE, Optional.empty(),
                        Optional.empty(), "Weak certificate signature",
                        "In the chain of " + host + ", " + String.join("; ", sigs) + "; SHA-1 and MD5 signatures "
                                + "can be forged and are rejected by current TLS libraries.",
                        "Have the certificate reissued with a SHA-256 signature.", Actor.RECEIVING_ADMIN, hostOpt,
                        phase));
            }
            Observations.leaf(session).filter(CertificateSummary::mustStaple).ifPresent(l -> out.add(finding(
                    "certificate-must-staple", Severity.INFO, Category.TLS_FAILURE, Optional.empty(),
                    Optional.empty(), "Certificate requires OCSP stapling",
                    "The certificate of " + host + " carries the TLS Feature \"must-staple\" extension (RFC 7633): "
                            + "clients that honour it refuse the connection whenever the server fails to staple a "
                            + "fresh OCSP response, and few MTAs staple.",
                    "Make sure the mail server staples OCSP responses, or use a certificate without must-staple.",
                    Actor.RECEIVING_ADMIN, hostOpt, phase)));
        }
        return out;
    }

    /** Firewall SMTP inspection and TLS interception: signatures in the banner, the EHLO reply and the certificate. */
    List<Finding> middleboxes(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        Set<String> mxNames = result.dns().map(plan -> plan.hosts().stream().map(h -> h.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet())).orElse(Set.of());
        for (SessionResult session : result.sessions()) {
            String host = Observations.hostLabel(session);
            Optional<String> hostOpt = Optional.of(host);
            Optional<SmtpReply> banner = session.steps().stream().filter(st -> st.phase() == SmtpPhase.BANNER)
                    .flatMap(st -> st.reply().stream()).findFirst();
            if (banner.isPresent() && banner.get().code() == 220 && MASKED.matcher(banner.get().text()).matches()) {
                out.add(finding("banner-masked", Severity.WARNING, Category.PROTOCOL_ERROR, Optional.of(220),
                        Optional.empty(), "Greeting masked by a firewall",
                        host + " greets with \"220 " + banner.get().text().strip() + "\": the asterisks are the "
                                + "signature of a firewall's SMTP inspection (Cisco ASA/PIX \"fixup smtp\", "
                                + "\"inspect esmtp\"), which also tends to strip STARTTLS and break ESMTP.",
                        "Turn off SMTP inspection on the firewall in front of " + session.hostName() + ".",
                        Actor.NETWORK, hostOpt, Optional.of(SmtpPhase.BANNER)));
            }
            List<String> scrubbed = session.capabilitiesBeforeTls().extensions().stream()
                    .map(EhloCapabilities.Extension::keyword).filter(k -> SCRUBBED.matcher(k).matches()).toList();
            if (!scrubbed.isEmpty() && !session.capabilitiesBeforeTls().startTls()) {
                boolean strict = Observations.transport(result, session).map(t ->
                        t.dane().outcome() == DaneVerdict.Outcome.DEFERS
                                || t.mtaSts().outcome() == MtaStsVerdict.Outcome.REFUSES).orElse(false);
                out.add(finding("starttls-stripped", strict ? Severity.CRITICAL : Severity.WARNING,
                        Category.TLS_FAILURE, Optional.empty(), Optional.empty(),
                        "STARTTLS removed by a middlebox",
                        host + " announces " + String.join(", ", scrubbed) + " where STARTTLS belongs: a firewall "
                                + "rewrites the EHLO reply (SMTP inspection), so no sender can use TLS"
                                + (strict ? ", and DANE or MTA-STS senders will not deliver." : "."),
                        "Turn off SMTP/ESMTP inspection on the firewall in front of " + session.hostName()
                                + " (for example \"no inspect esmtp\" on Cisco ASA).",
                        Actor.NETWORK, hostOpt, Optional.of(SmtpPhase.EHLO)));
            }
            if (session.tls().isPresent() && !session.tls().get().trust().nameMatches() && !mxNames.isEmpty()) {
                Optional<CertificateSummary> leaf = Observations.leaf(session);
                // RFC 6125 wildcards are the same single left-most label as MTA-STS patterns.
                boolean anyMx = leaf.isPresent() && leaf.get().subjectAltNames().stream()
                        .filter(san -> san.startsWith("DNS:")).map(san -> san.substring(4))
                        .anyMatch(san -> mxNames.stream().anyMatch(n -> MtaStsPolicy.matches(san, n)));
                if (!anyMx) {
                    out.add(finding("certificate-names-no-mx", Severity.WARNING, Category.TLS_FAILURE,
                            Optional.empty(), Optional.empty(), "Certificate names no MX host",
                            "The certificate of " + host + " names " + leaf.map(l -> String.join(", ",
                                    l.subjectAltNames())).orElse("nothing") + ", none of the MX hosts ("
                                    + String.join(", ", mxNames) + "). Likely a hosting platform's default "
                                    + "certificate, a shared IP answering for another name, or a TLS-intercepting "
                                    + "middlebox.",
                            "Install a certificate for " + session.hostName() + " on the server that answers at "
                                    + Observations.addressText(session.address()) + ".",
                            Actor.RECEIVING_ADMIN, hostOpt, Optional.of(SmtpPhase.TLS_HANDSHAKE)));
                }
            }
        }
        return out;
    }

    /** "220 ****...": what Cisco's SMTP inspection leaves of a greeting. */
    private static final java.util.regex.Pattern MASKED = java.util.regex.Pattern.compile("[*\\s]*\\*{4,}[*\\s0-9]*");
    /** "XXXXXXXA" and similar: the EHLO keyword a firewall writes over STARTTLS. */
    private static final java.util.regex.Pattern SCRUBBED = java.util.regex.Pattern.compile("(?i)X{4,}[A-Z]?|X+A+");

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // ---------------------------------------------------------------- protocol, EHLO, AUTH

    List<Finding> protocolIrregularities(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult session : result.sessions()) {
            Map<ReplyFlag, List<SmtpPhase>> seen = new LinkedHashMap<>();
            for (Step step : session.steps()) {
                step.reply().ifPresent(reply -> {
                    for (ReplyFlag flag : ReplyFlag.values()) {
                        if (reply.flags().contains(flag)) {
                            seen.computeIfAbsent(flag, f -> new ArrayList<>()).add(step.phase());
                        }
                    }
                });
            }
            String host = Observations.hostLabel(session);
            for (Map.Entry<ReplyFlag, List<SmtpPhase>> e : seen.entrySet()) {
                ReplyFlag flag = e.getKey();
                if (flag == ReplyFlag.NON_ASCII && session.capabilities().smtpUtf8()) {
                    continue;
                }
                String phases = e.getValue().stream().map(SmtpPhase::id).distinct().collect(Collectors.joining(", "));
                out.add(finding("protocol-" + flag.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                        flagSeverity(flag), Category.PROTOCOL_ERROR, Optional.empty(), Optional.empty(),
                        flagTitle(flag), host + " " + flagDetail(flag) + " (in " + phases + ").",
                        "Fix the server (or a proxy rewriting its replies) so replies follow RFC 5321 section 4.2.",
                        Actor.RECEIVING_ADMIN, Optional.of(host), Optional.of(e.getValue().get(0))));
            }
        }
        return out;
    }

    private static Severity flagSeverity(ReplyFlag flag) {
        return switch (flag) {
            case OVERLONG_LINE, NON_ASCII -> Severity.INFO;
            default -> Severity.WARNING;
        };
    }

    private static String flagTitle(ReplyFlag flag) {
        return switch (flag) {
            case BARE_LF -> "Reply lines end in bare LF";
            case MIXED_CODES -> "Multi-line reply mixes reply codes";
            case OVERLONG_LINE -> "Reply line longer than 512 octets";
            case NON_ASCII -> "Non-ASCII bytes in reply text";
            case BAD_SEPARATOR -> "Malformed reply separator";
            case CODE_OUT_OF_RANGE -> "Reply code outside the SMTP grammar";
        };
    }

    private static String flagDetail(ReplyFlag flag) {
        return switch (flag) {
            case BARE_LF -> "ended reply lines with LF instead of CRLF; strict clients reject this";
            case MIXED_CODES -> "sent one multi-line reply whose lines carry different codes";
            case OVERLONG_LINE -> "sent a reply line over the 512-octet limit";
            case NON_ASCII -> "sent non-ASCII text without announcing SMTPUTF8";
            case BAD_SEPARATOR -> "followed a reply code with something other than a space or hyphen";
            case CODE_OUT_OF_RANGE -> "sent a reply code outside 2yz-5yz";
        };
    }

    List<Finding> ehloAndAuth(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult session : result.sessions()) {
            String host = Observations.hostLabel(session);
            Optional<String> hostOpt = Optional.of(host);
            if (session.heloFallback()) {
                out.add(finding("helo-fallback", Severity.INFO, Category.NOT_IMPLEMENTED, Optional.empty(),
                        Optional.empty(), "Server does not speak ESMTP",
                        host + " refused EHLO, so the probe fell back to HELO: no extensions (no STARTTLS, no SIZE).",
                        "Upgrade the mail server to one that supports EHLO (RFC 5321).",
                        Actor.RECEIVING_ADMIN, hostOpt, Optional.of(SmtpPhase.HELO)));
            }
            if (session.authenticated()) {
                out.add(finding("auth-succeeded", Severity.INFO, Category.OK, Optional.of(235), Optional.empty(),
                        "Authentication succeeded", host + " accepted the credentials.", "Nothing to do.",
                        Actor.NOBODY, hostOpt, Optional.of(SmtpPhase.AUTH)));
            }
            List<String> cleartext = session.capabilitiesBeforeTls().authMechanisms().stream()
                    .filter(CLEARTEXT_MECHANISMS::contains).toList();
            if (session.tlsMode() == TlsMode.STARTTLS && !cleartext.isEmpty()) {
                out.add(finding("auth-offered-plaintext", Severity.WARNING, Category.ENCRYPTION_REQUIRED,
                        Optional.empty(), Optional.empty(), "Password login offered without encryption",
                        host + " offers AUTH " + String.join(" ", cleartext)
                                + " before TLS, inviting clients to send passwords in clear text.",
                        "Announce AUTH only after STARTTLS (Postfix: smtpd_tls_auth_only = yes).",
                        Actor.RECEIVING_ADMIN, hostOpt, Optional.of(SmtpPhase.EHLO)));
            }
        }
        return out;
    }

    private static String mechanisms(EhloCapabilities capabilities) {
        List<String> m = capabilities.authMechanisms();
        return m.isEmpty() ? "none" : String.join(" ", m);
    }

    // ---------------------------------------------------------------- posture

    List<Finding> posture(ProbeResult result) {
        boolean noResolver = result.dns().flatMap(MxPlan::failure)
                .map(f -> f.kind() == DnsFailure.Kind.RESOLVER_UNREACHABLE || f.kind() == DnsFailure.Kind.REFUSED)
                .orElse(false);
        if (noResolver) {
            return List.of(); // every lookup failed for the same local reason, already reported once
        }
        List<Finding> out = new ArrayList<>();
        for (PostureCheck check : result.posture()) {
            if (BlocklistRule.isBlocklistCheck(check)) {
                continue; // BlocklistRule words these
            }
            Severity severity = switch (check.status()) {
                case PASS -> null;
                case INFO -> Severity.INFO;
                case WARN, ERROR -> Severity.WARNING;
                // A TLSA record that does not match makes DANE-validating senders refuse delivery.
                case FAIL -> check.id().equals("tlsa") ? Severity.CRITICAL : Severity.WARNING;
                case MISSING -> switch (check.id()) {
                    case "spf", "dmarc" -> Severity.WARNING;
                    default -> Severity.INFO;
                };
            };
            if (severity == null) {
                continue;
            }
            Category category;
            if (check.status() == PostureCheck.Status.ERROR) {
                category = Category.DNS_FAILURE;
            } else {
                category = switch (check.id()) {
                    case "spf", "dmarc", "dkim" -> Category.SENDER_UNAUTHENTICATED;
                    case "ptr" -> Category.REVERSE_DNS;
                    case "mta-sts", "mta-sts-policy", "tls-rpt", "tlsa" -> Category.TLS_FAILURE;
                    default -> Category.DNS_FAILURE;
                };
            }
            String status = check.status().name().toLowerCase(Locale.ROOT);
            // SPF and DMARC speak for the domain's outgoing mail; the rest describe its receiving side.
            Actor actor = switch (check.id()) {
                case "spf", "dmarc" -> Actor.SENDING_ADMIN;
                case "ptr" -> Actor.IP_PROVIDER;
                default -> Actor.RECEIVING_ADMIN;
            };
            out.add(finding("posture-" + check.id() + "-" + status, severity, category, Optional.empty(),
                    Optional.empty(), postureTitle(check),
                    check.subject() + ": " + check.summary(),
                    check.remedy().isBlank() ? "Nothing to do." : check.remedy(),
                    actor, Optional.empty(), Optional.empty()));
        }
        return out;
    }

    private static String postureTitle(PostureCheck check) {
        String subject = switch (check.id()) {
            case "spf" -> "SPF record";
            case "dmarc" -> "DMARC record";
            case "mta-sts" -> "MTA-STS record";
            case "tls-rpt" -> "TLS-RPT record";
            case "tlsa" -> "DANE TLSA record";
            case "mta-sts-policy" -> "MTA-STS policy";
            case "ptr" -> "Reverse DNS (PTR) of the MX address";
            case "helo-name" -> "Server name in banner/EHLO";
            default -> check.id();
        };
        return subject + switch (check.status()) {
            case PASS -> " is fine";
            case INFO -> check.records().isEmpty() ? " not published" : ": note";
            case WARN -> " needs attention";
            case FAIL -> " is broken";
            case MISSING -> " is missing";
            case ERROR -> " could not be looked up";
        };
    }

    // ---------------------------------------------------------------- helpers

    private Finding fromObservation(String id, Severity severity, ProbeStatus status, Category fallback,
            String title, String detail, Optional<String> host, Optional<SmtpPhase> phase) {
        Classification c = classifier.classify(status, phase.orElse(SmtpPhase.DNS_MX));
        Category category = c.category() == Category.UNKNOWN ? fallback : c.category();
        // No server sent this code: the catalog numbers what the probe observed, and the finding says so.
        return new Finding(id, severity, category, Optional.of(c.code()), c.enhancedCode(), title, detail, c.remedy(),
                c.actor(), host, phase, true);
    }

    private static Finding finding(String id, Severity severity, Category category, Optional<Integer> code,
            Optional<String> enhancedCode, String title, String detail, String remedy, Actor actor,
            Optional<String> host, Optional<SmtpPhase> phase) {
        return new Finding(id, severity, category, code, enhancedCode, title, detail, remedy, actor, host, phase,
                false);
    }

    /** A finding about the probe's own surroundings (resolver, arguments): it makes the verdict UNKNOWN. */
    private static Finding localFault(String id, String title, String detail, String remedy, Optional<SmtpPhase> phase) {
        return new Finding(id, Severity.CRITICAL, Category.LOCAL_ERROR, Optional.empty(), Optional.empty(), title,
                detail, remedy, Actor.LOCAL_ADMIN, Optional.empty(), phase, true);
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static boolean replyIsAStep(SessionResult session, SmtpReply reply) {
        return session.steps().stream().anyMatch(s -> s.reply().map(r -> r == reply || r.equals(reply)).orElse(false));
    }

    private static boolean certificateProblemKnown(SessionResult session) {
        return session.tls().map(t -> !t.trust().chainValid() || !t.trust().nameMatches()
                || t.trust().expired() || t.trust().notYetValid()).orElse(false);
    }
}
