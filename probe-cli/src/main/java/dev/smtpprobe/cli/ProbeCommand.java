package dev.smtpprobe.cli;

import dev.smtpprobe.diagnosis.TimeThresholds;
import dev.smtpprobe.model.SmtpPhase;
import java.util.EnumMap;
import java.util.Map;

import dev.smtpprobe.model.AddressFamily;
import dev.smtpprobe.model.Credential;
import dev.smtpprobe.model.ExtensionUse;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.AddressSyntax;
import dev.smtpprobe.model.Blocklists;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SessionOptions;
import dev.smtpprobe.model.SessionOptions.EnvelopeMode;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.Timeouts;
import dev.smtpprobe.model.TlsMode;
import dev.smtpprobe.model.TransportSecurityOptions;
import dev.smtpprobe.probe.TargetParser;
import dev.smtpprobe.probe.TestMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code smtp-probe probe}: one probe of a domain, an address or a server. */
@Command(name = "probe",
        usageHelpWidth = 110,
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Probe a mail domain (through its MX hosts), an address, or a server directly.",
                "Never sends DATA unless --send is given; always ends with RSET/QUIT."},
        footer = {"",
                "Examples:",
                "  smtp-probe probe example.com                       # MX hosts, STARTTLS, postmaster@ accepted?",
                "  smtp-probe probe bob@example.com --all-mx          # is bob accepted by every MX?",
                "  smtp-probe probe --server smtp.example.net:587 -au me --auth-password-env SMTP_PASS \\",
                "        -f me@example.net -t you@example.org --starttls require",
                "  smtp-probe probe --server mail.example.com:465 --tls --quit-after tls",
                "  smtp-probe probe example.com --format nagios       # for check_smtp's place in monitoring",
                "  smtp-probe probe example.com --format json > result.json; echo $?",
                "",
                "Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad usage or internal error)."})
public final class ProbeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET",
            description = "A mail domain (example.com) or an address (bob@example.com).")
    String target;

    @Option(names = {"-s", "--server"}, paramLabel = "HOST[:PORT]",
            description = "Probe this server directly, skipping MX (host, host:port, [IPv6]:port).")
    String server;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT",
            description = "Port for every host (default: 25; 465 with --tls when no port is given).")
    Integer port;

    @Option(names = {"-f", "--from"}, paramLabel = "ADDR", description = "Envelope sender (default: the null sender <>).")
    String from;

    @Option(names = {"-t", "--rcpt", "--to"}, paramLabel = "ADDR",
            description = "Recipient; repeatable (default: the target address, or postmaster@DOMAIN).")
    List<String> recipients = new ArrayList<>();

    @Option(names = {"--starttls"}, paramLabel = "auto|require|never", defaultValue = "auto",
            description = "Use STARTTLS when offered (auto), fail without it (require), or never. Default: ${DEFAULT-VALUE}.")
    String startTls;

    @Option(names = {"-S"}, description = "Short for --starttls require (as in check_smtp).")
    boolean requireTls;

    @Option(names = {"--tls", "--tlsc"}, description = "Implicit TLS from the first byte (port 465 style).")
    boolean implicitTls;

    @Option(names = {"--ehlo", "--helo"}, paramLabel = "NAME", description = "Name to send in EHLO (default: this host's name).")
    String ehlo;

    @Option(names = {"-au", "--auth-user"}, paramLabel = "USER", description = "AUTH user name (PLAIN or LOGIN, over TLS only).")
    String authUser;

    @Option(names = {"--auth-password-env"}, paramLabel = "VAR",
            description = "Read the AUTH password from this environment variable (never give it on the command line).")
    String authPasswordEnv;

    @Option(names = {"--auth-password-file"}, paramLabel = "FILE",
            description = "Read the AUTH password from this file (one line; its line end is not part of it).")
    Path authPasswordFile;

    @Option(names = {"--auth-token-env"}, paramLabel = "VAR",
            description = "Read an OAuth 2 access token from this environment variable (XOAUTH2, OAUTHBEARER).")
    String authTokenEnv;

    @Option(names = {"--auth-token-file"}, paramLabel = "FILE",
            description = "Read an OAuth 2 access token from the first line of this file.")
    Path authTokenFile;

    @Option(names = {"-a", "--auth-mech"}, paramLabel = "MECH",
            description = "SASL mechanism to use (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256, XOAUTH2, "
                    + "OAUTHBEARER); default: the strongest both sides offer.")
    String authMech;

    @Option(names = {"--auth-plaintext"}, description = "Allow AUTH over an unencrypted connection (unsafe).")
    boolean allowPlaintextAuth;

    @Option(names = {"--tls-name"}, paramLabel = "NAME",
            description = "Name for SNI and the certificate check instead of the host dialled (when dialling an IP).")
    String tlsName;

    @Option(names = {"--local-address"}, paramLabel = "ADDR", description = "Source address to connect from.")
    String localAddress;

    @Option(names = {"--proxy"}, paramLabel = "socks5://[USER@]HOST:PORT",
            description = {"Make every connection through this SOCKS5 proxy; the target goes to it as an IP address"
                    + " (names are resolved here).", "A USER needs --proxy-password-env or --proxy-password-file."})
    String proxy;

    @Option(names = {"--proxy-password-env"}, paramLabel = "VAR",
            description = "Read the SOCKS proxy password from this environment variable (never give it on the command line).")
    String proxyPasswordEnv;

    @Option(names = {"--proxy-password-file"}, paramLabel = "FILE",
            description = "Read the SOCKS proxy password from this file (one line; its line end is not part of it).")
    Path proxyPasswordFile;

    @Option(names = {"--proxy-protocol"}, paramLabel = "v1|v2",
            description = "Send a HAProxy PROXY protocol header first on each connection, with its own addresses"
                    + " (for a port behind a load balancer that expects one).")
    String proxyProtocol;

    @Option(names = {"--protocol"}, paramLabel = "smtp|lmtp", defaultValue = "smtp",
            description = "SMTP (EHLO) or LMTP (LHLO, a reply per recipient after the message). Default: ${DEFAULT-VALUE}.")
    String protocol;

    @Option(names = {"--no-pipelining"}, description = "Send one command at a time even when PIPELINING is offered.")
    boolean noPipelining;

    @Option(names = {"--no-chunking"}, description = "Send the message with DATA even when CHUNKING (BDAT) is offered.")
    boolean noChunking;

    @Option(names = {"--dsn"}, description = "Ask for delivery status notifications (NOTIFY=SUCCESS,FAILURE,DELAY, RET=HDRS).")
    boolean dsn;

    @Option(names = {"--requiretls"}, description = "Send with REQUIRETLS (RFC 8689): only over verified TLS all the way.")
    boolean requireTlsExtension;

    @Option(names = {"--relay-test"},
            description = "Open-relay test: an outside sender to an outside recipient; never DATA; RSET after.")
    boolean relayTest;

    @Option(names = {"--catch-all-check"},
            description = "Also ask for a random address at the domain: is RCPT verification meaningful there?")
    boolean catchAllCheck;

    @Option(names = {"--ca-file"}, paramLabel = "FILE", description = "PEM trust anchors instead of the JDK's (private CAs).")
    Path caFile;

    @Option(names = {"--resolver"}, paramLabel = "HOST[:PORT]", description = "DNS server to ask; repeatable (default: the system's).")
    List<String> resolvers = new ArrayList<>();

    @Option(names = {"--trust-anchor"}, paramLabel = "FILE",
            description = "DNSSEC trust anchors (DS or DNSKEY records) instead of the IANA root's: private roots, tests.")
    Path trustAnchor;

    @Option(names = {"--dnssec-resolver"},
            description = "Trust the resolver's AD bit instead of validating DNSSEC locally (for a validating resolver you run).")
    boolean dnssecResolver;

    @Option(names = {"--cert-warn-days"}, paramLabel = "DAYS", defaultValue = "14",
            description = "A certificate expiring sooner is a warning (default: ${DEFAULT-VALUE}).")
    int certWarnDays;

    @Option(names = {"--cert-crit-days"}, paramLabel = "DAYS", defaultValue = "3",
            description = "A certificate expiring sooner is critical (default: ${DEFAULT-VALUE}).")
    int certCritDays;

    @Option(names = {"--warn-time"}, paramLabel = "[PHASE=]SECONDS",
            description = {"A probe slower than SECONDS is a warning, as check_smtp -w; with PHASE= (connect, banner, ehlo,",
                    "tls_handshake, mail, rcpt, ...) a phase of the session the verdict rests on. Repeatable."})
    List<String> warnTimes = new ArrayList<>();

    @Option(names = {"--crit-time"}, paramLabel = "[PHASE=]SECONDS",
            description = "As --warn-time, but critical (check_smtp -c). Repeatable.")
    List<String> critTimes = new ArrayList<>();

    /** Test and demo hook: the demo's MTA-STS policy host listens on an ephemeral port, not 443. */
    @Option(names = {"--mta-sts-port-for-testing"}, hidden = true, paramLabel = "PORT")
    Integer mtaStsPortForTesting;

    @Option(names = {"--dns-timeout"}, paramLabel = "SECONDS", defaultValue = "5",
            description = "Time limit per DNS query attempt (default: ${DEFAULT-VALUE}).")
    double dnsTimeoutSeconds;

    @Option(names = {"--dns-retries"}, paramLabel = "N", defaultValue = "2",
            description = "Retries per DNS query, over the resolvers in turn (default: ${DEFAULT-VALUE}).")
    int dnsRetries;

    @Option(names = {"--mx-seed"}, paramLabel = "N",
            description = "Seed for shuffling MX hosts of equal preference, for repeatable runs (default: random).")
    Long mxSeed;

    @Option(names = {"--all-mx"}, description = "Probe every MX host and address, not only until one accepts.")
    boolean allMx;

    @Option(names = {"-4"}, description = "IPv4 only.")
    boolean ipv4Only;

    @Option(names = {"-6"}, description = "IPv6 only.")
    boolean ipv6Only;

    @Option(names = {"--timeout"}, paramLabel = "SECONDS", defaultValue = "30",
            description = {"Time limit per phase (connect, banner, each command, TLS handshake) in seconds (default: "
                    + "${DEFAULT-VALUE}).", "Overall deadline: each host's whole conversation gets 4 times this, plus "
                    + "--data-timeout with --send."})
    double timeoutSeconds;

    @Option(names = {"--data-timeout"}, paramLabel = "SECONDS",
            description = {"With --send: how long to wait for the reply to the end of the message (default: --timeout,"
                    + " but at least 60; servers scan the message before they answer)."})
    Double dataTimeoutSeconds;

    @Option(names = {"--quit-after"}, paramLabel = "PHASE",
            description = "Stop politely after connect|banner|ehlo|tls|auth|mail|rcpt.")
    String quitAfter;

    @Option(names = {"--send"}, description = "Go through DATA with a generated test message; report its Message-ID and the queue id.")
    boolean send;

    @Option(names = {"--smuggling-test"},
            description = {"With --send and --rcpt: test for SMTP smuggling (CVE-2023-51764/51765/51766). One more session per",
                    "non-standard end of data (<LF>.<CR><LF> and others) sends a test message with a second transaction",
                    "behind it; a server that answers that transaction is CRITICAL. Delivers real test messages to the recipient."})
    boolean smugglingTest;

    @Option(names = {"--header"}, paramLabel = "'NAME: VALUE'", description = "Add a header to the --send message; repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = {"--body-file"}, paramLabel = "FILE", description = "Use this file as the body of the --send message.")
    Path bodyFile;

    @Option(names = {"--size"}, paramLabel = "OCTETS",
            description = "Pad the --send message to this size, to test the server's size limit.")
    Long size;

    @Option(names = {"--no-posture"}, description = "Skip the SPF, DMARC, MTA-STS, TLS-RPT, TLSA, reverse-DNS and MX blocklist checks.")
    boolean noPosture;

    @Option(names = {"--dnsbl"}, paramLabel = "ZONE",
            description = "DNS blocklist to ask about each public MX address (and --check-my-ip); repeatable "
                    + "(default: zen.spamhaus.org, bl.spamcop.net, psbl.surriel.com).")
    List<String> dnsblZones = new ArrayList<>();

    @Option(names = {"--no-dnsbl"}, description = "Ask no DNS blocklist.")
    boolean noDnsbl;

    @Option(names = {"--check-my-ip"}, paramLabel = "ADDR",
            description = "Also check the public address you send mail from against the blocklists.")
    String checkMyIp;

    @Option(names = {"--transcript"}, description = "Show the whole conversation (secrets redacted).")
    boolean transcript;

    @Option(names = {"--format"}, paramLabel = "text|json|nagios", defaultValue = "text",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = {"--no-color"}, description = "No ANSI colour, even on a terminal.")
    boolean noColor;

    @Option(names = {"-v", "--verbose"}, description = "Show the conversation live on standard error, secrets redacted.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing; the exit code tells the verdict.")
    boolean quiet;

    @Option(names = {"--metrics-file"}, paramLabel = "FILE",
            description = "Write Prometheus metrics of this probe to FILE (for node_exporter's textfile collector).")
    Path metricsFile;

    @Option(names = {"--state-dir"}, paramLabel = "DIR",
            description = "Keep this target's last run in DIR and report what changed since (MX, addresses, certificate, TLS, banner, verdict).")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        ProbeOptions options = validate();
        return ProbeRunner.run(options, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** Checks every argument up front, so bad input gets one line and exit 3 before any connection. */
    ProbeOptions validate() {
        CommandLine cl = spec.commandLine();
        if ((target == null) == (server == null)) {
            throw new CommandLine.ParameterException(cl,
                    target == null ? "give a TARGET (domain or address) or --server HOST[:PORT]"
                            : "give either a TARGET or --server, not both");
        }
        if (ipv4Only && ipv6Only) {
            throw new CommandLine.ParameterException(cl, "-4 and -6 exclude each other");
        }
        StartTlsPolicy policy = requireTls ? StartTlsPolicy.REQUIRE : parseEnum(StartTlsPolicy.class, startTls, "--starttls");
        if (implicitTls && policy == StartTlsPolicy.NEVER) {
            throw new CommandLine.ParameterException(cl, "--tls and --starttls never exclude each other");
        }
        QuitAfter stop = quitAfter == null ? null : parseEnum(QuitAfter.class, quitAfter, "--quit-after");
        if (stop == QuitAfter.DATA) {
            throw new CommandLine.ParameterException(cl, "--quit-after takes connect|banner|ehlo|tls|auth|mail|rcpt");
        }
        SessionOptions.Protocol proto = parseEnum(SessionOptions.Protocol.class, protocol, "--protocol");
        if (!(timeoutSeconds > 0 && timeoutSeconds <= 3600)) {
            throw new CommandLine.ParameterException(cl, "--timeout must be between 0 and 3600 seconds");
        }
        if (dataTimeoutSeconds != null && !(dataTimeoutSeconds > 0 && dataTimeoutSeconds <= 3600)) {
            throw new CommandLine.ParameterException(cl, "--data-timeout must be between 0 and 3600 seconds");
        }
        if (!(dnsTimeoutSeconds > 0 && dnsTimeoutSeconds <= 60)) {
            throw new CommandLine.ParameterException(cl, "--dns-timeout must be between 0 and 60 seconds");
        }
        if (dnsRetries < 0 || dnsRetries > 10) {
            throw new CommandLine.ParameterException(cl, "--dns-retries must be between 0 and 10");
        }
        if (relayTest && (send || catchAllCheck)) {
            throw new CommandLine.ParameterException(cl, "--relay-test never sends a message and checks nothing else:"
                    + " leave out --send and --catch-all-check");
        }
        if (!send && (!headers.isEmpty() || bodyFile != null || size != null)) {
            throw new CommandLine.ParameterException(cl, "--header, --body-file and --size shape the --send message:"
                    + " add --send");
        }
        if (smugglingTest && (!send || recipients.isEmpty())) {
            throw new CommandLine.ParameterException(cl, "--smuggling-test delivers real test messages: it needs --send"
                    + " and a recipient you name with --rcpt");
        }
        int effectivePort = effectivePort(proto);
        try {
            TargetParser.checkPort(effectivePort);
            ProbeTarget probeTarget = probeTarget(target, server, effectivePort);
            String sender = from == null || from.isEmpty() || from.equals("<>") ? "" : TargetParser.parseMailbox(from, "--from");
            List<String> rcpts = recipients(recipients);
            if (relayTest) {
                // Both reserved (RFC 2606): a relay that accepts them still cannot deliver anything anywhere.
                sender = from == null ? RELAY_TEST_SENDER : sender;
                rcpts = rcpts.isEmpty() ? List.of(RELAY_TEST_RECIPIENT) : rcpts;
            }
            String ehloName = ehlo == null ? defaultEhloName() : TargetParser.parseEhloName(ehlo);
            List<InetSocketAddress> dnsServers = new ArrayList<>();
            for (String r : resolvers) {
                dnsServers.add(dev.smtpprobe.dns.DnsClient.parseResolver(r));
            }
            Blocklists blocklists = blocklists();
            if (caFile != null) {
                checkTrustAnchors(caFile);
            }
            if (trustAnchor != null && dnssecResolver) {
                throw new IllegalArgumentException("--trust-anchor and --dnssec-resolver exclude each other");
            }
            if (trustAnchor != null) {
                if (!Files.isReadable(trustAnchor)) {
                    throw new IllegalArgumentException("--trust-anchor " + trustAnchor + " cannot be read");
                }
                dev.smtpprobe.dns.DnsClient.trustAnchorProblem(trustAnchor).ifPresent(problem -> {
                    throw new IllegalArgumentException("--trust-anchor: " + problem);
                });
            }
            if (metricsFile != null) {
                MetricsFiles.checkWritable(metricsFile);
            }
            if (stateDir != null && Files.exists(stateDir) && !Files.isDirectory(stateDir)) {
                throw new IllegalArgumentException("--state-dir " + stateDir + " is not a directory");
            }
            if (certCritDays < 0 || certWarnDays < certCritDays || certWarnDays > 3650) {
                throw new IllegalArgumentException("--cert-crit-days and --cert-warn-days need 0 <= crit <= warn <= 3650");
            }
            if (mtaStsPortForTesting != null) {
                TargetParser.checkPort(mtaStsPortForTesting);
            }
            TransportSecurityOptions security = TransportSecurityOptions.DEFAULTS
                    .withDnssec(dnssecResolver ? TransportSecurityOptions.DnssecMode.RESOLVER_AD
                            : TransportSecurityOptions.DnssecMode.VALIDATE)
                    .withTrustAnchorFile(trustAnchor)
                    .withCertificateDays(certWarnDays, certCritDays);
            if (mtaStsPortForTesting != null) {
                security = security.withMtaStsPolicyPortForTesting(mtaStsPortForTesting);
            }
            Duration phase = Duration.ofMillis((long) (timeoutSeconds * 1000));
            ExtensionUse extensions = ExtensionUse.DEFAULTS.withPipelining(!noPipelining).withChunking(!noChunking)
                    .withRequireTls(requireTlsExtension).withDsn(dsn ? ExtensionUse.DsnRequest.DEFAULT : null);
            ProbeRequest.Builder b = ProbeRequest.builder(probeTarget)
                    .protocol(proto)
                    .tlsMode(implicitTls ? TlsMode.IMPLICIT : TlsMode.STARTTLS)
                    .startTls(policy)
                    .caFile(caFile)
                    .tlsName(tlsName == null ? null : TargetParser.parseEhloName(tlsName))
                    .localAddress(localAddress == null ? null : TargetParser.parseIpAddress(localAddress, "--local-address"))
                    .proxy(socksProxy())
                    .proxyProtocol(proxyProtocol == null ? null
                            : parseEnum(dev.smtpprobe.model.ProxyProtocol.class, proxyProtocol, "--proxy-protocol"))
                    .ehloName(ehloName)
                    .credential(credential())
                    .authMechanism(authMech)
                    .allowPlaintextAuth(allowPlaintextAuth)
                    .mailFrom(sender)
                    .recipients(rcpts)
                    .envelope(relayTest ? EnvelopeMode.RELAY_TEST
                            : catchAllCheck ? EnvelopeMode.CATCH_ALL_CHECK : EnvelopeMode.PROBE)
                    .quitAfter(stop)
                    .timeouts(Timeouts.forProbe(phase, Optional.ofNullable(dataTimeoutSeconds)
                            .map(s -> Duration.ofMillis((long) (s * 1000))), send))
                    .extensions(extensions)
                    .addressFamily(ipv4Only ? AddressFamily.IPV4 : ipv6Only ? AddressFamily.IPV6 : AddressFamily.ANY)
                    .allMx(allMx)
                    .resolvers(dnsServers)
                    .dnsTimeout(Duration.ofMillis((long) (dnsTimeoutSeconds * 1000)))
                    .dnsRetries(dnsRetries)
                    .posture(!noPosture)
                    .transportSecurity(security)
                    .blocklists(blocklists());
            if (mxSeed != null) {
                b.shuffleSeed(mxSeed);
            }
            ProbeRequest request = b.build();
            if (send) {
                TestMessage message = TestMessage.compose(sender, request.effectiveRecipients(), ehloName,
                        ZonedDateTime.now(), headers, body(), size == null ? OptionalLong.empty() : OptionalLong.of(size));
                ProbeRequest.Builder withMessage = request.toBuilder().message(message.content());
                request = (smugglingTest ? withMessage.smugglingTest() : withMessage).build();
            }
            return new ProbeOptions(request, transcript, format, color(), quiet, verbose, metricsFile,
                    thresholds(warnTimes, critTimes), stateDir);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /** The port of a target that names none: --port, else 465 with --tls, 24 for LMTP, 25. */
    private int effectivePort(SessionOptions.Protocol proto) {
        int defaultPort = implicitTls ? 465 : proto == SessionOptions.Protocol.LMTP ? 24 : TargetParser.SMTP_PORT;
        return port == null ? defaultPort : port;
    }

    /** The target, from TARGET or --server (exactly one of them is given). */
    static ProbeTarget probeTarget(String target, String server, int effectivePort) {
        return server != null ? TargetParser.parseServer(server, effectivePort)
                : TargetParser.parseMailTarget(target, effectivePort);
    }

    /** The --rcpt addresses, each checked. */
    static List<String> recipients(List<String> given) {
        List<String> rcpts = new ArrayList<>();
        for (String r : given) {
            rcpts.add(TargetParser.parseMailbox(r, "--rcpt"));
        }
        return rcpts;
    }

    /**
     * After {@link #validate()}: how a batch can re-use this probe for another line that differs only in its target
     * and recipients. Empty when those shape more than the target and the envelope (a relay test picks recipients of
     * its own; --send and --smuggling-test compose a message for them), so such lines are validated in full.
     */
    Optional<Retargetable> retargetable() {
        if (send || relayTest || smugglingTest) {
            return Optional.empty();
        }
        return Optional.of(new Retargetable(effectivePort(parseEnum(SessionOptions.Protocol.class, protocol, "--protocol"))));
    }

    /**
     * A validated probe's target and recipients replaced, parsed as {@link #validate()} parses them (the same
     * methods), so a line that reaches a probe this way gets what a full validation would have given it.
     *
     * @param effectivePort the port a target without one gets, from the options that were validated
     */
    record Retargetable(int effectivePort) {
        ProbeOptions apply(ProbeOptions validated, String target, String server, List<String> rcpts) {
            ProbeRequest.Builder b = validated.request().toBuilder();
            if (target != null || server != null) {
                b.target(probeTarget(target, server, effectivePort));
            }
            if (rcpts != null) {
                b.recipients(recipients(rcpts));
            }
            return validated.withRequest(b.build());
        }
    }

    /** --warn-time and --crit-time: SECONDS for the whole probe, PHASE=SECONDS for one phase; warn below crit. */
    static TimeThresholds thresholds(List<String> warn, List<String> crit) {
        Optional<Duration> warnTotal = Optional.empty();
        Optional<Duration> critTotal = Optional.empty();
        Map<SmtpPhase, Duration> warnPhase = new EnumMap<>(SmtpPhase.class);
        Map<SmtpPhase, Duration> critPhase = new EnumMap<>(SmtpPhase.class);
        for (int pass = 0; pass < 2; pass++) {
            String option = pass == 0 ? "--warn-time" : "--crit-time";
            for (String v : pass == 0 ? warn : crit) {
                int eq = v.indexOf('=');
                Duration d = timeValue(option, eq < 0 ? v : v.substring(eq + 1));
                if (eq < 0) {
                    if (pass == 0) {
                        warnTotal = Optional.of(d);
                    } else {
                        critTotal = Optional.of(d);
                    }
                } else {
                    String name = v.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                    SmtpPhase phase = java.util.Arrays.stream(SmtpPhase.values()).filter(p -> p.id().equals(name))
                            .findFirst().orElseThrow(() -> new IllegalArgumentException(option + " " + v
                                    + ": no phase '" + name + "' (connect, banner, ehlo, starttls, tls_handshake, "
                                    + "ehlo_tls, auth, mail, rcpt, data, quit)"));
                    (pass == 0 ? warnPhase : critPhase).put(phase, d);
                }
            }
        }
        if (warnTotal.isPresent() && critTotal.isPresent() && warnTotal.get().compareTo(critTotal.get()) > 0) {
            throw new IllegalArgumentException("--warn-time must not exceed --crit-time");
        }
        for (Map.Entry<SmtpPhase, Duration> e : warnPhase.entrySet()) {
            Duration c = critPhase.get(e.getKey());
            if (c != null && e.getValue().compareTo(c) > 0) {
                throw new IllegalArgumentException("--warn-time " + e.getKey().id() + " must not exceed --crit-time "
                        + e.getKey().id());
            }
        }
        return new TimeThresholds(warnTotal, critTotal, warnPhase, critPhase);
    }

    private static Duration timeValue(String option, String text) {
        try {
            double seconds = Double.parseDouble(text.strip());
            if (!(seconds > 0) || seconds > 3600) {
                throw new NumberFormatException();
            }
            return Duration.ofNanos((long) (seconds * 1e9));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " wants seconds between 0 and 3600, such as 2.5, not '" + text + "'");
        }
    }

    static final String RELAY_TEST_SENDER = "relay-test@example.org";
    static final String RELAY_TEST_RECIPIENT = "relay-test@example.net";

    private Optional<String> body() {
        if (bodyFile == null) {
            return Optional.empty();
        }
        try {
            if (Files.size(bodyFile) > TestMessage.MAX_SIZE) {
                throw new IllegalArgumentException("--body-file " + bodyFile + " is larger than "
                        + TestMessage.MAX_SIZE + " octets");
            }
            return Optional.of(Files.readString(bodyFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("--body-file " + bodyFile + " cannot be read as UTF-8 text");
        }
    }

    private Blocklists blocklists() {
        if (noDnsbl && (!dnsblZones.isEmpty() || checkMyIp != null)) {
            throw new IllegalArgumentException("--no-dnsbl excludes --dnsbl and --check-my-ip");
        }
        if (noDnsbl) {
            return Blocklists.NONE;
        }
        Blocklists b = Blocklists.DEFAULT.withZones(dnsblZones);
        if (checkMyIp != null) {
            byte[] literal = io.netty.util.NetUtil.createByteArrayFromIpAddressString(checkMyIp.strip());
            if (literal == null) {
                throw new IllegalArgumentException("--check-my-ip takes an IP address, not '" + checkMyIp + "'");
            }
            java.net.InetAddress address;
            try {
                address = java.net.InetAddress.getByAddress(literal);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("--check-my-ip takes an IP address, not '" + checkMyIp + "'");
            }
            if (!Blocklists.isPublic(address)) {
                throw new IllegalArgumentException("--check-my-ip " + checkMyIp.strip() + " is not a public address;"
                        + " blocklists list only public ones (give the address receivers see)");
            }
            b = b.withSendingAddress(address);
        }
        return b;
    }

    /**
     * A --ca-file that holds no certificate is a usage error, caught before any connection: otherwise every
     * certificate would look untrusted and the report would blame the server.
     */
    static void checkTrustAnchors(Path file) {
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new IllegalArgumentException("--ca-file " + file + " cannot be read");
        }
        // A batch validates every line against the same file: parsing it once per line was a third of a line's cost.
        String stamp = fileStamp(file);
        if (stamp != null && stamp.equals(CHECKED_TRUST_ANCHORS.get(file.toAbsolutePath()))) {
            return;
        }
        int count;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            count = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).size();
        } catch (IOException | java.security.cert.CertificateException | RuntimeException e) {
            count = 0;
        }
        if (count == 0) {
            throw new IllegalArgumentException("--ca-file " + file + " holds no PEM certificate (expected one or more"
                    + " -----BEGIN CERTIFICATE----- blocks of trusted CA certificates)");
        }
        if (stamp != null) {
            CHECKED_TRUST_ANCHORS.put(file.toAbsolutePath(), stamp);
        }
    }

    /** CA files that held certificates when last checked, with the size and modification time they had then. */
    private static final java.util.concurrent.ConcurrentMap<Path, String> CHECKED_TRUST_ANCHORS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static String fileStamp(Path file) {
        try {
            return Files.size(file) + "/" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * --proxy with its password from the variable or file, as AUTH's (the same refusal of CR, LF and NUL); a proxy
     * named by host name is resolved here, once, before any session: sessions dial IP addresses only.
     */
    private dev.smtpprobe.model.SocksProxy socksProxy() {
        if (proxy == null) {
            if (proxyPasswordEnv != null || proxyPasswordFile != null) {
                throw new IllegalArgumentException("--proxy-password-env and --proxy-password-file need --proxy");
            }
            return null;
        }
        if (proxyPasswordEnv != null && proxyPasswordFile != null) {
            throw new IllegalArgumentException("give one of --proxy-password-env and --proxy-password-file, not both");
        }
        Optional<String> password = proxyPasswordEnv == null && proxyPasswordFile == null ? Optional.empty()
                : Optional.of(secret(proxyPasswordEnv, proxyPasswordFile, "--proxy-password-file"));
        dev.smtpprobe.model.SocksProxy parsed;
        try {
            parsed = dev.smtpprobe.model.SocksProxy.parse(proxy, password);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--proxy: " + e.getMessage());
        }
        if (parsed.unresolved()) {
            String name = parsed.address().getHostString();
            try {
                parsed = parsed.withAddress(java.net.InetAddress.getByName(name));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("--proxy: the proxy host " + name + " does not resolve");
            }
        }
        return parsed;
    }

    private Credential credential() {
        boolean password = authPasswordEnv != null || authPasswordFile != null;
        boolean token = authTokenEnv != null || authTokenFile != null;
        if (authUser == null) {
            if (password || token) {
                throw new IllegalArgumentException("a password or token was given without --auth-user");
            }
            if (authMech != null) {
                throw new IllegalArgumentException("--auth-mech needs --auth-user");
            }
            return null;
        }
        AddressSyntax.requireNoLineBreak("--auth-user", authUser);
        int sources = (authPasswordEnv != null ? 1 : 0) + (authPasswordFile != null ? 1 : 0)
                + (authTokenEnv != null ? 1 : 0) + (authTokenFile != null ? 1 : 0);
        if (sources != 1) {
            throw new IllegalArgumentException("--auth-user needs exactly one of --auth-password-env, "
                    + "--auth-password-file, --auth-token-env or --auth-token-file");
        }
        String secret = password ? secret(authPasswordEnv, authPasswordFile, "--auth-password-file")
                : secret(authTokenEnv, authTokenFile, "--auth-token-file");
        return password ? new Credential.Password(authUser, secret) : new Credential.BearerToken(authUser, secret);
    }

    /** From the variable or the whole file (less one line end); CR, LF or NUL left in it is refused. */
    private static String secret(String env, Path file, String fileOption) {
        String secret;
        if (env != null) {
            secret = System.getenv(env);
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("environment variable " + env + " is not set or empty");
            }
        } else {
            try {
                secret = withoutLineEnd(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalArgumentException(fileOption + " " + file + " cannot be read");
            }
            if (secret.isEmpty()) {
                throw new IllegalArgumentException(fileOption + " " + file + " is empty");
            }
        }
        if (secret.indexOf('\r') >= 0 || secret.indexOf('\n') >= 0 || secret.indexOf('\0') >= 0) {
            // Never echo the value: it is the secret. A line break in it would end the AUTH line early.
            String where = env != null ? "environment variable " + env : fileOption + " " + file;
            throw new IllegalArgumentException("the password or token in " + where
                    + " contains a line break or NUL, which SMTP cannot carry (one line, without its line end)");
        }
        return secret;
    }

    /** The file's one trailing line end (LF or CRLF), as editors and {@code echo} write it, is not part of it. */
    static String withoutLineEnd(String content) {
        if (content.endsWith("\r\n")) {
            return content.substring(0, content.length() - 2);
        }
        if (content.endsWith("\n")) {
            return content.substring(0, content.length() - 1);
        }
        return content;
    }

    private boolean color() {
        return !noColor && System.console() != null && System.getenv("NO_COLOR") == null
                && format == OutputFormat.text;
    }

    static String defaultEhloName() {
        try {
            String name = java.net.InetAddress.getLocalHost().getCanonicalHostName();
            if (name != null && name.contains(".") && !name.matches("[0-9.]+")) {
                return TargetParser.parseEhloName(name);
            }
        } catch (IOException | IllegalArgumentException e) {
            // fall through: an unresolvable local name is common on laptops and containers
        }
        return SessionOptions.DEFAULT_EHLO_NAME;
    }

    private <E extends Enum<E>> E parseEnum(Class<E> type, String value, String option) {
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : "|").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw new CommandLine.ParameterException(spec.commandLine(),
                    option + " takes " + allowed + ", not '" + value + "'");
        }
    }
}
