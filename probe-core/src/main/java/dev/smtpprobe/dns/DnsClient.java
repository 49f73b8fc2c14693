package dev.smtpprobe.dns;

import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.DnssecResult;
import dev.smtpprobe.model.TlsaRecord;
import dev.smtpprobe.model.TransportSecurityOptions;
import dev.smtpprobe.model.ErrorText;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Asynchronous DNS questions over dnsjava's {@code Resolver.sendAsync}, with the resolvers, timeout and retries
 * given at build time. No dnsjava type leaves this class.
 *
 * <p>Why not {@code LookupSession}: it cannot report the DNSSEC AD bit, and it turns NODATA into an empty answer
 * the first time and an exception when the negative answer comes from its cache. Raw messages let every answer
 * carry its rcode and AD bit, and let one method map every failure to a {@link DnsFailure}.
 *
 * <p>Every query carries EDNS0 with the DO bit so that a validating resolver reports AD. A UDP answer with TC set is
 * retried over TCP by dnsjava's {@link SimpleResolver}. Futures complete on dnsjava's threads; callers compose them
 * and never block.
 */
public final class DnsClient {

    /** An MX record: {@code exchange} is "." for a null MX. */
    public record Mx(int preference, String exchange) {
    }

    private static final int MAX_ALIAS_HOPS = 8;

    private final List<InetSocketAddress> servers;
    private final List<SimpleResolver> resolvers;
    private final Duration timeout;
    private final int retries;
    /** Resolvers of their own for the validator, whose EDNS settings it changes. */
    private final List<SimpleResolver> validationResolvers;
    private final DnssecValidator dnssec;

    private DnsClient(Builder b) {
        this.servers = List.copyOf(b.servers.isEmpty() ? systemServers() : b.servers);
        if (servers.isEmpty()) {
            throw new IllegalStateException("no DNS resolver configured and none found in the system configuration");
        }
        this.timeout = b.timeout;
        this.retries = b.retries;
        List<SimpleResolver> rs = new ArrayList<>();
        for (InetSocketAddress server : servers) {
            SimpleResolver r = new SimpleResolver(server);
            r.setTimeout(timeout);
            r.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
            rs.add(r);
        }
        this.resolvers = List.copyOf(rs);
        List<SimpleResolver> vs = new ArrayList<>();
        for (InetSocketAddress server : servers) {
            SimpleResolver r = new SimpleResolver(server);
            r.setTimeout(timeout);
            vs.add(r);
        }
        this.validationResolvers = List.copyOf(vs);
        this.dnssec = DnssecValidator.create(b.dnssecMode, new ValidatorHead(), b.trustAnchorFile);
    }

    /**
     * Null when {@code file} holds usable DS or DNSKEY trust anchors, else why not (for a one-line usage error
     * before any lookup).
     */
    public static Optional<String> trustAnchorProblem(Path file) {
        return DnssecValidator.checkTrustAnchorFile(file);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The system's resolvers (resolv.conf and the like, as dnsjava's ResolverConfig reads them). */
    public static List<InetSocketAddress> systemServers() {
        return ResolverConfig.getCurrentConfig().servers();
    }

    /** Parses "host", "host:port", "[v6]:port" or "v6" into a resolver address (port 53 by default). */
    public static InetSocketAddress parseResolver(String spec) {
        String s = spec.trim();
        String host = s;
        int port = 53;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("bad resolver address: " + spec);
            }
            host = s.substring(1, close);
            if (s.length() > close + 1) {
                if (s.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("bad resolver address: " + spec);
                }
                port = parsePort(s.substring(close + 2), spec);
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            port = parsePort(s.substring(s.indexOf(':') + 1), spec);
        }
        try {
            // Resolver addresses are IP literals or names from the hosts file; a resolver found through DNS
            // would be circular, so getByName is acceptable here (it does not query DNS for a literal).
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad resolver address: " + spec, e);
        }
    }

    private static int parsePort(String p, String spec) {
        try {
            int port = Integer.parseInt(p);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("resolver port out of range: " + spec);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad resolver port: " + spec, e);
        }
    }

    public List<InetSocketAddress> servers() {
        return servers;
    }

    public Duration timeout() {
        return timeout;
    }

    public int retries() {
        return retries;
    }

    public CompletableFuture<DnsAnswer<Mx>> mx(String name) {
        return query(name, Type.MX, DnsClient::mxOf, false);
    }

    /** A or AAAA records of {@code name}, by {@code ipv6}. */
    public CompletableFuture<DnsAnswer<InetAddress>> addresses(String name, boolean ipv6) {
        return ipv6
                ? query(name, Type.AAAA, r -> ((AAAARecord) r).getAddress(), false)
                : query(name, Type.A, r -> ((ARecord) r).getAddress(), false);
    }

    /** TXT records, each one's strings joined without separators (RFC 7208 §3.3, RFC 8461 §3.1). */
    public CompletableFuture<DnsAnswer<String>> txt(String name) {
        return query(name, Type.TXT, r -> String.join("", ((TXTRecord) r).getStrings()), false);
    }

    public CompletableFuture<DnsAnswer<TlsaRecord>> tlsa(String name) {
        return query(name, Type.TLSA, DnsClient::tlsaOf, false);
    }

    /** TLSA records with the DNSSEC status of the answer (validated as the builder's DNSSEC mode says). */
    public CompletableFuture<DnsAnswer<TlsaRecord>> validatedTlsa(String name) {
        return query(name, Type.TLSA, DnsClient::tlsaOf, true);
    }

    /** MX records with the DNSSEC status of the answer. */
    public CompletableFuture<DnsAnswer<Mx>> validatedMx(String name) {
        return query(name, Type.MX, DnsClient::mxOf, true);
    }

    /** A or AAAA records with the DNSSEC status of the answer (and of every CNAME on the way). */
    public CompletableFuture<DnsAnswer<InetAddress>> validatedAddresses(String name, boolean ipv6) {
        return ipv6
                ? query(name, Type.AAAA, r -> ((AAAARecord) r).getAddress(), true)
                : query(name, Type.A, r -> ((ARecord) r).getAddress(), true);
    }

    private static TlsaRecord tlsaOf(org.xbill.DNS.Record r) {
        TLSARecord t = (TLSARecord) r;
        return new TlsaRecord(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(),
                HexFormat.of().formatHex(t.getCertificateAssociationData()));
    }

    private static Mx mxOf(org.xbill.DNS.Record r) {
        MXRecord mx = (MXRecord) r;
        return new Mx(mx.getPriority(), display(mx.getTarget()));
    }

    /** PTR records of an address (its in-addr.arpa or ip6.arpa name). */
    public CompletableFuture<DnsAnswer<String>> ptr(InetAddress address) {
        return query(display(ReverseMap.fromAddress(address)), Type.PTR, r -> display(((PTRRecord) r).getTarget()),
                false);
    }

    private <T> CompletableFuture<DnsAnswer<T>> query(String name, int type, Function<org.xbill.DNS.Record, T> convert,
            boolean validate) {
        long start = System.nanoTime();
        String typeName = Type.string(type);
        Name qname;
        try {
            qname = toName(name);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new DnsAnswer<>(name, typeName, List.of(), List.of(), false,
                    Optional.of(new DnsFailure(DnsFailure.Kind.OTHER, name, typeName, e.getMessage())),
                    Duration.ofNanos(System.nanoTime() - start)));
        }
        return chase(qname, qname, type, convert, new ArrayList<>(), start, validate,
                validate ? null : DnssecResult.NOT_VALIDATED);
    }

    /** Asks for {@code current} and follows CNAMEs, re-asking when the server left the chain unfinished. */
    /**
     * @param soFar the DNSSEC status of the hops asked before this one (null before the first validated hop)
     */
    private <T> CompletableFuture<DnsAnswer<T>> chase(
            Name original, Name current, int type, Function<org.xbill.DNS.Record, T> convert, List<String> aliases,
            long start, boolean validate, DnssecResult soFar) {
        String name = display(original);
        String typeName = Type.string(type);
        CompletableFuture<DnssecValidator.Exchange> sent = validate
                ? dnssec.send(newQuery(current, type), q -> sendMessage(q, 0, 0, resolvers, null))
                : send(current, type, 0, 0).thenApply(m -> new DnssecValidator.Exchange(m, DnssecResult.NOT_VALIDATED));
        return sent.handle((exchange, error) -> {
            if (error != null) {
                DnsFailure f = failureOf(unwrap(error), name, typeName);
                DnssecResult lost = new DnssecResult(DnssecResult.Status.INDETERMINATE, "no answer: " + f.message());
                return CompletableFuture.completedFuture(new DnsAnswer<T>(name, typeName, List.of(), aliases, false,
                        Optional.of(f), elapsedSince(start), validate ? lost : DnssecResult.NOT_VALIDATED));
            }
            Message response = exchange.response();
            DnssecResult status = soFar == null ? exchange.dnssec() : soFar.worse(exchange.dnssec());
            boolean ad = response.getHeader().getFlag(Flags.AD);
            int rcode = response.getRcode();
            // Only records on the alias chain that starts at the name asked are accepted: anything else in the
            // answer section is ignored, as dnsjava's own normalisation does since CVE-2024-25638.
            Name at = current;
            List<org.xbill.DNS.Record> answer = response.getSection(Section.ANSWER);
            for (int hop = 0; hop <= MAX_ALIAS_HOPS; hop++) {
                Name here = at;
                List<T> found = new ArrayList<>();
                for (org.xbill.DNS.Record r : answer) {
                    if (r.getName().equals(here) && r.getType() == type) {
                        found.add(convert.apply(r));
                    }
                }
                if (!found.isEmpty()) {
                    return CompletableFuture.completedFuture(new DnsAnswer<>(name, typeName, found, aliases, ad,
                            Optional.<DnsFailure>empty(), elapsedSince(start), status));
                }
                Optional<org.xbill.DNS.Record> cname = answer.stream()
                        .filter(r -> r.getName().equals(here) && r.getType() == Type.CNAME)
                        .findFirst();
                if (cname.isEmpty()) {
                    break;
                }
                at = ((CNAMERecord) cname.get()).getTarget();
                aliases.add(display(at));
            }
            if (aliases.size() > MAX_ALIAS_HOPS) {
                return CompletableFuture.completedFuture(new DnsAnswer<T>(name, typeName, List.of(), aliases, ad,
                        Optional.of(new DnsFailure(DnsFailure.Kind.OTHER, name, typeName,
                                "CNAME chain longer than " + MAX_ALIAS_HOPS + " links")),
                        elapsedSince(start), status));
            }
            if (!at.equals(current) && rcode == Rcode.NOERROR && !hasNegativeProof(response)) {
                // The chain leads out of what this answer covers: ask for the alias target.
                return chase(original, at, type, convert, aliases, start, validate, validate ? status : soFar);
            }
            if (rcode == Rcode.NOERROR) {
                return CompletableFuture.completedFuture(new DnsAnswer<T>(name, typeName, List.of(), aliases, ad,
                        Optional.<DnsFailure>empty(), elapsedSince(start), status));
            }
            DnsFailure f = status.status() == DnssecResult.Status.BOGUS
                    ? new DnsFailure(DnsFailure.Kind.SERVFAIL, name, typeName,
                            "DNSSEC validation of " + typeName + " " + name + " failed (bogus): " + status.reason())
                    : failureOfRcode(rcode, name, typeName, aliases);
            return CompletableFuture.completedFuture(new DnsAnswer<T>(name, typeName, List.of(), aliases, ad,
                    Optional.of(f), elapsedSince(start), status));
        }).thenCompose(Function.identity());
    }

    private static boolean hasNegativeProof(Message response) {
        return response.getSection(Section.AUTHORITY).stream().anyMatch(r -> r.getType() == Type.SOA);
    }

    /**
     * One question, tried {@code retries + 1} times in all, cycling through the resolvers. A timeout or network
     * error moves to the next attempt; so does SERVFAIL or REFUSED when another resolver is left to ask.
     */
    private CompletableFuture<Message> send(Name qname, int type, int attempt, int resolverIndex) {
        return sendMessage(newQuery(qname, type), attempt, resolverIndex, resolvers, null);
    }

    private static Message newQuery(Name qname, int type) {
        return Message.newQuery(org.xbill.DNS.Record.newRecord(qname, type, DClass.IN));
    }

    /** {@code answered} is the last answer a resolver did give (SERVFAIL, REFUSED), if any. */
    private CompletableFuture<Message> sendMessage(Message query, int attempt, int resolverIndex,
            List<SimpleResolver> resolvers, Message answered) {
        SimpleResolver resolver = resolvers.get(resolverIndex % resolvers.size());
        CompletableFuture<Message> sent;
        try {
            sent = resolver.sendAsync(query).toCompletableFuture();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((response, error) -> {
            boolean more = attempt < retries;
            if (error != null) {
                if (more) {
                    return sendMessage(query, attempt + 1, resolverIndex + 1, resolvers, answered);
                }
                // A resolver that did answer (SERVFAIL, REFUSED) outranks a later one that could not be reached: the
                // failure is then about the name, not about this machine's resolvers.
                return answered != null ? CompletableFuture.completedFuture(answered)
                        : CompletableFuture.<Message>failedFuture(error);
            }
            int rcode = response.getRcode();
            if ((rcode == Rcode.SERVFAIL || rcode == Rcode.REFUSED) && more && resolvers.size() > 1) {
                return sendMessage(query, attempt + 1, resolverIndex + 1, resolvers, response);
            }
            return CompletableFuture.completedFuture(response);
        }).thenCompose(Function.identity());
    }

    /** The one place where dnsjava's exceptions become {@link DnsFailure}s. */
    static DnsFailure failureOf(Throwable error, String name, String type) {
        if (error instanceof SocketTimeoutException || error instanceof TimeoutException) {
            return new DnsFailure(DnsFailure.Kind.TIMEOUT, name, type,
                    "no answer to " + type + " " + name + " in time (after retries)");
        }
        if (error instanceof PortUnreachableException || error instanceof ConnectException
                || error instanceof NoRouteToHostException) {
            // The resolver itself could not be reached: nothing is known about the name asked.
            return new DnsFailure(DnsFailure.Kind.RESOLVER_UNREACHABLE, name, type,
                    "no resolver could be reached to ask " + type + " " + name + " ("
                            + (error instanceof PortUnreachableException ? "nothing listens on the resolver's port"
                            : error instanceof ConnectException ? "the resolver refused the connection"
                            : "no route to the resolver") + ")");
        }
        if (error instanceof IOException) {
            return new DnsFailure(DnsFailure.Kind.OTHER, name, type,
                    type + " " + name + " failed: " + ErrorText.describe(error));
        }
        return new DnsFailure(DnsFailure.Kind.OTHER, name, type,
                type + " " + name + " failed: " + ErrorText.describe(error));
    }

    private static DnsFailure failureOfRcode(int rcode, String name, String type, List<String> aliases) {
        String via = aliases.isEmpty() ? "" : " (via " + String.join(" -> ", aliases) + ")";
        return switch (rcode) {
            case Rcode.NXDOMAIN -> new DnsFailure(DnsFailure.Kind.NXDOMAIN, name, type,
                    name + " does not exist (NXDOMAIN)" + via);
            case Rcode.SERVFAIL -> new DnsFailure(DnsFailure.Kind.SERVFAIL, name, type,
                    "the resolver failed to answer " + type + " " + name + " (SERVFAIL)" + via);
            case Rcode.REFUSED -> new DnsFailure(DnsFailure.Kind.REFUSED, name, type,
                    "the resolver refused to answer " + type + " " + name + " (REFUSED)" + via);
            default -> new DnsFailure(DnsFailure.Kind.OTHER, name, type,
                    type + " " + name + " answered " + Rcode.string(rcode) + via);
        };
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static Duration elapsedSince(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    static Name toName(String name) {
        String n = name.trim();
        if (n.isEmpty() || n.indexOf('\r') >= 0 || n.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("not a DNS name: '" + name + "'");
        }
        try {
            return Name.fromString(n.endsWith(".") ? n : n + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Lower case, no trailing dot; the root stays ".". */
    static String display(Name n) {
        String s = n.toString().toLowerCase(Locale.ROOT);
        return s.length() > 1 && s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * The validator's view of the resolvers: its questions (DS, DNSKEY and the answers it checks) get the same
     * resolvers, timeout and retries as every other lookup.
     */
    private final class ValidatorHead implements org.xbill.DNS.Resolver {
        @Override
        public void setPort(int port) {
            validationResolvers.forEach(r -> r.setPort(port));
        }

        @Override
        public void setTCP(boolean flag) {
            validationResolvers.forEach(r -> r.setTCP(flag));
        }

        @Override
        public void setIgnoreTruncation(boolean flag) {
            validationResolvers.forEach(r -> r.setIgnoreTruncation(flag));
        }

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<org.xbill.DNS.EDNSOption> options) {
            validationResolvers.forEach(r -> r.setEDNS(version, payloadSize, flags, options));
        }

        @Override
        public void setTSIGKey(org.xbill.DNS.TSIG key) {
            validationResolvers.forEach(r -> r.setTSIGKey(key));
        }

        @Override
        public void setTimeout(Duration t) {
            // the client's own timeout stays in force
        }

        @Override
        public Duration getTimeout() {
            return timeout;
        }

        @Override
        public java.util.concurrent.CompletionStage<Message> sendAsync(Message query) {
            return sendMessage(query, 0, 0, validationResolvers, null);
        }

        @Override
        public java.util.concurrent.CompletionStage<Message> sendAsync(Message query,
                java.util.concurrent.Executor executor) {
            return sendAsync(query);
        }
    }

    public static final class Builder {
        private TransportSecurityOptions.DnssecMode dnssecMode = TransportSecurityOptions.DnssecMode.VALIDATE;
        private Optional<Path> trustAnchorFile = Optional.empty();
        private List<InetSocketAddress> servers = List.of();
        private Duration timeout = Duration.ofSeconds(5);
        private int retries = 2;

        private Builder() {
        }

        /** Resolvers to ask, in order; empty means the system's. */
        public Builder resolvers(List<InetSocketAddress> v) {
            this.servers = List.copyOf(v);
            return this;
        }

        public Builder resolver(InetSocketAddress v) {
            return resolvers(List.of(v));
        }

        /** Time limit for each attempt. */
        public Builder timeout(Duration v) {
            if (v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException("DNS timeout must be positive: " + v);
            }
            this.timeout = v;
            return this;
        }

        /** Attempts after the first one (0 = ask once). */
        public Builder retries(int v) {
            if (v < 0 || v > 10) {
                throw new IllegalArgumentException("DNS retries must be 0..10: " + v);
            }
            this.retries = v;
            return this;
        }

        /** How validated lookups judge DNSSEC (default: validate locally from the IANA root anchor). */
        public Builder dnssec(TransportSecurityOptions.DnssecMode mode, Optional<Path> trustAnchorFile) {
            this.dnssecMode = Objects.requireNonNull(mode);
            this.trustAnchorFile = Objects.requireNonNull(trustAnchorFile);
            return this;
        }

        public DnsClient build() {
            return new DnsClient(this);
        }
    }
}
