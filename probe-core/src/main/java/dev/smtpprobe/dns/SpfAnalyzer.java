package dev.smtpprobe.dns;

import dev.smtpprobe.model.PostureCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a domain's SPF record (RFC 7208): one record, term syntax, the {@code all} qualifier, and the limit of 10
 * DNS-querying terms counted across include: and redirect= as an evaluator would count them (§4.6.4).
 * It does not evaluate the policy against an address.
 */
final class SpfAnalyzer {
    static final int LOOKUP_LIMIT = 10;
    /** Bounds the walk on hostile or looping records: nesting depth and TXT questions in total. */
    private static final int MAX_DEPTH = 10;
    private static final int MAX_QUERIES = 25;

    private static final Pattern MECHANISM = Pattern.compile(
            "([+\\-~?]?)(all|include|a|mx|ptr|ip4|ip6|exists)((?:[:/].*)?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9_.\\-]*)=(.*)");
    private static final Pattern IP4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern DUAL_CIDR = Pattern.compile("(/(\\d{1,2}))?(//(\\d{1,3}))?");
    private static final Pattern DOMAIN_SPEC = Pattern.compile("[\\x21-\\x7e&&[^/]]+");

    private final DnsClient dns;

    private int lookups;
    private int queries;
    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> lookupErrors = new ArrayList<>();
    private boolean stoppedEarly;

    private SpfAnalyzer(DnsClient dns) {
        this.dns = dns;
    }

    static CompletableFuture<PostureCheck> check(DnsClient dns, String domain) {
        return new SpfAnalyzer(dns).run(domain);
    }

    static boolean isSpf(String txt) {
        String t = txt.trim().toLowerCase(Locale.ROOT);
        return t.equals("v=spf1") || t.startsWith("v=spf1 ");
    }

    private CompletableFuture<PostureCheck> run(String domain) {
        queries++;
        return dns.txt(domain).thenCompose(answer -> {
            if (answer.isLookupError()) {
                return CompletableFuture.completedFuture(new PostureCheck("spf", domain, PostureCheck.Status.ERROR,
                        "The SPF lookup failed: " + answer.failure().get().message(), List.of(),
                        "Make the domain's TXT records resolvable; receivers treat this as a temporary SPF error."));
            }
            List<String> spf = answer.records().stream().filter(SpfAnalyzer::isSpf).toList();
            if (spf.isEmpty()) {
                return CompletableFuture.completedFuture(new PostureCheck("spf", domain, PostureCheck.Status.WARN,
                        "No SPF record: receivers cannot tell which servers may send mail for " + domain + ".",
                        List.of(), "Publish one TXT record such as \"v=spf1 mx -all\" listing the servers that send "
                                + "mail for the domain (\"v=spf1 -all\" if it sends none)."));
            }
            if (spf.size() > 1) {
                return CompletableFuture.completedFuture(new PostureCheck("spf", domain, PostureCheck.Status.FAIL,
                        spf.size() + " SPF records: RFC 7208 §4.5 makes that a permanent error, so SPF fails for "
                                + "every message.", spf, "Merge them into a single v=spf1 record."));
            }
            String record = spf.get(0);
            Terms top = parse(record, domain, true);
            return walk(top, domain, 0).thenApply(v -> verdict(domain, record, top));
        });
    }

    private PostureCheck verdict(String domain, String record, Terms top) {
        List<String> records = List.of(record);
        if (lookups > LOOKUP_LIMIT) {
            errors.add(0, "more than " + LOOKUP_LIMIT + " DNS-querying terms (" + lookups
                    + (stoppedEarly ? " or more" : "") + " counted across include/redirect; RFC 7208 §4.6.4): "
                    + "evaluation ends in permerror");
        }
        if (!errors.isEmpty()) {
            return new PostureCheck("spf", domain, PostureCheck.Status.FAIL, "SPF is broken: " + String.join("; ", errors)
                    + ".", records, remedyFor(errors));
        }
        if (!lookupErrors.isEmpty()) {
            return new PostureCheck("spf", domain, PostureCheck.Status.WARN,
                    "SPF could not be checked completely: " + String.join("; ", lookupErrors) + ".", records,
                    "Make every included domain's SPF record resolvable.");
        }
        String counted = lookups + " of " + LOOKUP_LIMIT + " DNS lookups";
        if (!warnings.isEmpty()) {
            return new PostureCheck("spf", domain, PostureCheck.Status.WARN,
                    "SPF is weak: " + String.join("; ", warnings) + " (" + counted + ").", records,
                    "End the record with -all (or ~all while testing) and avoid the ptr mechanism.");
        }
        return new PostureCheck("spf", domain, PostureCheck.Status.PASS,
                "One SPF record ending in " + top.allTerm.orElse("redirect=" + top.redirect.orElse("?")) + " ("
                        + counted + ").", records, "");
    }

    private static String remedyFor(List<String> errors) {
        if (errors.stream().anyMatch(e -> e.contains("+all"))) {
            return "Replace +all with -all (or ~all): +all lets anyone send as the domain.";
        }
        if (errors.stream().anyMatch(e -> e.contains("DNS-querying"))) {
            return "Flatten includes (replace include: with ip4:/ip6: ranges) or drop unused ones to stay within 10 lookups.";
        }
        return "Fix the record's syntax (RFC 7208 §4.6.1, §5, §6).";
    }

    /** Follows include: and redirect= in order, one after the other, so the count stops as an evaluator's would. */
    private CompletableFuture<Void> walk(Terms terms, String domain, int depth) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (String target : terms.includes) {
            chain = chain.thenCompose(v -> follow("include:" + target, target, depth + 1, true));
        }
        if (terms.redirect.isPresent() && terms.allTerm.isEmpty()) {
            String target = terms.redirect.get();
            chain = chain.thenCompose(v -> follow("redirect=" + target, target, depth + 1, false));
        }
        return chain;
    }

    private CompletableFuture<Void> follow(String term, String target, int depth, boolean include) {
        if (lookups > LOOKUP_LIMIT || depth > MAX_DEPTH || queries >= MAX_QUERIES || target.contains("%")) {
            // Past the limit the verdict is already permerror; macros need a sender to expand.
            if (lookups > LOOKUP_LIMIT || depth > MAX_DEPTH || queries >= MAX_QUERIES) {
                stoppedEarly = true;
            }
            return CompletableFuture.completedFuture(null);
        }
        queries++;
        return dns.txt(target).thenCompose(answer -> {
            if (answer.isLookupError()) {
                lookupErrors.add(term + ": " + answer.failure().get().message());
                return CompletableFuture.completedFuture(null);
            }
            List<String> spf = answer.records().stream().filter(SpfAnalyzer::isSpf).toList();
            if (spf.size() != 1) {
                // RFC 7208 §5.2 and §6.1: an include or redirect target without exactly one record is a permerror.
                errors.add(term + " points at a domain with " + (spf.isEmpty() ? "no" : String.valueOf(spf.size()))
                        + " SPF record" + (spf.size() == 1 ? "" : "s") + " (permerror)");
                return CompletableFuture.completedFuture(null);
            }
            Terms nested = parse(spf.get(0), target, false);
            return walk(nested, target, depth);
        });
    }

    /** The parts of one record that matter for the walk. */
    private static final class Terms {
        final List<String> includes = new ArrayList<>();
        Optional<String> redirect = Optional.empty();
        Optional<String> allTerm = Optional.empty();
    }

    /** Parses one record, counting its lookups and noting syntax errors; {@code top} adds the qualifier checks. */
    private Terms parse(String record, String domain, boolean top) {
        Terms t = new Terms();
        String where = top ? "" : " (in " + domain + ")";
        String[] tokens = record.trim().split("[ ]+");
        boolean afterAll = false;
        boolean exp = false;
        for (int i = 1; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.isEmpty()) {
                continue;
            }
            Matcher m = MECHANISM.matcher(token);
            if (m.matches()) {
                String qualifier = m.group(1);
                String name = m.group(2).toLowerCase(Locale.ROOT);
                String arg = m.group(3);
                if (afterAll && top) {
                    warnings.add("\"" + token + "\" after \"all\" is never evaluated");
                }
                String problem = mechanismProblem(name, arg);
                if (problem != null) {
                    errors.add("\"" + token + "\"" + where + ": " + problem);
                    continue;
                }
                switch (name) {
                    case "include" -> {
                        lookups++;
                        t.includes.add(arg.substring(1));
                    }
                    case "a", "mx", "exists" -> lookups++;
                    case "ptr" -> {
                        lookups++;
                        if (top) {
                            warnings.add("the ptr mechanism is slow and unreliable (RFC 7208 §5.5: do not use it)");
                        }
                    }
                    case "all" -> {
                        afterAll = true;
                        String q = qualifier.isEmpty() ? "+" : qualifier;
                        if (top && t.allTerm.isEmpty()) {
                            t.allTerm = Optional.of(q + "all");
                            if (q.equals("+")) {
                                errors.add("\"" + token + "\" authorises every server on the Internet (+all)");
                            } else if (q.equals("?")) {
                                warnings.add("?all is neutral: unlisted servers are neither allowed nor refused");
                            }
                        } else if (t.allTerm.isEmpty()) {
                            t.allTerm = Optional.of(q + "all");
                        }
                    }
                    default -> {
                        // ip4, ip6: no lookup
                    }
                }
                continue;
            }
            Matcher mod = MODIFIER.matcher(token);
            if (mod.matches()) {
                String name = mod.group(1).toLowerCase(Locale.ROOT);
                String value = mod.group(2);
                if (name.equals("redirect")) {
                    if (t.redirect.isPresent()) {
                        errors.add("redirect= appears twice" + where + " (RFC 7208 §6)");
                    } else if (!DOMAIN_SPEC.matcher(value).matches()) {
                        errors.add("\"" + token + "\"" + where + ": redirect= needs a domain");
                    } else {
                        t.redirect = Optional.of(value);
                        lookups++;
                    }
                } else if (name.equals("exp")) {
                    if (exp) {
                        errors.add("exp= appears twice" + where + " (RFC 7208 §6)");
                    }
                    exp = true;
                }
                // Unknown modifiers are allowed and ignored (RFC 7208 §6).
                continue;
            }
            errors.add("\"" + token + "\"" + where + " is not a known mechanism or modifier");
        }
        if (top && t.allTerm.isEmpty() && t.redirect.isEmpty()) {
            warnings.add("no \"all\" or redirect=: mail from unlisted servers gets a neutral result");
        }
        if (t.redirect.isPresent() && t.allTerm.isPresent()) {
            // RFC 7208 §6.1: redirect= is ignored when the record has "all"; it costs no lookup then.
            lookups--;
        }
        return t;
    }

    private static String mechanismProblem(String name, String arg) {
        switch (name) {
            case "all":
                return arg.isEmpty() ? null : "\"all\" takes no argument";
            case "include":
            case "exists":
                if (!arg.startsWith(":") || !DOMAIN_SPEC.matcher(arg.substring(1)).matches()) {
                    return name + " needs a domain (" + name + ":example.com)";
                }
                return null;
            case "a":
            case "mx": {
                String rest = arg;
                if (rest.startsWith(":")) {
                    int slash = rest.indexOf('/');
                    String dom = slash < 0 ? rest.substring(1) : rest.substring(1, slash);
                    if (!DOMAIN_SPEC.matcher(dom).matches()) {
                        return "empty or invalid domain";
                    }
                    rest = slash < 0 ? "" : rest.substring(slash);
                }
                Matcher c = DUAL_CIDR.matcher(rest);
                if (!c.matches()) {
                    return "invalid CIDR length";
                }
                if (c.group(2) != null && Integer.parseInt(c.group(2)) > 32
                        || c.group(4) != null && Integer.parseInt(c.group(4)) > 128) {
                    return "CIDR length out of range";
                }
                return null;
            }
            case "ptr":
                return arg.isEmpty() || arg.startsWith(":") && DOMAIN_SPEC.matcher(arg.substring(1)).matches()
                        ? null : "invalid domain";
            case "ip4": {
                if (!arg.startsWith(":")) {
                    return "ip4 needs an address (ip4:192.0.2.0/24)";
                }
                String[] parts = arg.substring(1).split("/", -1);
                Matcher ip = IP4.matcher(parts[0]);
                if (!ip.matches() || parts.length > 2) {
                    return "not an IPv4 address or network";
                }
                for (int g = 1; g <= 4; g++) {
                    if (Integer.parseInt(ip.group(g)) > 255) {
                        return "not an IPv4 address";
                    }
                }
                return parts.length == 2 && !validLength(parts[1], 32) ? "prefix length must be 0..32" : null;
            }
            case "ip6": {
                if (!arg.startsWith(":")) {
                    return "ip6 needs an address (ip6:2001:db8::/32)";
                }
                String value = arg.substring(1);
                int slash = value.lastIndexOf('/');
                String address = slash < 0 ? value : value.substring(0, slash);
                if (!address.matches("[0-9A-Fa-f:.]+") || !address.contains(":") || !isIpv6(address)) {
                    return "not an IPv6 address or network";
                }
                return slash >= 0 && !validLength(value.substring(slash + 1), 128) ? "prefix length must be 0..128" : null;
            }
            default:
                return "unknown mechanism";
        }
    }

    private static boolean isIpv6(String address) {
        try {
            // A literal made only of hex digits, colons and dots never triggers a DNS lookup.
            return java.net.InetAddress.getByName(address) instanceof java.net.Inet6Address
                    || address.contains(":");
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static boolean validLength(String s, int max) {
        if (!s.matches("\\d{1,3}")) {
            return false;
        }
        return Integer.parseInt(s) <= max;
    }
}
