package dev.smtpprobe.dns;

import dev.smtpprobe.model.Addresses;
import dev.smtpprobe.model.Blocklists;
import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.PostureCheck;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Asks DNS blocklists (RFC 5782) about the MX addresses of a domain and about the address the user sends from.
 * Each public address is looked up in each zone ({@code 2.0.0.127.zen.spamhaus.org}, nibbles for IPv6 where the
 * zone lists IPv6); an answer in 127.0.0.0/8 is decoded with the zone's meanings from {@link BlocklistZones}, and a
 * listing's reason is read from its TXT record. Refusal codes (127.255.255.x for Spamhaus) are reported as a query
 * that was refused, never as a listing; an answer outside 127/8 is no blocklist answer at all (a resolver that
 * rewrites NXDOMAIN). A zone that refuses public resolvers is not asked through one: the check says so instead.
 *
 * <p>Checks: id {@code dnsbl} for MX addresses, {@code dnsbl-sender} for the sending address; subject the address.
 * The zones that do not list an address are folded into one PASS check per address; each listing, refusal or
 * failed lookup is a check of its own. Nothing blocks; lookups run in parallel on the {@link DnsClient}.
 */
public final class BlocklistChecker {
    public static final String MX_ID = "dnsbl";
    public static final String SENDER_ID = "dnsbl-sender";

    private final DnsClient dns;
    private final BlocklistZones data;

    public BlocklistChecker(DnsClient dns) {
        this(dns, BlocklistZones.standard());
    }

    BlocklistChecker(DnsClient dns, BlocklistZones data) {
        this.dns = Objects.requireNonNull(dns);
        this.data = Objects.requireNonNull(data);
    }

    /** One address to ask about, and how the report names it. */
    private record Subject(String id, InetAddress address, String label) {
    }

    /** The public addresses of {@code hosts}, each once. */
    public CompletableFuture<List<PostureCheck>> mxChecks(List<MxHost> hosts, Blocklists options) {
        List<Subject> subjects = new ArrayList<>();
        Map<InetAddress, Boolean> seen = new LinkedHashMap<>();
        for (MxHost h : hosts) {
            for (InetAddress a : h.addresses()) {
                if (Blocklists.isPublic(a) && seen.putIfAbsent(a, true) == null) {
                    subjects.add(new Subject(MX_ID, a, Addresses.text(a) + " (" + h.name() + ")"));
                }
            }
        }
        return check(subjects, options);
    }

    /** The sending address of {@code options}, when it has one. */
    public CompletableFuture<List<PostureCheck>> senderChecks(Blocklists options) {
        if (options.sendingAddress().isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        InetAddress a = options.sendingAddress().get();
        if (!Blocklists.isPublic(a)) {
            return CompletableFuture.completedFuture(List.of(new PostureCheck(SENDER_ID, Addresses.text(a),
                    PostureCheck.Status.INFO, "Not checked: " + Addresses.text(a) + " is not a public address, and "
                            + "blocklists list only public ones.", List.of(),
                    "Give the public address your mail leaves from (what receivers see), not a private one.")));
        }
        return check(List.of(new Subject(SENDER_ID, a, Addresses.text(a) + " (your sending address)")), options);
    }

    private CompletableFuture<List<PostureCheck>> check(List<Subject> subjects, Blocklists options) {
        if (!options.enabled() || subjects.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<String> zones = options.zones().isEmpty() ? data.defaults() : options.zones();
        Optional<String> publicResolver = data.publicResolver(dns.servers());
        List<PostureCheck> notAsked = new ArrayList<>();
        List<BlocklistZones.Zone> asked = new ArrayList<>();
        for (String z : zones) {
            BlocklistZones.Zone zone = data.zone(z);
            if (zone.refusesPublicResolvers() && publicResolver.isPresent()) {
                // Honour the zone's terms: it refuses these queries anyway, with a code that is not a listing.
                for (Subject s : subjects) {
                    notAsked.add(new PostureCheck(s.id(), Addresses.text(s.address()), PostureCheck.Status.INFO,
                            "Not checked in " + zone.zone() + " (" + zone.name() + "): it refuses queries through "
                                    + "public resolvers such as " + publicResolver.get() + ".", List.of(),
                            "Use your own resolver (--resolver) or a data feed to check " + zone.zone() + ". "
                                    + zone.usage()));
                }
            } else {
                asked.add(zone);
            }
        }
        List<CompletableFuture<List<PostureCheck>>> perSubject = new ArrayList<>();
        for (Subject s : subjects) {
            perSubject.add(checkSubject(s, asked));
        }
        return CompletableFuture.allOf(perSubject.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<PostureCheck> out = new ArrayList<>();
            perSubject.forEach(f -> out.addAll(f.join()));
            out.addAll(notAsked);
            return out;
        });
    }

    /** One result of one zone for one address: null when not listed. */
    private record ZoneResult(BlocklistZones.Zone zone, Optional<PostureCheck> check, boolean skipped) {
    }

    private CompletableFuture<List<PostureCheck>> checkSubject(Subject s, List<BlocklistZones.Zone> zones) {
        List<CompletableFuture<ZoneResult>> results = new ArrayList<>();
        for (BlocklistZones.Zone zone : zones) {
            if (s.address() instanceof Inet6Address && !zone.ipv6()) {
                results.add(CompletableFuture.completedFuture(new ZoneResult(zone, Optional.empty(), true)));
            } else {
                results.add(ask(s, zone));
            }
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<PostureCheck> out = new ArrayList<>();
            List<String> clean = new ArrayList<>();
            for (CompletableFuture<ZoneResult> f : results) {
                ZoneResult r = f.join();
                if (r.check().isPresent()) {
                    out.add(r.check().get());
                } else if (!r.skipped()) {
                    clean.add(r.zone().zone());
                }
            }
            if (!clean.isEmpty()) {
                out.add(0, new PostureCheck(s.id(), Addresses.text(s.address()), PostureCheck.Status.PASS,
                        s.label() + " is not listed in " + String.join(", ", clean) + ".", List.of(), ""));
            }
            return out;
        });
    }

    private CompletableFuture<ZoneResult> ask(Subject s, BlocklistZones.Zone zone) {
        String name = queryName(s.address(), zone.zone());
        String subject = Addresses.text(s.address());
        return dns.addresses(name, false).thenCompose(answer -> {
            if (answer.isEmptyAnswer()) {
                return CompletableFuture.completedFuture(new ZoneResult(zone, Optional.empty(), false));
            }
            if (answer.isLookupError()) {
                String why = answer.failure().map(DnsFailure::message).orElse("no answer");
                return done(zone, new PostureCheck(s.id(), subject, PostureCheck.Status.ERROR,
                        "The " + zone.zone() + " lookup for " + s.label() + " failed: " + why + ".", List.of(),
                        "Check that your resolver can reach " + zone.zone() + "; the blocklist could not be asked."));
            }
            List<String> records = new ArrayList<>();
            List<BlocklistZones.Meaning> listings = new ArrayList<>();
            List<BlocklistZones.Meaning> refusals = new ArrayList<>();
            List<String> strange = new ArrayList<>();
            for (InetAddress a : answer.records()) {
                Optional<BlocklistZones.Meaning> m = data.meaning(zone.zone(), a);
                String code = Addresses.text(a);
                if (m.isEmpty()) {
                    strange.add(code);
                    records.add(zone.zone() + ": " + code);
                } else {
                    records.add(zone.zone() + ": " + code + " " + m.get().list() + " (" + m.get().text() + ")");
                    (m.get().kind() == BlocklistZones.Kind.LISTED ? listings : refusals).add(m.get());
                }
            }
            if (!listings.isEmpty()) {
                return dns.txt(name).handle((txt, error) -> {
                    if (txt != null) {
                        txt.records().stream().limit(4).forEach(t -> records.add(zone.zone() + " says: " + t));
                    }
                    return new ZoneResult(zone, Optional.of(listed(s, zone, listings, records)), false);
                });
            }
            if (!refusals.isEmpty()) {
                return done(zone, new PostureCheck(s.id(), subject, PostureCheck.Status.ERROR,
                        "Query refused: " + zone.zone() + " answered the question about " + s.label() + " with a "
                                + "refusal code, not a listing (" + refusals.get(0).text() + "); the answer says "
                                + "nothing about the address.", records,
                        "Use your own resolver (--resolver) or a data feed to check " + zone.zone() + ". " + zone.usage()));
            }
            return done(zone, new PostureCheck(s.id(), subject, PostureCheck.Status.ERROR,
                    "The resolver answered " + String.join(", ", strange) + " for " + s.label() + " in " + zone.zone()
                            + ", which is no blocklist answer (blocklists answer in 127.0.0.0/8): a resolver that "
                            + "rewrites NXDOMAIN, or a zone that no longer works.", records,
                    "Ask " + zone.zone() + " through a resolver that does not rewrite answers, or drop the zone."));
        });
    }

    private static CompletableFuture<ZoneResult> done(BlocklistZones.Zone zone, PostureCheck check) {
        return CompletableFuture.completedFuture(new ZoneResult(zone, Optional.of(check), false));
    }

    private static PostureCheck listed(Subject s, BlocklistZones.Zone zone, List<BlocklistZones.Meaning> listings,
            List<String> records) {
        boolean critical = listings.stream().anyMatch(BlocklistZones.Meaning::critical);
        String lists = String.join(", ", listings.stream().map(m -> m.list() + " (" + m.text() + ")").distinct().toList());
        String who = s.id().equals(SENDER_ID)
                ? "Receivers that use it refuse or junk mail sent from this address."
                : "Receivers that use it refuse or junk mail this host sends (bounces, forwards, replies).";
        String delist = zone.delisting().isEmpty() ? "the blocklist's web site" : zone.delisting();
        return new PostureCheck(s.id(), Addresses.text(s.address()),
                critical ? PostureCheck.Status.FAIL : PostureCheck.Status.WARN,
                s.label() + " is listed in " + zone.zone() + " (" + zone.name() + "): " + lists + ". " + who,
                records, "Find and stop what got the address listed (a compromised account or host, an open relay, "
                        + "a bulk sender), then request removal at " + delist + ".");
    }

    /** The RFC 5782 query name: the address's octets (IPv4) or nibbles (IPv6) reversed, then the zone. */
    static String queryName(InetAddress address, String zone) {
        byte[] b = address.getAddress();
        StringBuilder sb = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(b[i] & 0xff).append('.');
            }
        } else {
            for (int i = b.length - 1; i >= 0; i--) {
                sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.')
                        .append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
            }
        }
        return sb.append(zone).toString();
    }
}
