package dev.smtpprobe.probe;

import dev.smtpprobe.model.Addresses;
import dev.smtpprobe.model.ErrorText;
import dev.smtpprobe.model.SecretScrubber;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.SessionFailure;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmugglingResult;
import dev.smtpprobe.model.SmugglingSequence;
import dev.smtpprobe.model.TranscriptLine;
import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.dns.BlocklistChecker;
import dev.smtpprobe.dns.DnsClient;
import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.MxPlan;
import dev.smtpprobe.dns.MxResolver;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.dns.PostureChecker;
import dev.smtpprobe.model.EhloCapabilities;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.dns.DnsAnswer;
import dev.smtpprobe.dns.TlsaResolver;
import dev.smtpprobe.mtasts.MtaStsChecks;
import dev.smtpprobe.mtasts.MtaStsFetcher;
import io.netty.channel.EventLoopGroup;
import dev.smtpprobe.model.DnssecResult;
import dev.smtpprobe.model.HostTransport;
import dev.smtpprobe.model.MtaStsResult;
import dev.smtpprobe.model.TlsaLookup;
import dev.smtpprobe.model.TransportSecurity;
import dev.smtpprobe.model.TransportSecurityOptions;
import dev.smtpprobe.tls.TrustEvaluator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Probes a target end to end: finds the servers (MX plan, or the host of a SERVER target), walks them with the
 * session runner, fails over as a sending MTA would, and runs the DNS posture checks alongside.
 *
 * <p>Failover (RFC 5321 §5.1): when an address refuses, is unreachable, does not connect or greet in time, or
 * greets with 421, the next address of the same host is tried, then the next host. Any other outcome (including a
 * rejection after the greeting) is that server's answer and ends the walk, unless {@code allMx} asks for every host
 * and address. Every attempt is kept in {@link ProbeResult#sessions()}.
 *
 * <p>Every result has the request's credential {@linkplain SecretScrubber scrubbed} from what servers sent back.
 *
 * <p>Posture lookups start with the probe (domain records) or as soon as the MX plan is known (TLSA, PTR), run in
 * parallel with the SMTP walk, and are joined at the end. Nothing here blocks a thread.
 */
public final class DomainProber {
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Function<SessionRequest, CompletableFuture<SessionResult>> sessions;
    private final MtaStsFetcher mtaSts;
    private final Politeness politeness;
    private final Function<Path, TrustEvaluator> anchorFiles;

    /**
     * A prober that cannot fetch MTA-STS policies (it has no event loop to do it on): the policy is reported as
     * not fetched.
     *
     * @param sessions runs one SMTP session and always completes with its result (the engine's
     *        {@code SmtpProber::session}); a future that fails is recorded as an INTERNAL_ERROR session
     */
    public DomainProber(Function<SessionRequest, CompletableFuture<SessionResult>> sessions) {
        this(sessions, null);
    }

    /** @param group the event loop group the MTA-STS policy is fetched on (the engine's own) */
    public DomainProber(Function<SessionRequest, CompletableFuture<SessionResult>> sessions, EventLoopGroup group) {
        this(sessions, group, Politeness.NONE);
    }

    /**
     * @param politeness gates every session before it dials and may share MX plans between probes (a batch's
     *        dispatcher); {@link Politeness#NONE} for a probe on its own
     */
    public DomainProber(Function<SessionRequest, CompletableFuture<SessionResult>> sessions, EventLoopGroup group,
            Politeness politeness) {
        this(sessions, group, politeness, TrustEvaluator::fromPemFile);
    }

    /**
     * @param anchorFiles the trust anchors of a {@code caFile}: the engine's reads each file once, where reading it
     *        for every probe cost a batch a certificate parse per target
     */
    public DomainProber(Function<SessionRequest, CompletableFuture<SessionResult>> sessions, EventLoopGroup group,
            Politeness politeness, Function<Path, TrustEvaluator> anchorFiles) {
        this.sessions = Objects.requireNonNull(sessions);
        this.mtaSts = new MtaStsFetcher(group);
        this.politeness = Objects.requireNonNull(politeness);
        this.anchorFiles = Objects.requireNonNull(anchorFiles);
    }

    public CompletableFuture<ProbeResult> probe(ProbeRequest request) {
        return probe(request, ProbeEventListener.NONE);
    }

    /** Always completes normally with a result, however much of the probe failed. */
    public CompletableFuture<ProbeResult> probe(ProbeRequest request, ProbeEventListener listener) {
        // plus() wraps the listener so that one that throws never fails the probe.
        ProbeEventListener events = ProbeEventListener.NONE.plus(listener);
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        events.probeStart(request.target());
        CompletableFuture<ProbeResult> result;
        try {
            result = run(request, events, startedAt, start).thenCompose(r -> smugglingTest(request, r));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((r, error) -> {
            ProbeResult out = r != null ? r : new ProbeResult(request.target(), startedAt,
                    Duration.ofNanos(System.nanoTime() - start), Optional.empty(), List.of(), List.of(
                            new PostureCheck("internal", request.target().domain(), PostureCheck.Status.ERROR,
                                    "The probe failed unexpectedly: " + rootMessage(error), List.of(), "")),
                    request.allMx());
            // The probe's own credential never leaves in what a server echoed back (stored replies, transcripts).
            out = SecretScrubber.of(request.session().credential()).scrub(out);
            events.probeEnd(request.target(), out);
            return out;
        });
    }

    private CompletableFuture<ProbeResult> run(ProbeRequest request, ProbeEventListener events, Instant startedAt,
            long start) {
        ProbeTarget target = request.target();
        TransportSecurityOptions security = request.transportSecurity();
        // Built only when a name must be resolved: a server given as an IP literal never loads dnsjava (cold start).
        Supplier<DnsClient> dnsClient = () -> DnsClient.builder().resolvers(request.resolvers())
                .timeout(request.dnsTimeout()).retries(request.dnsRetries())
                .dnssec(security.dnssec(), security.trustAnchorFile()).build();
        // Trust anchors are read here, on the caller's thread: the judging at the end runs wherever the probe ends.
        TrustEvaluator anchors = request.session().caFile().map(anchorFiles)
                .orElseGet(TrustEvaluator::jdkDefault);
        Random random = request.shuffleSeed().isPresent() ? new Random(request.shuffleSeed().getAsLong()) : new Random();
        int port = target.port();

        Optional<InetAddress> addressLiteral = target.kind() == ProbeTarget.Kind.ADDRESS
                ? ipLiteral(target.domain()) : Optional.empty();
        if (addressLiteral.isPresent()) {
            // alice@[192.0.2.1] (RFC 5321 section 4.1.3): the literal names the host to dial; there is no domain
            // whose MX or posture could be asked.
            MxHost h = new MxHost(0, target.domain(), List.of(addressLiteral.get()), Optional.<DnsFailure>empty(),
                    List.<String>of());
            return walk(request, List.of(h), port).thenApply(done -> new ProbeResult(target, startedAt,
                    Duration.ofNanos(System.nanoTime() - start), Optional.empty(), done, List.of(), request.allMx()));
        }
        if (target.kind() == ProbeTarget.Kind.SERVER) {
            Optional<InetAddress> literal = ipLiteral(target.domain());
            List<InetAddress> fromHostsFile = literal.isPresent() ? List.of()
                    : HostsFile.lookup(target.domain(), request.addressFamily());
            CompletableFuture<MxHost> host;
            if (literal.isPresent()) {
                host = CompletableFuture.completedFuture(new MxHost(0, Addresses.text(literal.get()),
                        List.of(literal.get()), Optional.<DnsFailure>empty(), List.<String>of()));
            } else if (!fromHostsFile.isEmpty()) {
                // A server the user names is found the way the system finds it: the hosts file first
                // ("localhost", internal relays), then DNS. MX targets never consult the hosts file.
                host = CompletableFuture.completedFuture(new MxHost(0, target.domain(), fromHostsFile,
                        Optional.<DnsFailure>empty(), List.<String>of()));
            } else {
                host = new MxResolver(dnsClient.get(), random, events).resolveHost(0, target.domain(),
                        request.addressFamily());
            }
            // A server named directly has no posture, but the user's own sending address can still be checked
            // (and only then is a DNS client made: a probe of an IP literal loads no DNS code at all).
            CompletableFuture<List<PostureCheck>> sender = request.blocklists().sendingAddress().isEmpty()
                    ? CompletableFuture.completedFuture(List.of())
                    : new BlocklistChecker(dnsClient.get()).senderChecks(request.blocklists());
            return host.thenCompose(h -> {
                // A SERVER target has no MX plan; when its name does not resolve, the failure is reported as a
                // FAILED plan so that it is not lost.
                Optional<MxPlan> plan = h.addresses().isEmpty()
                        ? Optional.of(new MxPlan(target.domain(), MxPlan.Kind.FAILED, List.of(h), h.addressFailure()))
                        : Optional.empty();
                return walk(request, List.of(h), port).thenCombine(sender, (done, checks) -> new ProbeResult(target,
                        startedAt, Duration.ofNanos(System.nanoTime() - start), plan, done, checks, request.allMx(),
                        transport(request, done, Optional.empty(), List.of(), Optional.empty(), anchors, startedAt)));
            });
        }

        DnsClient dns = dnsClient.get();
        BlocklistChecker blocklists = new BlocklistChecker(dns);
        MxResolver mx = new MxResolver(dns, random, events);
        PostureChecker posture = new PostureChecker(dns);
        TlsaResolver tlsa = new TlsaResolver(dns);
        CompletableFuture<List<PostureCheck>> domainChecks = request.posture()
                ? posture.domainChecks(target.domain()) : CompletableFuture.completedFuture(List.of());
        CompletableFuture<Optional<DnssecResult>> mxDnssec = request.posture()
                ? tlsa.mxDnssec(target.domain()).thenApply(Optional::of)
                : CompletableFuture.completedFuture(Optional.empty());
        CompletableFuture<Optional<MtaStsResult>> mtaSts = request.posture()
                ? mtaStsPolicy(request, dns, anchors) : CompletableFuture.completedFuture(Optional.empty());
        String planKey = normalise(target.domain()) + "|" + request.addressFamily() + "|" + request.resolvers();
        return politeness.mxPlan(planKey, () -> mx.resolve(target.domain(), request.addressFamily())).thenCompose(plan -> {
            boolean deliverable = plan.kind() == MxPlan.Kind.MX || plan.kind() == MxPlan.Kind.IMPLICIT;
            boolean hostPosture = request.posture() && deliverable;
            CompletableFuture<List<TlsaLookup>> tlsaLookups = hostPosture
                    ? tlsa.lookupAll(plan.hosts(), port) : CompletableFuture.completedFuture(List.of());
            CompletableFuture<List<PostureCheck>> hostChecks = hostPosture
                    ? tlsaLookups.thenCombine(posture.ptrChecks(plan.hosts()), (t, ptr) -> concat(
                            t.stream().map(PostureChecker::tlsaCheck).toList(), ptr))
                            .thenCombine(blocklists.mxChecks(plan.hosts(), request.blocklists()), DomainProber::concat)
                    : CompletableFuture.completedFuture(List.of());
            CompletableFuture<List<PostureCheck>> sender = blocklists.senderChecks(request.blocklists());
            CompletableFuture<List<SessionResult>> walked = deliverable
                    ? walk(request, plan.hosts(), port) : CompletableFuture.completedFuture(List.of());
            CompletableFuture<List<PostureCheck>> checks = domainChecks.thenCombine(hostChecks, DomainProber::concat);
            return CompletableFuture.allOf(walked, checks, sender, mxDnssec, mtaSts, tlsaLookups).thenApply(v -> {
                List<SessionResult> done = walked.join();
                // A domain that does not exist has no posture to speak of: its missing SPF or DMARC is noise. Nor
                // does one no resolver would answer for: every check failed for that same local reason.
                boolean nxdomain = plan.failure().map(f -> f.kind() == DnsFailure.Kind.NXDOMAIN
                        || f.kind() == DnsFailure.Kind.RESOLVER_UNREACHABLE || f.kind() == DnsFailure.Kind.REFUSED)
                        .orElse(false);
                List<PostureCheck> all = new ArrayList<>(nxdomain ? List.of() : checks.join());
                if (request.posture()) {
                    all.addAll(heloNameChecks(done, checks.join()));
                    mtaSts.join().flatMap(MtaStsChecks::policyCheck).ifPresent(all::add);
                }
                all.addAll(sender.join());
                return new ProbeResult(target, startedAt, Duration.ofNanos(System.nanoTime() - start),
                        Optional.of(plan), done, all, request.allMx(), transport(request, done, mxDnssec.join(),
                                tlsaLookups.join(), nxdomain ? Optional.empty() : mtaSts.join(), anchors, startedAt));
            });
        });
    }

    /**
     * The SMTP smuggling test, when asked: one session per sequence, one after another, against the address that
     * accepted the test message (a separate session each, so a server confused by one sequence cannot colour the
     * next). When no server accepted it, each sequence is reported as not run, with the reason.
     */
    private CompletableFuture<ProbeResult> smugglingTest(ProbeRequest request, ProbeResult result) {
        if (request.smugglingTest().isEmpty() || result.sessions().isEmpty()) {
            return CompletableFuture.completedFuture(result);
        }
        Optional<SessionResult> accepter = result.sessions().stream()
                .filter(s -> s.succeeded() && s.delivery().isPresent()).findFirst();
        if (accepter.isEmpty()) {
            SessionResult last = result.sessions().get(result.sessions().size() - 1);
            String why = "not run: no server accepted the test message"
                    + last.failure().map(f -> " (" + f.message() + ")").orElse("");
            List<SessionResult> notRun = new ArrayList<>();
            for (SmugglingSequence sequence : request.smugglingTest()) {
                SessionRequest r = smugglingRequest(last.request(), sequence);
                notRun.add(SessionResult.notStarted(r, last.failure().map(SessionFailure::status)
                        .orElse(ProbeStatus.REJECTED), last.failure().map(SessionFailure::phase)
                        .orElse(SmtpPhase.MESSAGE), why, System.nanoTime())
                        .withSmuggling(SmugglingResult.notRun(sequence, why)));
            }
            return CompletableFuture.completedFuture(result.withSmuggling(notRun));
        }
        SessionRequest base = accepter.get().request();
        CompletableFuture<List<SessionResult>> all = CompletableFuture.completedFuture(List.of());
        for (SmugglingSequence sequence : request.smugglingTest()) {
            all = all.thenCompose(done -> runSession(request.target().domain(), smugglingRequest(base, sequence))
                    .thenApply(one -> {
                        List<SessionResult> next = new ArrayList<>(done);
                        next.add(one.smuggling().isPresent() ? one : one.withSmuggling(SmugglingResult.notRun(
                                sequence, "not run: " + one.failure().map(SessionFailure::message).orElse("no result"))));
                        return next;
                    }));
        }
        return all.thenApply(result::withSmuggling);
    }

    private static SessionRequest smugglingRequest(SessionRequest base, SmugglingSequence sequence) {
        return base.toBuilder().smuggling(sequence).build();
    }

    /** The strict senders' verdicts for every session, and what DNS told them. */
    private static TransportSecurity transport(ProbeRequest request, List<SessionResult> sessions,
            Optional<DnssecResult> mxDnssec, List<TlsaLookup> tlsa, Optional<MtaStsResult> mtaSts,
            TrustEvaluator anchors, Instant now) {
        List<HostTransport> hosts = new ArrayList<>();
        for (SessionResult s : sessions) {
            Optional<TlsaLookup> lookup = tlsa.stream().filter(t -> t.host().equalsIgnoreCase(s.hostName()))
                    .findFirst();
            hosts.add(TransportJudge.judge(s, request.target().domain(), mxDnssec, lookup, mtaSts, anchors, now));
        }
        TransportSecurityOptions o = request.transportSecurity();
        return new TransportSecurity(o.dnssec(), mxDnssec, tlsa, mtaSts, hosts, o.certWarnDays(), o.certCritDays());
    }

    /**
     * The MTA-STS policy as a sender finds it: the {@code _mta-sts} TXT record first (RFC 8461 §3.1), then, when
     * it announces a policy, the HTTPS fetch, with {@code mta-sts.DOMAIN} resolved through the probe's resolvers.
     */
    private CompletableFuture<Optional<MtaStsResult>> mtaStsPolicy(ProbeRequest request, DnsClient dns,
            TrustEvaluator anchors) {
        String domain = normalise(request.target().domain());
        TransportSecurityOptions o = request.transportSecurity();
        return dns.txt("_mta-sts." + domain).thenCompose(txt -> {
            Optional<String> id = PostureChecker.mtaStsRecordId(txt.records());
            if (id.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.of(new MtaStsResult(domain,
                        "https://mta-sts." + domain + MtaStsFetcher.PATH, Optional.empty(),
                        MtaStsResult.Fetch.NOT_ANNOUNCED, Optional.empty(), Optional.empty(), List.of(),
                        Duration.ZERO)));
            }
            return mtaSts.fetch(domain, id, host -> addressesOf(dns, host), anchors, o.mtaStsTimeout(),
                    o.mtaStsPolicyPortForTesting().orElse(443)).thenApply(Optional::of);
        });
    }

    /** A, else AAAA records of a host, through the probe's DNS client. */
    private static CompletableFuture<List<InetAddress>> addressesOf(DnsClient dns, String host) {
        return dns.addresses(host, false).thenCompose(a -> !a.records().isEmpty()
                ? CompletableFuture.completedFuture(a.records())
                : dns.addresses(host, true).thenApply(DnsAnswer::records));
    }

    /** Tries each address of each host in order; stops at the first that answers, unless allMx. */
    private CompletableFuture<List<SessionResult>> walk(ProbeRequest request, List<MxHost> hosts, int port) {
        List<SessionRequest> attempts = new ArrayList<>();
        for (MxHost h : hosts) {
            for (InetAddress a : h.addresses()) {
                attempts.add(request.sessionRequest(h.name(), new InetSocketAddress(a, port)));
            }
        }
        return step(request.target().domain(), attempts, 0, new ArrayList<>(), request.allMx());
    }

    private CompletableFuture<List<SessionResult>> step(String domain,
            List<SessionRequest> attempts, int index, List<SessionResult> done, boolean allMx) {
        if (index >= attempts.size()) {
            return CompletableFuture.completedFuture(List.copyOf(done));
        }
        SessionRequest attempt = attempts.get(index);
        return runSession(domain, attempt).thenCompose(result -> {
            done.add(result);
            if (allMx || shouldFailOver(result)) {
                return step(domain, attempts, index + 1, done, allMx);
            }
            return CompletableFuture.completedFuture(List.copyOf(done));
        });
    }

    private CompletableFuture<SessionResult> runSession(String domain, SessionRequest request) {
        long start = System.nanoTime();
        return politeness.beforeSession(domain, request).thenCompose(release -> {
            CompletableFuture<SessionResult> f;
            try {
                f = Objects.requireNonNull(sessions.apply(request), "session runner returned null");
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            return f.handle((r, error) -> {
                release.run();
                return r != null ? r : internalError(request, error, start);
            });
        });
    }

    /**
     * True when a sending MTA would move on to the next address: the server could not be reached or did not
     * greet (refused, unreachable, connect or banner timeout), or greeted with 421 (service not available).
     */
    public static boolean shouldFailOver(SessionResult result) {
        if (result.failure().isEmpty()) {
            return false;
        }
        SessionFailure f = result.failure().get();
        return switch (f.status()) {
            case CONNECTION_REFUSED, UNREACHABLE, CONNECT_TIMEOUT -> true;
            case TIMEOUT -> f.phase() == SmtpPhase.CONNECT || f.phase() == SmtpPhase.BANNER;
            case REJECTED -> f.phase() == SmtpPhase.BANNER && f.reply().map(r -> r.code() == 421).orElse(false);
            default -> false;
        };
    }

    /**
     * Compares each server's greeting and EHLO names with the PTR names of its address (from the "ptr" checks):
     * receivers and reputation systems expect them to agree (RFC 5321 §4.1.4 forbids rejecting on a mismatch alone,
     * so a mismatch is a warning).
     */
    static List<PostureCheck> heloNameChecks(List<SessionResult> sessions, List<PostureCheck> checks) {
        List<PostureCheck> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (SessionResult s : sessions) {
            String address = s.address().getAddress() != null ? Addresses.text(s.address().getAddress())
                    : s.address().getHostString();
            Optional<String> bannerName = s.steps().stream()
                    .filter(st -> st.phase() == SmtpPhase.BANNER)
                    .map(st -> st.reply())
                    .flatMap(Optional::stream)
                    .filter(r -> r.code() == 220)
                    .findFirst()
                    .flatMap(DomainProber::greetingName);
            String ehloName = normalise(s.capabilities().serverName());
            if (bannerName.isEmpty() && ehloName.isEmpty()) {
                continue;
            }
            if (!seen.add(address)) {
                continue;
            }
            Optional<PostureCheck> ptr = checks.stream()
                    .filter(c -> c.id().equals("ptr") && c.subject().equals(address))
                    .findFirst();
            List<String> names = new ArrayList<>();
            bannerName.ifPresent(n -> names.add("banner: " + n));
            if (!ehloName.isEmpty()) {
                names.add("EHLO: " + ehloName);
            }
            if (ptr.isEmpty() || ptr.get().records().isEmpty()) {
                out.add(new PostureCheck("helo-name", address, PostureCheck.Status.INFO,
                        "The server calls itself " + String.join(", ", names) + "; there is no PTR name to compare.",
                        names, ""));
                continue;
            }
            Set<String> ptrNames = new LinkedHashSet<>();
            ptr.get().records().forEach(n -> ptrNames.add(normalise(n)));
            boolean bannerMatches = bannerName.map(ptrNames::contains).orElse(true);
            boolean ehloMatches = ehloName.isEmpty() || ptrNames.contains(ehloName);
            if (bannerMatches && ehloMatches) {
                out.add(new PostureCheck("helo-name", address, PostureCheck.Status.PASS,
                        "The server's names (" + String.join(", ", names) + ") match the PTR of " + address + ".",
                        names, ""));
            } else {
                out.add(new PostureCheck("helo-name", address, PostureCheck.Status.WARN,
                        "The server's names (" + String.join(", ", names) + ") differ from the PTR of " + address
                                + " (" + String.join(", ", ptrNames) + "); some receivers score that as suspicious.",
                        names, "Make the greeting and EHLO host name the address's PTR name (and give that name an "
                                + "A/AAAA record pointing back)."));
            }
        }
        return out;
    }

    /** The host name a greeting starts with ("220 mx.example.com ESMTP ..."), when it looks like one. */
    private static Optional<String> greetingName(SmtpReply banner) {
        if (banner.lines().isEmpty()) {
            return Optional.empty();
        }
        String first = banner.lines().get(0).trim();
        if (first.isEmpty()) {
            return Optional.empty();
        }
        String token = first.split("\\s+", 2)[0];
        String n = normalise(token);
        return n.contains(".") || n.startsWith("[") ? Optional.of(n) : Optional.empty();
    }

    private static String normalise(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** An IP literal in the forms users type: 192.0.2.1, [192.0.2.1], 2001:db8::1, [IPv6:2001:db8::1]. */
    static Optional<InetAddress> ipLiteral(String host) {
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.regionMatches(true, 0, "IPv6:", 0, 5)) {
            h = h.substring(5);
        }
        if (!IPV4_LITERAL.matcher(h).matches() && !(h.indexOf(':') >= 0 && h.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?"))) {
            return Optional.empty();
        }
        try {
            // Only literals reach this point, so no name lookup happens here.
            return Optional.of(InetAddress.getByName(h));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static SessionResult internalError(SessionRequest request, Throwable error, long start) {
        String message = "the session runner failed: " + rootMessage(error);
        return SessionResult.notStarted(request, ProbeStatus.INTERNAL_ERROR, SmtpPhase.CONNECT, message, start);
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t != null && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return ErrorText.describe(t);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
