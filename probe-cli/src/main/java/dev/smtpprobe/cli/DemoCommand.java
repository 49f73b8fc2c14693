package dev.smtpprobe.cli;

import dev.smtpprobe.fixtures.GreenMailSmtp;
import dev.smtpprobe.fixtures.HeldCertificate;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.MtaStsPolicyServer;
import dev.smtpprobe.fixtures.Reply;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.fixtures.dns.FakeDnsServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code smtp-probe demo}: the tour a new user takes. It starts an in-process DNS server holding demo domains,
 * scripted SMTP servers on loopback addresses and a real GreenMail server, then probes each scenario through the
 * same command line a user types, printing the command and its report. No network is needed.
 */
@Command(name = "demo",
        usageHelpWidth = 110,
        mixinStandardHelpOptions = true,
        description = {"Start embedded servers on loopback and probe them: a tour of what smtp-probe finds.",
                "Needs no network. Exit code 0 when every scenario gave the verdict it is meant to show."},
        footer = {"", "Examples:", "  smtp-probe demo", "  smtp-probe demo --only greylisting --format json"})
public final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--format", paramLabel = "text|json|nagios", defaultValue = "text",
            description = "Report format for every scenario (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = "--only", paramLabel = "NAME", description = "Run only the scenarios whose name contains NAME.")
    String only;

    @Option(names = "--no-color", description = "No ANSI colour.")
    boolean noColor;

    @Option(names = "--transcript", description = "Show each conversation too.")
    boolean transcript;

    /** One demo scenario: the arguments a user would type, and the verdict it is meant to show. */
    record Scenario(String name, String title, String expected, List<String> args) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (DemoWorld world = DemoWorld.start()) {
            List<Scenario> scenarios = world.scenarios();
            List<String> summary = new ArrayList<>();
            boolean allAsExpected = true;
            int index = 0;
            for (Scenario s : scenarios) {
                if (only != null && !s.name().contains(only)) {
                    continue;
                }
                index++;
                List<String> args = new ArrayList<>(s.args());
                args.add("--format");
                args.add(format.name());
                if (noColor || format != OutputFormat.text) {
                    args.add("--no-color");
                }
                if (transcript) {
                    args.add("--transcript");
                }
                if (format == OutputFormat.text) {
                    out.println();
                    out.println("=== " + index + ". " + s.title() + " (meant to show: " + s.expected() + ")");
                    out.println("$ smtp-probe " + String.join(" ", args));
                    out.println();
                }
                out.flush();
                StringWriter scenarioErr = new StringWriter();
                int exit = SmtpProbeCommand.execute(out, new PrintWriter(scenarioErr, true), args.toArray(String[]::new));
                out.flush();
                if (!scenarioErr.toString().isEmpty()) {
                    err.print(scenarioErr);
                    err.flush();
                }
                String verdict = verdictName(exit);
                boolean asExpected = verdict.equals(s.expected());
                allAsExpected &= asExpected;
                summary.add(String.format("  %-22s %-9s %s", s.name(), verdict, asExpected ? "" : "(expected " + s.expected() + ")"));
            }
            if (index == 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no demo scenario matches '" + only + "'");
            }
            if (format == OutputFormat.text) {
                out.println();
                out.println("=== Demo summary (exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)");
                summary.forEach(out::println);
                out.println();
                out.println("Try it on your own domain: smtp-probe probe example.com   (smtp-probe probe --help for more)");
            }
            out.flush();
            return allAsExpected ? 0 : 1;
        }
    }

    static String verdictName(int exit) {
        return switch (exit) {
            case 0 -> "OK";
            case 1 -> "WARNING";
            case 2 -> "CRITICAL";
            default -> "UNKNOWN";
        };
    }

    /** The embedded servers and the demo domains that point at them. Closing it stops everything. */
    static final class DemoWorld implements Closeable {
        static final String EHLO = "probe.demo.test";
        private final Deque<Closeable> resources = new ArrayDeque<>();
        private final List<Scenario> scenarios = new ArrayList<>();

        static DemoWorld start() throws IOException {
            DemoWorld world = new DemoWorld();
            try {
                world.build();
                return world;
            } catch (IOException | RuntimeException e) {
                world.close();
                throw e;
            }
        }

        List<Scenario> scenarios() {
            return List.copyOf(scenarios);
        }

        private <T extends Closeable> T keep(T resource) {
            resources.push(resource);
            return resource;
        }

        private void build() throws IOException {
            Path dir = Files.createTempDirectory("smtp-probe-demo");
            resources.push(() -> deleteTree(dir));
            TestCertificates.Authority ca = TestCertificates.newAuthority("smtp-probe demo CA");
            Path caFile = dir.resolve("demo-ca.pem");
            ca.writePem(caFile);

            FakeDnsServer dns = keep(new FakeDnsServer());
            String resolver = "127.0.0.1:" + startDns(dns);

            // 1. A healthy domain: MX, STARTTLS with a certificate for the MX name, SPF, DMARC, MTA-STS, TLS-RPT, PTR.
            MockSmtpServer healthy = mx(ca, "mx.healthy.demo.test", "127.0.0.11");
            postureFor(dns, "healthy.demo.test", "mx.healthy.demo.test", "127.0.0.11");
            scenarios.add(new Scenario("healthy", "A healthy domain with STARTTLS and good mail DNS", "OK",
                    List.of("probe", "healthy.demo.test", "--resolver", resolver, "--port", port(healthy),
                            "--ca-file", caFile.toString(), "--ehlo", EHLO)));

            // 2. Greylisting: the first attempt from an unknown client is deferred.
            MockSmtpServer grey = mx(ca, "mx.greylist.demo.test", "127.0.0.12");
            grey.on("RCPT", Reply.of(450, "4.2.0 <postmaster@greylist.demo.test>: Recipient address rejected:"
                    + " Greylisted, see http://postgrey.schweikert.ch/help/greylist.demo.test.html"));
            postureFor(dns, "greylist.demo.test", "mx.greylist.demo.test", "127.0.0.12");
            scenarios.add(new Scenario("greylisting", "A domain that greylists new senders", "WARNING",
                    List.of("probe", "greylist.demo.test", "--resolver", resolver, "--port", port(grey),
                            "--ca-file", caFile.toString(), "--ehlo", EHLO)));

            // 3. An unknown recipient at a working domain.
            MockSmtpServer users = mx(ca, "mx.users.demo.test", "127.0.0.13");
            users.rejectRecipient("nobody@users.demo.test",
                    Reply.of(550, "5.1.1 <nobody@users.demo.test>: Recipient address rejected: User unknown in virtual mailbox table"));
            postureFor(dns, "users.demo.test", "mx.users.demo.test", "127.0.0.13");
            scenarios.add(new Scenario("unknown-recipient", "An address that does not exist", "CRITICAL",
                    List.of("probe", "nobody@users.demo.test", "--resolver", resolver, "--port", port(users),
                            "--ca-file", caFile.toString(), "--ehlo", EHLO)));

            // 4. A smart host that requires STARTTLS, probed by a client configured never to use it.
            MockSmtpServer tlsOnly = mx(ca, "smtp.tls-required.demo.test", "127.0.0.14");
            tlsOnly.on("MAIL", Reply.of(530, "5.7.0 Must issue a STARTTLS command first"));
            scenarios.add(new Scenario("starttls-required", "A smart host that requires STARTTLS, probed without it",
                    "CRITICAL",
                    List.of("probe", "--server", "127.0.0.14:" + port(tlsOnly), "--starttls", "never",
                            "--from", "app@tls-required.demo.test", "--rcpt", "someone@example.test", "--ehlo", EHLO)));

            // 5. A null MX: the domain says it accepts no mail (RFC 7505).
            dns.zone("nullmx.demo.test").nullMx().txt("nullmx.demo.test", "v=spf1 -all")
                    .txt("_dmarc.nullmx.demo.test", "v=DMARC1; p=reject");
            scenarios.add(new Scenario("null-mx", "A domain that publishes a null MX", "CRITICAL",
                    List.of("probe", "nullmx.demo.test", "--resolver", resolver, "--ehlo", EHLO)));

            // 6. Two MX hosts, the backup one dead: mail still flows, but someone should know.
            MockSmtpServer primary = mx(ca, "mx1.backup.demo.test", "127.0.0.15");
            postureFor(dns, "backup.demo.test", "mx1.backup.demo.test", "127.0.0.15");
            dns.zone("backup.demo.test").mx(20, "mx2.backup.demo.test").a("mx2.backup.demo.test", "127.0.0.16")
                    .ptr("127.0.0.16", "mx2.backup.demo.test");
            scenarios.add(new Scenario("dead-backup-mx", "A domain whose backup MX is down", "WARNING",
                    List.of("probe", "backup.demo.test", "--all-mx", "--resolver", resolver, "--port", port(primary),
                            "--ca-file", caFile.toString(), "--ehlo", EHLO)));

            // 7. A server that refuses connections (nothing listens on the port).
            int closedPort = closedPort();
            scenarios.add(new Scenario("connection-refused", "A smart host that refuses connections", "CRITICAL",
                    List.of("probe", "--server", "127.0.0.1:" + closedPort, "--ehlo", EHLO, "--timeout", "5")));

            // 11. A smart host as an application uses it: STARTTLS required, AUTH with the strongest mechanism both
            // sides speak (SCRAM-SHA-256: the server proves it knows the password too), the envelope pipelined.
            // The certificate names the host, not the address dialled: --tls-name says which name to check.
            MockSmtpServer smartHost = mx(ca, "smtp.submit.demo.test", "127.0.0.19");
            smartHost.authMechanisms("PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256").authOnlyAfterTls()
                    .users(java.util.Map.of("app", "app-password"));
            Path appPassword = dir.resolve("app-password");
            Files.writeString(appPassword, "app-password\n", StandardCharsets.UTF_8);
            scenarios.add(new Scenario("smart-host-scram", "A smart host with SCRAM-SHA-256 AUTH and PIPELINING",
                    "OK",
                    List.of("probe", "--server", "127.0.0.19:" + port(smartHost), "--tls-name",
                            "smtp.submit.demo.test", "--starttls", "require", "--ca-file", caFile.toString(),
                            "-au", "app", "--auth-password-file", appPassword.toString(),
                            "--from", "app@submit.demo.test", "--rcpt", "a@example.test", "--rcpt", "b@example.test",
                            "--ehlo", EHLO)));

            // 12. An open relay: an outside sender to an outside recipient is accepted without AUTH.
            MockSmtpServer relay = mx(ca, "mx.open-relay.demo.test", "127.0.0.20");
            scenarios.add(new Scenario("open-relay", "A server that relays for anyone (--relay-test)", "CRITICAL",
                    List.of("probe", "--server", "127.0.0.20:" + port(relay), "--relay-test", "--ehlo", EHLO)));

            // 12b. SMTP smuggling: a server that takes a bare line end as the end of data (as Postfix did before
            // smtpd_forbid_bare_newline) answers the second transaction hidden behind <LF>.<CR><LF> and the others.
            MockSmtpServer smuggling = mx(ca, "mx.smuggling.demo.test", "127.0.0.21");
            smuggling.greeting(Reply.of(220, "mx.smuggling.demo.test ESMTP Postfix"))
                    .dataEnding(MockSmtpServer.DataEnding.ANY_LINE_END);
            scenarios.add(new Scenario("smtp-smuggling", "A server open to SMTP smuggling (--smuggling-test)",
                    "CRITICAL",
                    List.of("probe", "--server", "127.0.0.21:" + port(smuggling), "--starttls", "never",
                            "--from", "probe@demo.test", "--rcpt", "postmaster@smuggling.demo.test", "--send",
                            "--smuggling-test", "--ehlo", EHLO)));
            // 12c. Egress through a SOCKS5 proxy that wants a user name and password (an embedded SOCKS5 server on
            // loopback): the password comes from a file, never the command line; the report says which proxy the
            // session went through, and never the user or password. The target goes to the proxy as an IP address.
            MockSmtpServer behindProxy = mx(ca, "smtp.egress.demo.test", "127.0.0.22");
            dev.smtpprobe.fixtures.socks.Socks5Server socks = dev.smtpprobe.fixtures.socks.Socks5Server.start()
                    .requirePassword("demo-probe", "socks-demo-password");
            resources.push(socks::close);
            Path proxyPassword = dir.resolve("proxy-password");
            Files.writeString(proxyPassword, "socks-demo-password\n", StandardCharsets.UTF_8);
            scenarios.add(new Scenario("socks-proxy", "A smart host reached through a SOCKS5 proxy with a password",
                    "OK",
                    List.of("probe", "--server", "127.0.0.22:" + port(behindProxy), "--tls-name",
                            "smtp.egress.demo.test", "--starttls", "require", "--ca-file", caFile.toString(),
                            "--proxy", "socks5://demo-probe@127.0.0.1:" + socks.port(),
                            "--proxy-password-file", proxyPassword.toString(),
                            "--rcpt", "someone@egress.demo.test", "--ehlo", EHLO)));

            // 12d. A smart host behind a load balancer that speaks the PROXY protocol: the port waits for a PROXY
            // v2 header (the connection's own addresses) before it greets, as Postfix with
            // smtpd_upstream_proxy_protocol = haproxy does, and the probe sends one first.
            MockSmtpServer balanced = mx(ca, "smtp.balanced.demo.test", "127.0.0.23", MockSmtpServer::expectProxyHeader);
            scenarios.add(new Scenario("proxy-protocol", "A smart host behind a load balancer that wants a PROXY v2 header",
                    "OK",
                    List.of("probe", "--server", "127.0.0.23:" + port(balanced), "--proxy-protocol", "v2",
                            "--tls-name", "smtp.balanced.demo.test", "--starttls", "require", "--ca-file",
                            caFile.toString(), "--rcpt", "someone@balanced.demo.test", "--ehlo", EHLO)));

            // 13. Many targets in one run: batch on one shared prober, politely (per-host and per-domain limits),
            // one JSON report per target written to a file, the summary on standard error, the worst verdict as
            // the exit code. Each line may carry its own options (here: the port of its demo server).
            Path batchInput = dir.resolve("targets.jsonl");
            Files.writeString(batchInput, String.join("\n",
                    "{\"target\":\"healthy.demo.test\",\"port\":" + port(healthy) + "}",
                    "{\"target\":\"greylist.demo.test\",\"port\":" + port(grey) + "}",
                    "{\"target\":\"nobody@users.demo.test\",\"port\":" + port(users) + "}",
                    "not a target at all") + "\n", StandardCharsets.UTF_8);
            scenarios.add(new Scenario("batch", "Three domains and a bad line in one batch (worst verdict wins)",
                    "UNKNOWN",
                    List.of("batch", "-i", batchInput.toString(), "-o", dir.resolve("reports.jsonl").toString(),
                            "--concurrency", "4", "--resolver", resolver, "--ca-file", caFile.toString(),
                            "--ehlo", EHLO)));

            // 9 and 10. DNSSEC, DANE and MTA-STS: a signed zone whose TLSA record matches the MX's key and an
            // enforce policy served over HTTPS, then a signed zone whose TLSA record names a key the MX no longer
            // uses (a botched certificate rollover). The signed zones are their own trust anchors.
            scenarios.add(daneScenario(dns, ca, dir, resolver, caFile, "dane-mta-sts",
                    "A signed domain with DANE and an MTA-STS enforce policy", "OK", "dane.demo.test",
                    "127.0.0.17", true));
            scenarios.add(daneScenario(dns, ca, dir, resolver, caFile, "dane-mismatch",
                    "A signed domain whose TLSA record no longer matches its MX's key", "CRITICAL",
                    "rollover.demo.test", "127.0.0.18", false));

            // 8. A real SMTP server (GreenMail): implicit TLS, AUTH, and a real test message through DATA.
            Instant now = Instant.now();
            HeldCertificate greenCert = ca.issue(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)),
                    "localhost", "127.0.0.1");
            GreenMailSmtp greenMail = keep(new GreenMailSmtp(greenCert));
            greenMail.start();
            greenMail.addUser("demo@submission.demo.test", "demo", "demo-password");
            Path passwordFile = dir.resolve("password");
            Files.writeString(passwordFile, "demo-password\n", StandardCharsets.UTF_8);
            scenarios.add(new Scenario("submission-auth", "Submission with implicit TLS, AUTH and a test message",
                    "OK",
                    List.of("probe", "--server", "localhost:" + greenMail.smtpsPort(), "--tls", "-au", "demo",
                            "--auth-password-file", passwordFile.toString(), "--ca-file", caFile.toString(),
                            "--from", "demo@submission.demo.test", "--rcpt", "friend@submission.demo.test",
                            "--send", "--ehlo", EHLO)));
        }

        private Scenario daneScenario(FakeDnsServer dns, TestCertificates.Authority ca, Path dir, String resolver,
                Path caFile, String name, String title, String expected, String domain, String address,
                boolean tlsaMatches) throws IOException {
            String mxHost = "mx." + domain;
            Instant now = Instant.now();
            HeldCertificate cert = ca.issue(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), mxHost);
            MockSmtpServer server = keep(new MockSmtpServer());
            server.hostName(mxHost).authMechanisms().startTls(cert);
            server.start(InetAddress.getByName(address), 0);
            HeldCertificate policyCert = ca.issue(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)),
                    "mta-sts." + domain);
            MtaStsPolicyServer policy = keep(new MtaStsPolicyServer(policyCert));
            policy.serve(MtaStsPolicyServer.Response.policy(
                    "version: STSv1\nmode: enforce\nmx: " + mxHost + "\nmax_age: 1209600\n"));
            policy.start(InetAddress.getByName(address));
            String key = tlsaMatches ? spkiSha256(cert) : spkiSha256(ca.issue(mxHost));
            postureFor(dns, domain, mxHost, address);
            dns.zone(domain)
                    .tlsa("_" + server.port() + "._tcp." + mxHost, 3, 1, 1, key)
                    .txt("_mta-sts." + domain, "v=STSv1; id=20261201T000000;")
                    .a("mta-sts." + domain, address);
            FakeDnsServer.SignedZone signed = dns.sign(domain);
            Path anchor = dir.resolve(name + "-trust-anchor.txt");
            Files.writeString(anchor, signed.trustAnchor(), StandardCharsets.US_ASCII);
            return new Scenario(name, title, expected, List.of("probe", domain, "--resolver", resolver,
                    "--port", port(server), "--ca-file", caFile.toString(), "--trust-anchor", anchor.toString(),
                    "--mta-sts-port-for-testing", Integer.toString(policy.port()), "--ehlo", EHLO));
        }

        /** The data of a "3 1 1" TLSA record: SHA-256 of the certificate's SubjectPublicKeyInfo. */
        private static String spkiSha256(HeldCertificate cert) {
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(cert.certificate().getPublicKey().getEncoded()));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private MockSmtpServer mx(TestCertificates.Authority ca, String hostName, String address) throws IOException {
            return mx(ca, hostName, address, server -> { });
        }

        /** As {@link #mx(TestCertificates.Authority, String, String)}, with settings that must come before start. */
        private MockSmtpServer mx(TestCertificates.Authority ca, String hostName, String address,
                java.util.function.Consumer<MockSmtpServer> beforeStart) throws IOException {
            MockSmtpServer server = keep(new MockSmtpServer());
            // A receiving MX: STARTTLS with a year-long certificate, no AUTH (MX hosts take mail from anyone).
            Instant now = Instant.now();
            server.hostName(hostName).authMechanisms()
                    .startTls(ca.issue(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), hostName));
            beforeStart.accept(server);
            server.start(InetAddress.getByName(address), 0);
            return server;
        }

        private static void postureFor(FakeDnsServer dns, String domain, String mxHost, String address) {
            dns.zone(domain)
                    .mx(10, mxHost)
                    .a(mxHost, address)
                    .ptr(address, mxHost)
                    .txt(domain, "v=spf1 mx -all")
                    .txt("_dmarc." + domain, "v=DMARC1; p=reject; rua=mailto:dmarc-reports@" + domain)
                    .txt("_smtp._tls." + domain, "v=TLSRPTv1; rua=mailto:tls-reports@" + domain);
        }

        private static int startDns(FakeDnsServer dns) {
            dns.start();
            return dns.port();
        }

        private static String port(MockSmtpServer server) {
            return Integer.toString(server.port());
        }

        private static int closedPort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                return s.getLocalPort();
            }
        }

        @Override
        public void close() {
            while (!resources.isEmpty()) {
                try {
                    resources.pop().close();
                } catch (IOException | RuntimeException e) {
                    // best effort: a demo server that fails to stop must not hide the others' reports
                }
            }
        }

        private static void deleteTree(Path dir) throws IOException {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

}
