package dev.smtpprobe.dns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the probe knows about DNS blocklists, read from data files beside this class: the zones
 * ({@code dnsbl-zones.tsv}), what their answers mean ({@code dnsbl-answers.tsv}) and the well-known public
 * resolvers that some zones refuse ({@code public-resolvers.tsv}). Load errors name the file and line.
 */
public final class BlocklistZones {

    /** One zone: its name, whether it is asked by default, and its usage rules. */
    public record Zone(String zone, String name, boolean byDefault, boolean ipv6, boolean refusesPublicResolvers,
            String delisting, String usage) {
    }

    public enum Kind { LISTED, REFUSED }

    /** What one answer address means for one zone. */
    public record Meaning(Kind kind, String list, String severity, String text) {
        public boolean critical() {
            return severity.equals("critical");
        }
    }

    private record AnswerRange(String zone, long first, long last, Meaning meaning) {
    }

    private static final BlocklistZones STANDARD = load();

    private final Map<String, Zone> zones;
    private final List<AnswerRange> answers;
    private final Map<InetAddress, String> publicResolvers;

    private BlocklistZones(Map<String, Zone> zones, List<AnswerRange> answers, Map<InetAddress, String> publicResolvers) {
        this.zones = zones;
        this.answers = answers;
        this.publicResolvers = publicResolvers;
    }

    public static BlocklistZones standard() {
        return STANDARD;
    }

    /** The zones asked when none are named. */
    public List<String> defaults() {
        return zones.values().stream().filter(Zone::byDefault).map(Zone::zone).toList();
    }

    /** What the data says about a zone; a zone it does not know gets neutral rules (answers IPv4, any resolver). */
    public Zone zone(String zone) {
        Zone z = zones.get(zone.toLowerCase(Locale.ROOT));
        return z != null ? z : new Zone(zone, zone, false, false, false, "", "");
    }

    /** The meaning of one answer address from a zone; empty when it is no blocklist answer at all (outside 127/8). */
    public Optional<Meaning> meaning(String zone, InetAddress answer) {
        byte[] b = answer.getAddress();
        if (b.length != 4 || (b[0] & 0xff) != 127) {
            return Optional.empty();
        }
        long value = toLong(b);
        String z = zone.toLowerCase(Locale.ROOT);
        for (String wanted : List.of(z, "*")) {
            for (AnswerRange r : answers) {
                if (r.zone().equals(wanted) && value >= r.first() && value <= r.last()) {
                    return Optional.of(r.meaning());
                }
            }
        }
        return Optional.empty();
    }

    /** The operator of a well-known public resolver among {@code resolvers}, the first one found. */
    public Optional<String> publicResolver(List<InetSocketAddress> resolvers) {
        for (InetSocketAddress r : resolvers) {
            String operator = r.getAddress() == null ? null : publicResolvers.get(r.getAddress());
            if (operator != null) {
                return Optional.of(dev.smtpprobe.model.Addresses.text(r.getAddress()) + " (" + operator + ")");
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- loading

    private static BlocklistZones load() {
        Map<String, Zone> zones = new LinkedHashMap<>();
        for (Row row : rows("dnsbl-zones.tsv", 7)) {
            String[] f = row.fields();
            zones.put(f[0].toLowerCase(Locale.ROOT), new Zone(f[0].toLowerCase(Locale.ROOT), f[1], yes(row, f[2]),
                    yes(row, f[3]), policy(row, f[4]), f[5], f[6]));
        }
        List<AnswerRange> answers = new ArrayList<>();
        for (Row row : rows("dnsbl-answers.tsv", 6)) {
            String[] f = row.fields();
            String[] range = f[1].split("-", 2);
            long first = toLong(address(row, range[0]).getAddress());
            long last = range.length == 2 ? toLong(address(row, range[1]).getAddress()) : first;
            Kind kind = switch (f[2]) {
                case "listed" -> Kind.LISTED;
                case "refused" -> Kind.REFUSED;
                default -> throw row.error("kind must be listed or refused, not '" + f[2] + "'");
            };
            if (!f[4].matches("critical|warning|info")) {
                throw row.error("severity must be critical, warning or info, not '" + f[4] + "'");
            }
            answers.add(new AnswerRange(f[0].toLowerCase(Locale.ROOT), first, last, new Meaning(kind, f[3], f[4], f[5])));
        }
        Map<InetAddress, String> resolvers = new LinkedHashMap<>();
        for (Row row : rows("public-resolvers.tsv", 2)) {
            resolvers.put(address(row, row.fields()[0]), row.fields()[1]);
        }
        return new BlocklistZones(zones, List.copyOf(answers), resolvers);
    }

    private record Row(String file, int line, String[] fields) {
        IllegalStateException error(String why) {
            return new IllegalStateException(file + " line " + line + ": " + why);
        }
    }

    private static List<Row> rows(String file, int columns) {
        List<Row> out = new ArrayList<>();
        try (InputStream in = BlocklistZones.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException(file + " is missing from the class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String text;
            int line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                if (text.isBlank() || text.startsWith("#")) {
                    continue;
                }
                String[] fields = text.split("\t", -1);
                if (fields.length != columns) {
                    throw new IllegalStateException(file + " line " + line + ": " + columns + " tab-separated fields "
                            + "expected, found " + fields.length);
                }
                out.add(new Row(file, line, fields));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + " cannot be read", e);
        }
        return out;
    }

    private static boolean yes(Row row, String v) {
        return switch (v) {
            case "yes" -> true;
            case "no" -> false;
            default -> throw row.error("yes or no expected, not '" + v + "'");
        };
    }

    private static boolean policy(Row row, String v) {
        return switch (v) {
            case "refused" -> true;
            case "answered" -> false;
            default -> throw row.error("refused or answered expected, not '" + v + "'");
        };
    }

    private static InetAddress address(Row row, String literal) {
        if (!literal.matches("[0-9a-fA-F:.]+")) {
            throw row.error("not an IP address: '" + literal + "'");
        }
        try {
            return InetAddress.getByName(literal); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw row.error("not an IP address: '" + literal + "'");
        }
    }

    private static long toLong(byte[] b) {
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xff);
        }
        return v;
    }
}
