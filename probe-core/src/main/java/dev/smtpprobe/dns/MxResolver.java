package dev.smtpprobe.dns;

import dev.smtpprobe.model.AddressFamily;
import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.MxPlan;
import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.model.SmtpPhase;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Where mail for a domain goes (RFC 5321 §5.1, RFC 7505): MX records sorted by preference with equal preferences
 * shuffled, the implicit MX when there is no MX, the null MX, and each exchanger's addresses.
 *
 * <p>Listener callbacks: DNS_MX for the MX question, DNS_ADDRESS for every A/AAAA question. NODATA ends a lookup
 * with zero records; NXDOMAIN, SERVFAIL and timeouts are {@code dnsLookupFailed}.
 */
public final class MxResolver {
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final DnsClient dns;
    private final Random random;
    private final ProbeEventListener listener;

    /**
     * @param random shuffles exchangers of equal preference; seed it for repeatable order in tests
     */
    public MxResolver(DnsClient dns, Random random, ProbeEventListener listener) {
        this.dns = Objects.requireNonNull(dns);
        this.random = Objects.requireNonNull(random);
        this.listener = Objects.requireNonNull(listener);
    }

    public MxResolver(DnsClient dns) {
        this(dns, new Random(), ProbeEventListener.NONE);
    }

    public CompletableFuture<MxPlan> resolve(String domain, AddressFamily family) {
        String d = stripDot(domain);
        return observed(SmtpPhase.DNS_MX, d, "MX", () -> dns.mx(d)).thenCompose(answer -> {
            if (answer.failure().isPresent()) {
                return CompletableFuture.completedFuture(
                        new MxPlan(d, MxPlan.Kind.FAILED, List.of(), answer.failure()));
            }
            if (answer.records().isEmpty()) {
                return implicitMx(d, family);
            }
            List<DnsClient.Mx> nulls = answer.records().stream().filter(mx -> mx.exchange().equals(".")).toList();
            List<DnsClient.Mx> real = answer.records().stream().filter(mx -> !mx.exchange().equals(".")).toList();
            if (real.isEmpty()) {
                // RFC 7505: "MX 0 ." says the domain takes no mail. A non-zero preference on it is still a null MX
                // in effect (there is nowhere else to go), with a problem noted.
                List<MxHost> hosts = new ArrayList<>();
                if (nulls.size() > 1 || nulls.get(0).preference() != 0) {
                    hosts.add(new MxHost(nulls.get(0).preference(), ".", List.of(), Optional.empty(),
                            List.of("a null MX must be exactly one record \"MX 0 .\" (RFC 7505 §3); found "
                                    + describe(nulls))));
                }
                return CompletableFuture.completedFuture(new MxPlan(d, MxPlan.Kind.NULL_MX, hosts, Optional.empty()));
            }
            List<CompletableFuture<MxHost>> hosts = new ArrayList<>();
            for (DnsClient.Mx mx : ordered(real)) {
                hosts.add(resolveExchanger(mx.preference(), mx.exchange(), family));
            }
            if (!nulls.isEmpty()) {
                hosts.add(CompletableFuture.completedFuture(new MxHost(nulls.get(0).preference(), ".", List.of(),
                        Optional.empty(),
                        List.of("null MX \"0 .\" published next to other MX records; RFC 7505 §3 forbids mixing them"))));
            }
            return allOf(hosts).thenApply(list -> {
                if (list.stream().allMatch(h -> h.addresses().isEmpty())) {
                    // RFC 5321 §5.1: MX records exist but none is usable; that is an error, not an implicit MX.
                    return new MxPlan(d, MxPlan.Kind.FAILED, list, Optional.of(noUsableHost(d, list)));
                }
                return new MxPlan(d, MxPlan.Kind.MX, list, Optional.empty());
            });
        });
    }

    private static DnsFailure noUsableHost(String domain, List<MxHost> hosts) {
        // A temporary failure of any exchanger makes the whole answer temporary, so it is reported first.
        DnsFailure.Kind kind = hosts.stream()
                .map(h -> h.addressFailure().map(DnsFailure::kind).orElse(DnsFailure.Kind.NO_RECORDS))
                .filter(k -> k == DnsFailure.Kind.TIMEOUT || k == DnsFailure.Kind.SERVFAIL || k == DnsFailure.Kind.REFUSED
                        || k == DnsFailure.Kind.RESOLVER_UNREACHABLE)
                .min(java.util.Comparator.comparing((DnsFailure.Kind k) -> k != DnsFailure.Kind.RESOLVER_UNREACHABLE))
                .orElse(DnsFailure.Kind.NO_RECORDS);
        List<String> why = hosts.stream()
                .map(h -> h.name() + ": " + h.addressFailure().map(DnsFailure::message)
                        .orElse(h.problems().isEmpty() ? "no address" : h.problems().get(0)))
                .toList();
        return new DnsFailure(kind, domain, "MX", "none of the " + hosts.size() + " MX host(s) of " + domain
                + " has a usable address (" + String.join("; ", why) + ")");
    }

    /** By preference; within one preference in a random order (RFC 5321 §5.1: the sender MUST randomise). */
    private List<DnsClient.Mx> ordered(List<DnsClient.Mx> records) {
        Map<Integer, List<DnsClient.Mx>> byPreference = new TreeMap<>();
        for (DnsClient.Mx mx : records) {
            byPreference.computeIfAbsent(mx.preference(), k -> new ArrayList<>()).add(mx);
        }
        List<DnsClient.Mx> out = new ArrayList<>();
        for (List<DnsClient.Mx> group : byPreference.values()) {
            // Sort first so that the seeded shuffle does not depend on the order the server returned.
            group.sort((a, b) -> a.exchange().compareTo(b.exchange()));
            Collections.shuffle(group, random);
            out.addAll(group);
        }
        return out;
    }

    private CompletableFuture<MxPlan> implicitMx(String domain, AddressFamily family) {
        return resolveHost(0, domain, family).thenApply(host -> {
            if (!host.addresses().isEmpty()) {
                return new MxPlan(domain, MxPlan.Kind.IMPLICIT, List.of(host), Optional.empty());
            }
            DnsFailure failure = host.addressFailure().orElse(new DnsFailure(DnsFailure.Kind.NO_RECORDS, domain,
                    "MX", domain + " has no MX and no address record"));
            if (failure.kind() == DnsFailure.Kind.NO_RECORDS || failure.kind() == DnsFailure.Kind.NXDOMAIN) {
                failure = new DnsFailure(DnsFailure.Kind.NO_RECORDS, domain, "MX",
                        domain + " exists but has neither MX nor " + familyWords(family) + " records: mail cannot be delivered to it");
            }
            return new MxPlan(domain, MxPlan.Kind.FAILED, List.of(), Optional.of(failure));
        });
    }

    /** An exchanger named by an MX record: flags IP literals and CNAMEs (RFC 5321 §5.1, RFC 2181 §10.3). */
    private CompletableFuture<MxHost> resolveExchanger(int preference, String name, AddressFamily family) {
        if (isIpLiteral(name)) {
            DnsFailure f = new DnsFailure(DnsFailure.Kind.OTHER, name, "A",
                    "the MX target " + name + " is an IP address, not a host name; it is not resolved or probed");
            return CompletableFuture.completedFuture(new MxHost(preference, name, List.of(), Optional.of(f),
                    List.of("MX target is an IP address literal (" + name + "); RFC 5321 §5.1 requires a host name, "
                            + "and many senders treat this MX as unusable")));
        }
        return addresses(preference, name, family, true);
    }

    /**
     * The addresses of one host name, A and AAAA asked in parallel (as the family allows), IPv4 first.
     * Used for MX exchangers, the implicit MX and SERVER targets.
     */
    public CompletableFuture<MxHost> resolveHost(int preference, String hostName, AddressFamily family) {
        return addresses(preference, hostName, family, false);
    }

    private CompletableFuture<MxHost> addresses(int preference, String hostName, AddressFamily family, boolean exchanger) {
        String name = stripDot(hostName);
        CompletableFuture<DnsAnswer<InetAddress>> v4 = family.wantsIpv4()
                ? observed(SmtpPhase.DNS_ADDRESS, name, "A", () -> dns.addresses(name, false))
                : CompletableFuture.completedFuture(null);
        CompletableFuture<DnsAnswer<InetAddress>> v6 = family.wantsIpv6()
                ? observed(SmtpPhase.DNS_ADDRESS, name, "AAAA", () -> dns.addresses(name, true))
                : CompletableFuture.completedFuture(null);
        return v4.thenCombine(v6, (a, aaaa) -> {
            List<InetAddress> addresses = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            List<DnsFailure> failures = new ArrayList<>();
            List<String> aliases = new ArrayList<>();
            for (DnsAnswer<InetAddress> answer : new DnsAnswer[] {a, aaaa}) {
                if (answer == null) {
                    continue;
                }
                addresses.addAll(answer.records());
                answer.failure().ifPresent(failures::add);
                if (aliases.isEmpty()) {
                    aliases.addAll(answer.aliases());
                }
            }
            if (!aliases.isEmpty() && exchanger) {
                problems.add("host name " + name + " is a CNAME (to " + String.join(" -> ", aliases)
                        + "); an MX target must name the host directly (RFC 5321 §5.1, RFC 2181 §10.3)");
            }
            Optional<DnsFailure> addressFailure = Optional.empty();
            if (addresses.isEmpty()) {
                addressFailure = failures.stream()
                        .filter(f -> f.kind() != DnsFailure.Kind.NXDOMAIN)
                        .findFirst()
                        .or(() -> failures.stream().findFirst())
                        .or(() -> Optional.of(new DnsFailure(DnsFailure.Kind.NO_RECORDS, name,
                                family == AddressFamily.IPV6 ? "AAAA" : family == AddressFamily.IPV4 ? "A" : "A/AAAA",
                                name + " has no " + familyWords(family) + " record")));
            } else {
                for (DnsFailure f : failures) {
                    if (f.kind() != DnsFailure.Kind.NXDOMAIN) {
                        problems.add(f.message());
                    }
                }
            }
            return new MxHost(preference, name, addresses, addressFailure, problems);
        });
    }

    private <T> CompletableFuture<DnsAnswer<T>> observed(
            SmtpPhase phase, String name, String type, Supplier<CompletableFuture<DnsAnswer<T>>> lookup) {
        safely(() -> listener.dnsLookupStart(phase, name, type));
        return lookup.get().whenComplete((answer, error) -> {
            if (answer == null) {
                DnsFailure f = DnsClient.failureOf(error, name, type);
                safely(() -> listener.dnsLookupFailed(phase, name, type, f, java.time.Duration.ZERO));
                return;
            }
            if (answer.failure().isPresent()) {
                safely(() -> listener.dnsLookupFailed(phase, answer.name(), answer.type(), answer.failure().get(),
                        answer.elapsed()));
            } else {
                safely(() -> listener.dnsLookupEnd(phase, answer.name(), answer.type(), answer.records().size(),
                        answer.elapsed()));
            }
        });
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ignored) {
            // a listener never fails a probe
        }
    }

    private static <T> CompletableFuture<List<T>> allOf(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
    }

    static boolean isIpLiteral(String name) {
        String n = stripDot(name);
        return IPV4_LITERAL.matcher(n).matches() || n.indexOf(':') >= 0
                || (n.startsWith("[") && n.endsWith("]"));
    }

    private static String familyWords(AddressFamily family) {
        return switch (family) {
            case ANY -> "A/AAAA";
            case IPV4 -> "A";
            case IPV6 -> "AAAA";
        };
    }

    private static String describe(List<DnsClient.Mx> mxs) {
        return mxs.stream().map(m -> "MX " + m.preference() + " " + m.exchange()).toList().toString();
    }

    static String stripDot(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        return n.length() > 1 && n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
