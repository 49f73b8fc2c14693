package dev.smtpprobe.dns;

import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.ErrorText;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.model.Addresses;
import dev.smtpprobe.model.DnssecResult;
import dev.smtpprobe.model.TlsaLookup;
import dev.smtpprobe.model.TlsaRecord;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The mail DNS posture of a domain and its exchangers: SPF, DMARC, MTA-STS and TLS-RPT discovery records, TLSA
 * (DANE) per exchanger and reverse DNS per address. Every check yields a {@link PostureCheck}; a failed lookup is an
 * ERROR check, never an exception. Checks of one kind run in parallel.
 *
 * <p>Ids: "spf", "dmarc", "mta-sts", "tls-rpt", "tlsa", "ptr".
 */
public final class PostureChecker {
    private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern STS_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,31}");
    private static final Pattern STS_VALUE = Pattern.compile("[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");
    private static final Pattern STS_ID = Pattern.compile("[A-Za-z0-9]{1,32}");
    private static final Pattern MAILTO = Pattern.compile("mailto:[^@\\s,;!]+@[A-Za-z0-9.\\-]+\\.[A-Za-z0-9\\-]+");
    private static final Pattern HTTPS_URI = Pattern.compile("https://[A-Za-z0-9.\\-]+(:\\d+)?(/[\\x21-\\x7e&&[^,;!]]*)?");
    private static final Pattern DMARC_URI = Pattern.compile("(.+?)(![0-9]+[kmgtKMGT]?)?");

    private final DnsClient dns;

    public PostureChecker(DnsClient dns) {
        this.dns = Objects.requireNonNull(dns);
    }

    /** SPF, DMARC, MTA-STS and TLS-RPT of the domain, asked in parallel, in that order. */
    public CompletableFuture<List<PostureCheck>> domainChecks(String domain) {
        String d = MxResolver.stripDot(domain);
        return all(List.of(spf(d), dmarc(d), mtaSts(d), tlsRpt(d)));
    }

    /** TLSA for each exchanger with addresses, then PTR and forward confirmation for each distinct address. */
    public CompletableFuture<List<PostureCheck>> hostChecks(List<MxHost> hosts, int port) {
        return new TlsaResolver(dns).lookupAll(hosts, port).thenCombine(ptrChecks(hosts), (tlsa, ptr) -> {
            List<PostureCheck> out = new ArrayList<>();
            tlsa.forEach(t -> out.add(tlsaCheck(t)));
            out.addAll(ptr);
            return out;
        });
    }

    /** PTR and forward confirmation for each distinct address of the hosts. */
    public CompletableFuture<List<PostureCheck>> ptrChecks(List<MxHost> hosts) {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (MxHost h : hosts) {
            addresses.addAll(h.addresses());
        }
        List<CompletableFuture<PostureCheck>> checks = new ArrayList<>();
        for (InetAddress a : addresses) {
            checks.add(ptr(a));
        }
        return all(checks);
    }

    public CompletableFuture<PostureCheck> spf(String domain) {
        return SpfAnalyzer.check(dns, MxResolver.stripDot(domain));
    }

    // ---- DMARC (RFC 7489 §6.3, §6.4, §6.6.3) ----

    /**
     * The most labels a DMARC lookup walks up from the From domain before giving up. DMARCbis's tree walk uses
     * the same bound (it also starts at most this many labels from the top), which keeps a long name from turning
     * one check into many queries.
     */
    static final int DMARC_MAX_WALK = 8;

    /**
     * The DMARC record that governs mail from {@code domain}: {@code _dmarc.<domain>}, else the record of its
     * organisational domain (RFC 7489 §6.6.3).
     *
     * <p>The organisational domain is found by walking up the labels (DMARCbis's tree walk) instead of with the
     * Public Suffix List: the walk needs no list to ship and keep current, gives the same answer for every name
     * below a registrable domain, and never asks at a single-label TLD. Its one difference from the PSL, asking
     * at a multi-label public suffix such as {@code co.uk}, costs one NXDOMAIN answer. The first parent that
     * publishes a record is the organisational domain's; its {@code sp=} (else {@code p=}) is the policy that
     * applies to the subdomain.
     */
    public CompletableFuture<PostureCheck> dmarc(String domain) {
        String d = MxResolver.stripDot(domain);
        String name = "_dmarc." + d;
        return dns.txt(name).thenCompose(answer -> {
            if (answer.isLookupError()) {
                return CompletableFuture.completedFuture(lookupError("dmarc", name, answer));
            }
            List<String> candidates = dmarcCandidates(answer);
            if (!candidates.isEmpty()) {
                return CompletableFuture.completedFuture(dmarcAt(name, candidates, Optional.empty()));
            }
            return dmarcOfParents(d, parentDomains(d), 0, answer.records());
        });
    }

    /** The parents of {@code domain} to walk, nearest first, never a single-label TLD. */
    static List<String> parentDomains(String domain) {
        List<String> out = new ArrayList<>();
        String[] labels = domain.split("\\.");
        for (int i = 1; i < labels.length - 1 && out.size() < DMARC_MAX_WALK; i++) {
            out.add(String.join(".", java.util.Arrays.copyOfRange(labels, i, labels.length)));
        }
        return out;
    }

    private CompletableFuture<PostureCheck> dmarcOfParents(String domain, List<String> parents, int index,
            List<String> ownRecords) {
        if (index >= parents.size()) {
            return CompletableFuture.completedFuture(dmarcMissing(domain, ownRecords));
        }
        String parent = parents.get(index);
        String name = "_dmarc." + parent;
        return dns.txt(name).thenCompose(answer -> {
            List<String> candidates = dmarcCandidates(answer);
            if (answer.isLookupError() || candidates.isEmpty()) {
                // A failure higher up is not the subdomain's problem: keep walking, as a receiver would.
                return dmarcOfParents(domain, parents, index + 1, ownRecords);
            }
            return CompletableFuture.completedFuture(dmarcAt(name, candidates, Optional.of(domain)));
        });
    }

    private static List<String> dmarcCandidates(DnsAnswer<String> answer) {
        return answer.records().stream().filter(t -> t.toLowerCase(Locale.ROOT).contains("v=dmarc")).toList();
    }

    private static PostureCheck dmarcMissing(String domain, List<String> records) {
        String name = "_dmarc." + domain;
        return new PostureCheck("dmarc", name, PostureCheck.Status.WARN,
                "No DMARC record at " + name + " nor at any parent domain: receivers apply no policy to mail "
                        + "forged in the domain's name, and large mailbox providers expect one from senders.",
                records, "Publish \"v=DMARC1; p=none; rua=mailto:dmarc-reports@" + domain
                        + "\" to start collecting reports, then move to quarantine or reject.");
    }

    /** @param subdomain the From domain when the record was found at its organisational domain */
    private static PostureCheck dmarcAt(String name, List<String> candidates, Optional<String> subdomain) {
        if (candidates.size() > 1) {
            return new PostureCheck("dmarc", name, PostureCheck.Status.FAIL, candidates.size()
                    + " DMARC records: receivers then ignore DMARC for the domain (RFC 7489 §6.6.3).", candidates,
                    "Keep exactly one v=DMARC1 record.");
        }
        PostureCheck own = dmarcRecord(name, candidates.get(0), subdomain.isPresent());
        if (subdomain.isEmpty()) {
            return own;
        }
        String org = name.substring("_dmarc.".length());
        return new PostureCheck("dmarc", name, own.status(), "No record at _dmarc." + subdomain.get()
                + "; the organisational domain " + org + "'s record applies (RFC 7489 §6.6.3): " + own.summary(),
                own.records(), own.remedy());
    }

    /** @param forSubdomain judge the subdomain policy ({@code sp=}, else {@code p=}) rather than {@code p=} */
    private static PostureCheck dmarcRecord(String name, String record, boolean forSubdomain) {
        List<String> errors = new ArrayList<>();
        Map<String, String> tags = new LinkedHashMap<>();
        String[] parts = record.split(";", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                if (i != parts.length - 1) {
                    errors.add("empty tag between semicolons");
                }
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                errors.add("\"" + part + "\" is not tag=value");
                continue;
            }
            String tag = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1).trim();
            if (!TAG_NAME.matcher(tag).matches()) {
                errors.add("\"" + tag + "\" is not a valid tag name");
                continue;
            }
            if (tags.isEmpty() && !tag.equals("v")) {
                errors.add("the record must begin with v=DMARC1, not " + tag + "=");
            }
            if (tags.putIfAbsent(tag, value) != null) {
                errors.add("tag " + tag + "= appears twice");
            }
        }
        String v = tags.get("v");
        if (v != null && !v.equals("DMARC1")) {
            errors.add("v=" + v + " is not v=DMARC1");
        }
        String p = tags.get("p");
        if (p == null) {
            errors.add("p= (the policy) is missing");
        } else if (!p.matches("(?i)none|quarantine|reject")) {
            errors.add("p=" + p + " is not none, quarantine or reject");
        }
        String sp = tags.get("sp");
        if (sp != null && !sp.matches("(?i)none|quarantine|reject")) {
            errors.add("sp=" + sp + " is not none, quarantine or reject");
        }
        for (String align : List.of("adkim", "aspf")) {
            String a = tags.get(align);
            if (a != null && !a.matches("(?i)[rs]")) {
                errors.add(align + "=" + a + " is not r or s");
            }
        }
        String pct = tags.get("pct");
        if (pct != null && !(pct.matches("\\d{1,3}") && Integer.parseInt(pct) <= 100)) {
            errors.add("pct=" + pct + " is not 0..100");
        }
        String fo = tags.get("fo");
        if (fo != null && !fo.matches("[01ds](:[01ds])*")) {
            errors.add("fo=" + fo + " is not a list of 0, 1, d, s");
        }
        String ri = tags.get("ri");
        if (ri != null && !ri.matches("\\d{1,10}")) {
            errors.add("ri=" + ri + " is not a number of seconds");
        }
        for (String uriTag : List.of("rua", "ruf")) {
            String list = tags.get(uriTag);
            if (list == null) {
                continue;
            }
            for (String uri : list.split(",", -1)) {
                String u = uri.trim();
                java.util.regex.Matcher m = DMARC_URI.matcher(u);
                String bare = m.matches() ? m.group(1) : u;
                if (!MAILTO.matcher(bare).matches() && !HTTPS_URI.matcher(bare).matches()) {
                    errors.add(uriTag + " entry \"" + u + "\" is not a mailto: or https: URI");
                }
            }
        }
        if (!errors.isEmpty()) {
            return new PostureCheck("dmarc", name, PostureCheck.Status.FAIL,
                    "The DMARC record is invalid: " + String.join("; ", errors) + ".", List.of(record),
                    "Fix the record's syntax (RFC 7489 §6.3), for example \"v=DMARC1; p=quarantine; rua=mailto:reports@"
                            + name.substring("_dmarc.".length()) + "\".");
        }
        String policy = (forSubdomain && sp != null ? sp : p).toLowerCase(Locale.ROOT);
        String policyTag = forSubdomain && sp != null ? "sp" : "p";
        String reports = tags.containsKey("rua") ? "aggregate reports go to " + tags.get("rua")
                : "no aggregate reports are requested (no rua=)";
        if (policy.equals("none")) {
            return new PostureCheck("dmarc", name, PostureCheck.Status.WARN,
                    "DMARC policy is " + policyTag + "=none: forged mail is only reported, not refused; " + reports + ".",
                    List.of(record), "Once reports show legitimate mail passes, move to p=quarantine, then p=reject.");
        }
        String partial = pct != null && !pct.equals("100") ? " applied to " + pct + "% of failing mail" : "";
        return new PostureCheck("dmarc", name, PostureCheck.Status.PASS,
                "DMARC policy is " + policyTag + "=" + policy + partial + "; " + reports + ".", List.of(record), "");
    }

    // ---- MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3) discovery records ----

    public CompletableFuture<PostureCheck> mtaSts(String domain) {
        String d = MxResolver.stripDot(domain);
        String name = "_mta-sts." + d;
        return dns.txt(name).thenApply(answer -> {
            if (answer.isLookupError()) {
                return lookupError("mta-sts", name, answer);
            }
            List<String> candidates = answer.records().stream()
                    .filter(t -> t.trim().toLowerCase(Locale.ROOT).startsWith("v=sts")).toList();
            if (candidates.isEmpty()) {
                return new PostureCheck("mta-sts", name, PostureCheck.Status.INFO,
                        "No MTA-STS record: senders use opportunistic TLS toward this domain (MTA-STS is optional).",
                        answer.records(), "To require authenticated TLS from senders, publish an MTA-STS policy "
                                + "(RFC 8461) or DANE TLSA records.");
            }
            if (candidates.size() > 1) {
                return new PostureCheck("mta-sts", name, PostureCheck.Status.FAIL, candidates.size()
                        + " MTA-STS records: senders then act as if there were no policy (RFC 8461 §3.1).",
                        candidates, "Keep exactly one v=STSv1 record.");
            }
            String record = candidates.get(0);
            List<String> errors = new ArrayList<>();
            Map<String, String> fields = fields(record, errors, STS_KEY, STS_VALUE);
            if (!record.trim().startsWith("v=STSv1")) {
                errors.add("the record must begin with v=STSv1");
            }
            String id = fields.get("id");
            if (id == null) {
                errors.add("id= is missing");
            } else if (!STS_ID.matcher(id).matches()) {
                errors.add("id=" + id + " must be 1 to 32 letters or digits");
            }
            if (!errors.isEmpty()) {
                return new PostureCheck("mta-sts", name, PostureCheck.Status.FAIL,
                        "The MTA-STS record is invalid, so senders ignore the policy: " + String.join("; ", errors)
                                + ".", List.of(record), "Publish \"v=STSv1; id=<new id>;\" (RFC 8461 §3.1).");
            }
            return new PostureCheck("mta-sts", name, PostureCheck.Status.PASS,
                    "MTA-STS is announced (policy id " + id + "); the policy at https://mta-sts." + d
                            + "/.well-known/mta-sts.txt is judged by the mta-sts-policy check.", List.of(record), "");
        });
    }

    /**
     * The {@code id=} of the one valid {@code v=STSv1} record among TXT records, as a sender decides whether a
     * policy is announced (RFC 8461 §3.1: records not starting with v=STSv1 are discarded; not exactly one left,
     * or an invalid one, means no policy).
     */
    public static Optional<String> mtaStsRecordId(List<String> txtRecords) {
        List<String> candidates = txtRecords.stream()
                .filter(t -> t.trim().toLowerCase(Locale.ROOT).startsWith("v=sts")).toList();
        if (candidates.size() != 1 || !candidates.get(0).trim().startsWith("v=STSv1")) {
            return Optional.empty();
        }
        List<String> errors = new ArrayList<>();
        Map<String, String> fields = fields(candidates.get(0), errors, STS_KEY, STS_VALUE);
        String id = fields.get("id");
        return errors.isEmpty() && id != null && STS_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    public CompletableFuture<PostureCheck> tlsRpt(String domain) {
        String name = "_smtp._tls." + MxResolver.stripDot(domain);
        return dns.txt(name).thenApply(answer -> {
            if (answer.isLookupError()) {
                return lookupError("tls-rpt", name, answer);
            }
            List<String> candidates = answer.records().stream()
                    .filter(t -> t.trim().toLowerCase(Locale.ROOT).startsWith("v=tlsrpt")).toList();
            if (candidates.isEmpty()) {
                return new PostureCheck("tls-rpt", name, PostureCheck.Status.INFO,
                        "No TLS-RPT record: senders will not report TLS delivery failures (TLS-RPT is optional).",
                        answer.records(), "Publish \"v=TLSRPTv1; rua=mailto:tls-reports@"
                                + MxResolver.stripDot(domain) + "\" to receive reports (RFC 8460).");
            }
            if (candidates.size() > 1) {
                return new PostureCheck("tls-rpt", name, PostureCheck.Status.FAIL, candidates.size()
                        + " TLS-RPT records: senders then act as if there were none (RFC 8460 §3).", candidates,
                        "Keep exactly one v=TLSRPTv1 record.");
            }
            String record = candidates.get(0);
            List<String> errors = new ArrayList<>();
            Map<String, String> fields = fields(record, errors, STS_KEY, Pattern.compile("[\\x21-\\x3a\\x3c\\x3e-\\x7e]+"));
            if (!record.trim().startsWith("v=TLSRPTv1")) {
                errors.add("the record must begin with v=TLSRPTv1");
            }
            String rua = fields.get("rua");
            if (rua == null) {
                errors.add("rua= (where to send reports) is missing");
            } else {
                for (String uri : rua.split(",", -1)) {
                    String u = uri.trim();
                    if (!MAILTO.matcher(u).matches() && !HTTPS_URI.matcher(u).matches()) {
                        errors.add("rua entry \"" + u + "\" is not a mailto: or https: URI");
                    }
                }
            }
            if (!errors.isEmpty()) {
                return new PostureCheck("tls-rpt", name, PostureCheck.Status.FAIL,
                        "The TLS-RPT record is invalid: " + String.join("; ", errors) + ".", List.of(record),
                        "Publish \"v=TLSRPTv1; rua=mailto:tls-reports@" + MxResolver.stripDot(domain) + "\".");
            }
            return new PostureCheck("tls-rpt", name, PostureCheck.Status.PASS,
                    "TLS-RPT reports go to " + rua + ".", List.of(record), "");
        });
    }

    /** Parses "k=v; k=v;" fields; whitespace around fields is allowed, a trailing ";" too. */
    private static Map<String, String> fields(String record, List<String> errors, Pattern key, Pattern value) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] parts = record.split(";", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                if (i != parts.length - 1) {
                    errors.add("empty field between semicolons");
                }
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                errors.add("\"" + part + "\" is not key=value");
                continue;
            }
            String k = part.substring(0, eq).trim();
            String v = part.substring(eq + 1).trim();
            if (!key.matcher(k).matches()) {
                errors.add("\"" + k + "\" is not a valid field name");
            } else if (!value.matcher(v).matches()) {
                errors.add("field " + k + " has an invalid value \"" + v + "\"");
            }
            out.putIfAbsent(k.toLowerCase(Locale.ROOT), v);
        }
        return out;
    }

    // ---- TLSA (RFC 6698, RFC 7672) ----

    /** The TLSA records of one host and what DNSSEC says about them (see {@link #tlsaCheck(TlsaLookup)}). */
    public CompletableFuture<PostureCheck> tlsa(String host, int port) {
        return new TlsaResolver(dns).lookup(host, port).thenApply(PostureChecker::tlsaCheck);
    }

    /**
     * Judges the DNS side of DANE for one host: TLSA only takes effect when its answer is DNSSEC-secure (and the
     * host's addresses are too), so the check tells an unsigned zone (TLSA ignored: a misconfiguration), a bogus
     * answer (DANE senders defer: critical) and an answer that could not be judged (not the domain's fault) apart.
     * Whether the records match the server's certificate is judged per session, after the TLS handshake.
     */
    public static PostureCheck tlsaCheck(TlsaLookup t) {
        String name = t.tlsaName();
        String host = t.host();
        List<String> records = t.records().stream().map(TlsaRecord::toString).toList();
        DnssecResult.Status status = t.tlsaDnssec().status();
        if (status == DnssecResult.Status.BOGUS) {
            return new PostureCheck("tlsa", name, PostureCheck.Status.FAIL,
                    "The TLSA answer is DNSSEC-bogus (" + t.tlsaDnssec().reason() + "): DANE senders treat " + host
                            + " as unreachable and defer mail to it (RFC 7672 §2.1.1).", records,
                    "Re-sign the zone (or fix the DS at the parent) so the TLSA records validate; check with "
                            + "\"delv TLSA " + name + "\".");
        }
        if (t.failure().isPresent()) {
            return new PostureCheck("tlsa", name, PostureCheck.Status.ERROR,
                    "The TLSA lookup failed: " + t.failure().get()
                            + ". DANE senders treat such a host as unreachable (RFC 7672 §2.2).", List.of(),
                    "Make the TLSA name resolvable, with valid DNSSEC signatures if the zone is signed.");
        }
        if (t.records().isEmpty()) {
            String why = switch (status) {
                case SECURE -> " (securely denied)";
                case INSECURE -> " (the zone is not DNSSEC-signed)";
                default -> "";
            };
            return new PostureCheck("tlsa", name, PostureCheck.Status.INFO,
                    "No TLSA record" + why + ": DANE is not used for " + host + " (DANE is optional).", List.of(),
                    "To authenticate TLS to this host, sign the zone with DNSSEC and publish a \"3 1 1\" TLSA "
                            + "record (RFC 7672).");
        }
        List<String> errors = new ArrayList<>();
        boolean usable = false;
        for (TlsaRecord r : t.records()) {
            String problem = tlsaProblem(r);
            if (problem != null) {
                errors.add("\"" + r + "\": " + problem);
            } else if (r.usage() == 2 || r.usage() == 3) {
                usable = true;
            }
        }
        if (!errors.isEmpty()) {
            return new PostureCheck("tlsa", name, PostureCheck.Status.FAIL,
                    "Malformed TLSA record: " + String.join("; ", errors) + ".", records,
                    "Publish TLSA data of the right length, preferably \"3 1 1 <SHA-256 of the SPKI>\".");
        }
        if (status == DnssecResult.Status.INSECURE) {
            return new PostureCheck("tlsa", name, PostureCheck.Status.WARN,
                    "TLSA records are published, but the zone is not DNSSEC-signed (" + t.tlsaDnssec().reason()
                            + "): TLSA has no effect, DANE senders ignore it and use opportunistic TLS.", records,
                    "Sign the zone with DNSSEC and publish its DS at the parent, or remove the TLSA records.");
        }
        if (status == DnssecResult.Status.INDETERMINATE) {
            return new PostureCheck("tlsa", name, PostureCheck.Status.INFO,
                    "TLSA records are published, but their DNSSEC status could not be judged ("
                            + t.tlsaDnssec().reason() + "); this says nothing against the domain.", records,
                    "Validate locally (leave out --dnssec-resolver) or give a trust anchor that covers the zone.");
        }
        if (!t.addressDnssec().secure()) {
            return new PostureCheck("tlsa", name, PostureCheck.Status.WARN,
                    "The TLSA records are DNSSEC-secure, but the address records of " + host + " are not ("
                            + t.addressDnssec() + "): DANE senders do not use TLSA found through an insecure "
                            + "address (RFC 7672 §2.2.2).", records,
                    "Sign the zone that holds the A/AAAA records of " + host + ".");
        }
        if (!usable) {
            return new PostureCheck("tlsa", name, PostureCheck.Status.WARN,
                    "Only PKIX-TA/PKIX-EE (usage 0/1) TLSA records, which SMTP senders treat as unusable "
                            + "(RFC 7672 §3.1.3): DANE senders require TLS but authenticate nothing.", records,
                    "Publish a DANE-EE \"3 1 1\" or DANE-TA \"2 0 1\" record.");
        }
        String via = t.baseDomain().equals(host) ? "" : " (TLSA base domain " + t.baseDomain() + ", the CNAME target)";
        String rollover = records.size() == 1 ? " Only one record: publish the next key's TLSA before a "
                + "certificate change (RFC 7672 §8.1)." : "";
        return new PostureCheck("tlsa", name, PostureCheck.Status.PASS,
                "DANE TLSA published and DNSSEC-secure" + via + "; DANE senders will require TLS authenticated "
                        + "by it." + rollover, records, "");
    }

    private static String tlsaProblem(TlsaRecord t) {
        if (t.usage() > 3) {
            return "unknown certificate usage " + t.usage();
        }
        if (t.selector() > 1) {
            return "unknown selector " + t.selector();
        }
        int hexLength = t.data().length();
        return switch (t.matchingType()) {
            case 0 -> hexLength == 0 ? "empty association data" : null;
            case 1 -> hexLength == 64 ? null : "SHA-256 data must be 32 bytes, found " + hexLength / 2;
            case 2 -> hexLength == 128 ? null : "SHA-512 data must be 64 bytes, found " + hexLength / 2;
            default -> "unknown matching type " + t.matchingType();
        };
    }

    // ---- reverse DNS ----

    /** PTR of the address and forward confirmation: some PTR name must resolve back to the same address. */
    public CompletableFuture<PostureCheck> ptr(InetAddress address) {
        String subject = Addresses.text(address);
        boolean v6 = address instanceof Inet6Address;
        return dns.ptr(address).thenCompose(answer -> {
            if (answer.isLookupError()) {
                return CompletableFuture.completedFuture(lookupError("ptr", subject, answer));
            }
            if (answer.records().isEmpty()) {
                return CompletableFuture.completedFuture(new PostureCheck("ptr", subject, PostureCheck.Status.WARN,
                        "No PTR record for " + subject + ": many receivers distrust or refuse mail from addresses "
                                + "without reverse DNS.", List.of(),
                        "Ask whoever controls the address block (hosting provider or ISP) to set a PTR naming this "
                                + "mail server."));
            }
            List<String> names = answer.records();
            List<CompletableFuture<DnsAnswer<InetAddress>>> forward = names.stream()
                    .map(n -> dns.addresses(n, v6)).toList();
            return CompletableFuture.allOf(forward.toArray(CompletableFuture[]::new)).thenApply(v -> {
                List<String> confirmed = new ArrayList<>();
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    DnsAnswer<InetAddress> f = forward.get(i).join();
                    if (f.records().contains(address)) {
                        confirmed.add(names.get(i));
                    }
                    seen.add(names.get(i) + " -> " + (f.records().isEmpty()
                            ? f.failure().map(DnsFailure::message).orElse("no " + (v6 ? "AAAA" : "A") + " record")
                            : f.records().stream().map(InetAddress::getHostAddress).toList().toString()));
                }
                String multiple = names.size() > 1 ? " Several PTR records; one is customary." : "";
                if (!confirmed.isEmpty()) {
                    return new PostureCheck("ptr", subject, PostureCheck.Status.PASS,
                            subject + " has PTR " + confirmed.get(0) + ", which resolves back to it (FCrDNS)."
                                    + multiple, names, "");
                }
                return new PostureCheck("ptr", subject, PostureCheck.Status.WARN,
                        "Reverse DNS is not forward-confirmed: " + String.join("; ", seen) + "." + multiple, names,
                        "Make the PTR name resolve to " + subject + " (an A/AAAA record for it), or change the PTR to a "
                                + "name that does.");
            });
        });
    }

    private static PostureCheck lookupError(String id, String subject, DnsAnswer<?> answer) {
        return new PostureCheck(id, subject, PostureCheck.Status.ERROR,
                "The lookup failed: " + answer.failure().map(DnsFailure::message).orElse("unknown error") + ".",
                List.of(), "Make the DNS name resolvable; the check could not be made.");
    }

    private static CompletableFuture<List<PostureCheck>> all(List<CompletableFuture<PostureCheck>> checks) {
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                .handle((v, e) -> {
                    List<PostureCheck> out = new ArrayList<>();
                    for (CompletableFuture<PostureCheck> c : checks) {
                        try {
                            out.add(c.join());
                        } catch (RuntimeException ex) {
                            out.add(new PostureCheck("internal", "?", PostureCheck.Status.ERROR,
                                    "A posture check failed unexpectedly: "
                                            + ErrorText.describe(ex.getCause() != null ? ex.getCause() : ex),
                                    List.of(), ""));
                        }
                    }
                    return out;
                });
    }
}
