package dev.smtpprobe.cli;

import dev.smtpprobe.model.Credentials;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.probe.TargetParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
            description = "Read the AUTH password from the first line of this file.")
    Path authPasswordFile;

    @Option(names = {"--auth-plaintext"}, description = "Allow AUTH over an unencrypted connection (unsafe).")
    boolean allowPlaintextAuth;

    @Option(names = {"--ca-file"}, paramLabel = "FILE", description = "PEM trust anchors instead of the JDK's (private CAs).")
    Path caFile;

    @Option(names = {"--resolver"}, paramLabel = "HOST[:PORT]", description = "DNS server to ask; repeatable (default: the system's).")
    List<String> resolvers = new ArrayList<>();

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
            description = "Time limit per phase in seconds (default: ${DEFAULT-VALUE}); the whole probe gets 4 times this per host.")
    double timeoutSeconds;

    @Option(names = {"--quit-after"}, paramLabel = "PHASE",
            description = "Stop politely after connect|banner|ehlo|tls|auth|mail|rcpt.")
    String quitAfter;

    @Option(names = {"--send"}, description = "Go through DATA with a generated test message; report its Message-ID and the queue id.")
    boolean send;

    @Option(names = {"--no-posture"}, description = "Skip the SPF, DMARC, MTA-STS, TLS-RPT, TLSA and reverse-DNS checks.")
    boolean noPosture;

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
        if (!(timeoutSeconds > 0 && timeoutSeconds <= 3600)) {
            throw new CommandLine.ParameterException(cl, "--timeout must be between 0 and 3600 seconds");
        }
        if (!(dnsTimeoutSeconds > 0 && dnsTimeoutSeconds <= 60)) {
            throw new CommandLine.ParameterException(cl, "--dns-timeout must be between 0 and 60 seconds");
        }
        if (dnsRetries < 0 || dnsRetries > 10) {
            throw new CommandLine.ParameterException(cl, "--dns-retries must be between 0 and 10");
        }
        int defaultPort = implicitTls ? 465 : TargetParser.SMTP_PORT;
        int effectivePort = port == null ? defaultPort : port;
        try {
            TargetParser.checkPort(effectivePort);
            var probeTarget = server != null
                    ? TargetParser.parseServer(server, effectivePort)
                    : TargetParser.parseMailTarget(target, effectivePort);
            String sender = from == null || from.isEmpty() || from.equals("<>") ? "" : TargetParser.parseMailbox(from, "--from");
            List<String> rcpts = new ArrayList<>();
            for (String r : recipients) {
                rcpts.add(TargetParser.parseMailbox(r, "--rcpt"));
            }
            String ehloName = ehlo == null ? defaultEhloName() : TargetParser.parseEhloName(ehlo);
            Credentials credentials = credentials();
            for (String r : resolvers) {
                dev.smtpprobe.dns.DnsClient.parseResolver(r);
            }
            if (caFile != null) {
                checkTrustAnchors(caFile);
            }
            return new ProbeOptions(probeTarget, policy, implicitTls, sender, rcpts, ehloName, credentials,
                    allowPlaintextAuth, caFile, List.copyOf(resolvers), allMx, ipv4Only, ipv6Only,
                    java.time.Duration.ofMillis((long) (timeoutSeconds * 1000)),
                    java.time.Duration.ofMillis((long) (dnsTimeoutSeconds * 1000)), dnsRetries, mxSeed, stop, send,
                    !noPosture, transcript, format, color(), quiet, verbose, metricsFile);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /**
     * A --ca-file that holds no certificate is a usage error, caught before any connection: otherwise every
     * certificate would look untrusted and the report would blame the server.
     */
    static void checkTrustAnchors(Path file) {
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new IllegalArgumentException("--ca-file " + file + " cannot be read");
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
    }

    private Credentials credentials() {
        if (authUser == null) {
            if (authPasswordEnv != null || authPasswordFile != null) {
                throw new IllegalArgumentException("a password was given without --auth-user");
            }
            return null;
        }
        if ((authPasswordEnv == null) == (authPasswordFile == null)) {
            throw new IllegalArgumentException("--auth-user needs exactly one of --auth-password-env or --auth-password-file");
        }
        String secret;
        if (authPasswordEnv != null) {
            secret = System.getenv(authPasswordEnv);
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("environment variable " + authPasswordEnv + " is not set or empty");
            }
        } else {
            try {
                List<String> lines = Files.readAllLines(authPasswordFile, StandardCharsets.UTF_8);
                secret = lines.isEmpty() ? "" : lines.get(0);
            } catch (IOException e) {
                throw new IllegalArgumentException("--auth-password-file " + authPasswordFile + " cannot be read");
            }
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("--auth-password-file " + authPasswordFile + " is empty");
            }
        }
        return new Credentials(authUser, secret);
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
        return "smtp-probe.invalid";
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
