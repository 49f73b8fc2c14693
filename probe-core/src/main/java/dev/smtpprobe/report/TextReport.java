package dev.smtpprobe.report;

import dev.smtpprobe.model.Addresses;
import dev.smtpprobe.model.ErrorText;
import dev.smtpprobe.model.Printable;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.catalog.Classification;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Finding;
import dev.smtpprobe.diagnosis.Observations;
import dev.smtpprobe.diagnosis.Severity;
import dev.smtpprobe.diagnosis.Verdict;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.MxPlan;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmugglingResult;
import dev.smtpprobe.model.Step;
import dev.smtpprobe.model.TranscriptLine;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.CertificateSummary;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.TlsMode;
import dev.smtpprobe.model.TlsSessionInfo;
import dev.smtpprobe.model.DaneVerdict;
import dev.smtpprobe.model.HostTransport;
import dev.smtpprobe.model.MtaStsVerdict;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The report a person reads: the verdict and its reason on the first line (so {@code | head -1} is enough),
 * then the DNS plan, one step table per host, TLS, posture, and the findings with their remedies. Fits in
 * 100 columns; ANSI colour only when asked.
 */
public final class TextReport {

    static final int WIDTH = 100;
    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String MAGENTA = "\u001b[35m";
    private static final String DIM = "\u001b[2m";

    private final ReplyClassifier classifier;
    private final ReportOptions options;

    /** @param classifier names each reply in the step tables; may be null to leave titles out */
    public TextReport(ReplyClassifier classifier, ReportOptions options) {
        this.classifier = classifier;
        this.options = options;
    }

    /**
     * The report. Server text (replies, EHLO keywords, certificate names, DNS records, notes that quote the server)
     * is escaped field by field with {@link Printable#escape}, and the whole text once more at the end, so that the
     * only control characters in the result are line ends and, with colour on, our own colour codes.
     */
    public String render(ProbeResult probe, Diagnosis diagnosis) {
        ProbeResult result = options.secrets().scrub(probe);
        StringBuilder out = new StringBuilder();
        out.append(paint(verdictColor(diagnosis.verdict()) + BOLD, diagnosis.verdict().name()))
                .append("  ").append(oneLine(diagnosis.summary())).append('\n');
        out.append('\n');
        target(out, result);
        result.dns().ifPresent(plan -> dns(out, plan));
        result.transport().mxDnssec().ifPresent(d -> wrap(out, "  DNSSEC   ", "MX records "
                + d.status().name().toLowerCase(Locale.ROOT) + " (" + d.reason() + ")"));
        for (SessionResult s : result.sessions()) {
            session(out, result, s);
        }
        smuggling(out, result);
        posture(out, result.posture());
        findings(out, diagnosis.findings());
        if (options.transcript()) {
            List<SessionResult> all = new ArrayList<>(result.sessions());
            all.addAll(result.smuggling());
            transcript(out, all);
        }
        return safe(options.secrets().scrub(out.toString()), options.color());
    }

    private static final java.util.regex.Pattern OUR_COLOURS = java.util.regex.Pattern.compile("\u001b\\[[0-9;]*m");

    /**
     * The final pass: every line escaped, line ends kept, and with colour on our SGR colour codes kept (server text
     * was escaped before it was painted, so any ESC still present here is ours).
     */
    static String safe(String text, boolean color) {
        StringBuilder out = new StringBuilder(text.length());
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            String line = lines[i];
            if (!color) {
                out.append(Printable.escape(line));
                continue;
            }
            java.util.regex.Matcher m = OUR_COLOURS.matcher(line);
            int from = 0;
            while (m.find()) {
                out.append(Printable.escape(line.substring(from, m.start()))).append(m.group());
                from = m.end();
            }
            out.append(Printable.escape(line.substring(from)));
        }
        return out.toString();
    }

    private void target(StringBuilder out, ProbeResult result) {
        var t = result.target();
        String name = t.unicodeDomain().equals(t.domain()) ? t.domain() : t.unicodeDomain() + " (" + t.domain() + ")";
        out.append(heading("Target")).append(' ').append(Printable.escape(t.mailbox().orElse(name)))
                .append("  ").append(t.kind().name().toLowerCase(Locale.ROOT)).append(", port ").append(t.port())
                .append(", ").append(Timings.millis(result.elapsed())).append(" ms\n");
    }

    private void dns(StringBuilder out, MxPlan plan) {
        out.append('\n').append(heading("DNS")).append(' ');
        String domain = Printable.escape(plan.domain());
        switch (plan.kind()) {
            case MX -> out.append("MX records of ").append(domain);
            case IMPLICIT -> out.append("no MX; implicit MX (the domain's own address) for ").append(domain);
            case NULL_MX -> out.append("null MX (\"MX 0 .\"): ").append(domain).append(" accepts no mail");
            case FAILED -> out.append("lookup failed for ").append(domain);
        }
        out.append('\n');
        plan.failure().ifPresent(f -> out.append("  ").append(f.kind().name()).append(' ').append(oneLine(f.type()))
                .append(' ').append(oneLine(f.name())).append(": ").append(oneLine(ErrorText.plain(f.message())))
                .append('\n'));
        for (MxHost h : plan.hosts()) {
            String addresses = h.addresses().stream().map(Addresses::text).collect(Collectors.joining(", "));
            if (addresses.isEmpty()) {
                addresses = h.addressFailure().map(f -> "no address (" + f.kind().name().toLowerCase(Locale.ROOT) + ")")
                        .orElse("no address");
            }
            out.append(fit(String.format(Locale.ROOT, "  %5d  %-36s %s", h.preference(), h.name(), addresses), WIDTH))
                    .append('\n');
            for (String p : h.problems()) {
                wrap(out, "         ! ", p);
            }
        }
    }

    private void session(StringBuilder out, ProbeResult result, SessionResult s) {
        out.append('\n').append(heading("Host")).append(' ').append(Printable.escape(
                Addresses.withPort(Observations.hostLabel(s), s.address() == null ? 0 : s.address().getPort())));
        OptionalInt pref = Observations.preference(result, s);
        if (pref.isPresent()) {
            out.append("  MX ").append(pref.getAsInt());
        }
        String outcome = Observations.outcome(s).sessionWord();
        // What the connection was, not what was asked for: "starttls" only when STARTTLS really happened.
        String transport = s.tls().isEmpty() ? "plain" : s.tlsMode() == TlsMode.IMPLICIT ? "tls" : "starttls";
        out.append("  ").append(transport).append("  ")
                .append(paint(outcomeColor(outcome), outcome)).append('\n');
        s.request().options().proxy().ifPresent(p -> out.append("  Via        the SOCKS5 proxy ")
                .append(Printable.escape(p.hostPort())).append('\n'));
        s.request().options().proxyProtocol().ifPresent(v -> out.append("  Via        a PROXY protocol ")
                .append(v.id()).append(" header sent first, with this connection's own addresses\n"));
        if (!s.steps().isEmpty()) {
            out.append(paint(DIM, String.format(Locale.ROOT, "  %-13s %-34s %-11s %-28s %6s",
                    "phase", "command", "reply", "meaning", "ms"))).append('\n');
            for (Step step : s.steps()) {
                String command = step.command().map(Redaction::command).orElse("");
                String reply = step.reply().map(r -> r.code() + r.enhanced().map(e -> " " + e).orElse("")).orElse("-");
                String meaning = step.reply().flatMap(r -> classify(r, step.phase())).map(Classification::title)
                        .orElse(step.reply().isEmpty() ? "" : "");
                String row = String.format(Locale.ROOT, "  %-13s %-34s %-11s %-28s %6d", step.phase().id(),
                        fit(command, 34), fit(reply, 11), fit(meaning, 28), Timings.millis(step.elapsed()));
                out.append(step.reply().map(SmtpReply::code).orElse(0) >= 400
                        ? paint(step.reply().get().code() >= 500 ? RED : YELLOW, row) : row).append('\n');
            }
        }
        if (s.heloFallback()) {
            out.append("  EHLO refused; HELO used\n");
        }
        if (!s.capabilities().extensions().isEmpty()) {
            String ext = s.capabilities().extensions().stream()
                    .map(e -> e.parameters().isEmpty() ? e.keyword() : e.keyword() + " " + String.join(" ", e.parameters()))
                    .collect(Collectors.joining(", "));
            wrap(out, "  Extensions ", ext);
        }
        s.tls().ifPresent(t -> tls(out, result, s, t));
        s.auth().ifPresent(a -> out.append("  AUTH       ").append(a.mechanism()).append(a.succeeded()
                ? (a.serverVerified() ? "  authenticated, server verified" : "  authenticated") : "  failed")
                .append('\n'));
        if (s.pipelinedCommands() > 0) {
            out.append("  Pipelined  ").append(s.pipelinedCommands()).append(" commands without waiting: ")
                    .append(s.roundTrips()).append(" round trips instead of ")
                    .append(s.roundTrips() + s.pipelinedCommands()).append('\n');
        }
        if (result.target().kind() != ProbeTarget.Kind.SERVER) {
            // DANE and MTA-STS are how senders reach a domain's MX hosts; a smart host is dialled by name.
            Observations.transport(result, s).ifPresent(t -> senders(out, result, s, t));
        }
        for (var r : s.recipients()) {
            r.notTried().ifPresent(why -> wrap(out, "  Not tried  ", Printable.escape(r.address() + ": " + why)));
        }
        s.delivery().ifPresent(d -> out.append("  Message    ").append(d.octets()).append(" octets by ")
                .append(d.method()).append(d.chunks() > 1 ? " in " + d.chunks() + " chunks" : "").append('\n'));
        s.messageId().ifPresent(m -> out.append("  Message-ID <").append(Printable.escape(m)).append(">\n"));
        s.queueId().ifPresent(q -> out.append("  Queue id   ").append(Printable.escape(q)).append('\n'));
        s.failure().ifPresent(f -> wrap(out, "  Stopped    ", f.status().id() + " at " + f.phase().id() + ": "
                + oneLine(f.reply().isPresent() ? f.message() : ErrorText.plain(f.message()))));
    }

    private void tls(StringBuilder out, ProbeResult result, SessionResult s, TlsSessionInfo t) {
        out.append("  TLS        ").append(Printable.escape(t.protocol())).append("  ")
                .append(Printable.escape(t.cipherSuite()));
        if (!t.sniHostName().isEmpty()) {
            out.append("  SNI ").append(Printable.escape(t.sniHostName()));
        }
        out.append('\n');
        Optional<CertificateSummary> leaf = Observations.leaf(s);
        if (leaf.isPresent()) {
            CertificateSummary c = leaf.get();
            long days = Observations.daysToExpiry(c, Observations.probeTime(result));
            wrap(out, "  Subject    ", c.subject());
            wrap(out, "  Issuer     ", c.issuer());
            String expiry = days < 0 ? paint(RED, "expired " + (-days) + " days ago")
                    : paint(days <= 14 ? YELLOW : GREEN, days + " days to expiry");
            out.append("  Validity   ").append(c.notAfter()).append("  ").append(expiry).append('\n');
            out.append("  Key        ").append(Printable.escape(c.publicKeyAlgorithm())).append(' ')
                    .append(c.publicKeyBits()).append("  ").append(Printable.escape(c.signatureAlgorithm())).append('\n');
        }
        String trust = (t.trust().chainValid() ? paint(GREEN, "chain valid")
                : paint(YELLOW, "chain not valid: " + t.trust().chainProblem().orElse("unknown reason")))
                + ", " + (t.trust().nameMatches() ? paint(GREEN, "name matches") : paint(YELLOW, "name does not match"));
        out.append("  Trust      ").append(trust).append('\n');
    }

    /** Per server: what a DANE and an MTA-STS sender would do, and the TLSA record for the key presented. */
    private void senders(StringBuilder out, ProbeResult result, SessionResult s, HostTransport t) {
        DaneVerdict dane = t.dane();
        String daneWord = switch (dane.outcome()) {
            case DELIVERS -> paint(GREEN, "delivers");
            case DEFERS -> paint(RED, "defers");
            case NOT_USED -> "not used";
            case UNKNOWN -> paint(YELLOW, "unknown");
        };
        wrap(out, "  DANE sender: ", daneWord + " (" + dane.reason() + ")");
        MtaStsVerdict sts = t.mtaSts();
        String stsWord = switch (sts.outcome()) {
            case DELIVERS -> paint(GREEN, "delivers");
            case REFUSES -> paint(RED, "refuses");
            case DELIVERS_TESTING -> paint(YELLOW, "delivers (testing mode; enforce would refuse)");
            case NOT_USED -> "not used";
            case UNKNOWN -> paint(YELLOW, "unknown");
        };
        wrap(out, "  MTA-STS sender: ", stsWord + " (" + sts.reason() + ")");
        if (dane.presentedKeyRecord().isPresent()) {
            String name = result.transport().tlsaOf(s.hostName()).map(l -> l.tlsaName())
                    .orElse("_" + (s.address() == null ? 25 : s.address().getPort()) + "._tcp." + s.hostName());
            // One unbroken line, so it can be pasted into a zone file even where it passes the report's width.
            out.append("  TLSA       ").append(name).append(". IN TLSA ").append(dane.presentedKeyRecord().get())
                    .append('\n');
        }
    }

    /** The smuggling test: one line per sequence, with the replies that decided it. */
    private void smuggling(StringBuilder out, ProbeResult result) {
        List<SmugglingResult> tests = result.smugglingResults();
        if (tests.isEmpty()) {
            return;
        }
        out.append('\n').append(paint(BOLD, "SMTP smuggling")).append("  ")
                .append(Printable.escape(Observations.hostLabel(result.smuggling().get(0)))).append('\n');
        for (SmugglingResult t : tests) {
            String color = switch (t.verdict()) {
                case ACCEPTED_AS_END_OF_DATA -> RED;
                case REFUSED, TREATED_AS_DATA -> GREEN;
                case INCONCLUSIVE, NOT_RUN -> YELLOW;
            };
            String head = String.format(Locale.ROOT, "  %-15s ", t.sequence().label());
            String codes = t.replies().stream().map(r -> String.valueOf(r.code())).collect(Collectors.joining(" "));
            out.append(head).append(paint(color, String.format(Locale.ROOT, "%-23s", t.verdict().id()))).append(' ');
            wrapRest(out, head.length() + 24, (codes.isEmpty() ? "" : "[" + codes + "] ") + oneLine(t.detail()));
        }
    }

    private void posture(StringBuilder out, List<PostureCheck> checks) {
        if (checks.isEmpty()) {
            return;
        }
        out.append('\n').append(paint(BOLD, "Posture")).append('\n');
        int idWidth = checks.stream().mapToInt(c -> c.id().length()).max().orElse(8);
        for (PostureCheck c : checks) {
            String status = c.status().name().toLowerCase(Locale.ROOT);
            String color = switch (c.status()) {
                case PASS -> GREEN;
                case INFO -> "";
                case WARN, MISSING, ERROR -> YELLOW;
                case FAIL -> RED;
            };
            String head = String.format(Locale.ROOT, "  %-" + idWidth + "s ", c.id());
            String rest = oneLine(c.summary());
            out.append(head).append(paint(color, String.format(Locale.ROOT, "%-8s", status))).append(' ');
            wrapRest(out, head.length() + 9, rest);
        }
    }

    private void findings(StringBuilder out, List<Finding> findings) {
        out.append('\n').append(paint(BOLD, "Findings"));
        if (findings.isEmpty()) {
            out.append(" none\n");
            return;
        }
        out.append('\n');
        for (Finding f : findings) {
            String sev = String.format(Locale.ROOT, "%-8s", f.severity().name());
            out.append("  ").append(paint(severityColor(f.severity()), sev)).append(' ').append(Printable.escape(f.title()));
            out.append(DiagnosisEngine.codeNote(f));
            out.append("  [").append(f.id()).append("]\n");
            wrap(out, "           ", f.detail());
            wrap(out, "           Fix: ", f.remedy() + " (" + f.actor().id() + ")");
        }
    }

    private void transcript(StringBuilder out, List<SessionResult> sessions) {
        out.append('\n').append(paint(BOLD, "Transcript")).append('\n');
        for (SessionResult s : sessions) {
            out.append("  -- ").append(Printable.escape(Observations.hostLabel(s))).append('\n');
            for (TranscriptLine line : Redaction.transcript(s.transcript())) {
                String arrow = switch (line.direction()) {
                    case SENT -> "C: ";
                    case RECEIVED -> "S: ";
                    case INFO -> "-- ";
                };
                String text = line.direction() == TranscriptLine.Direction.INFO ? ErrorText.plain(line.line()) : line.line();
                out.append("  ").append(arrow).append(Printable.escape(text)).append('\n');
            }
        }
    }

    private Optional<Classification> classify(SmtpReply reply, SmtpPhase phase) {
        if (classifier == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(classifier.classify(reply, phase));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- layout

    private String heading(String text) {
        return paint(BOLD, String.format(Locale.ROOT, "%-10s", text));
    }

    private String paint(String color, String text) {
        return options.color() && !color.isEmpty() ? color + text + RESET : text;
    }

    private static String verdictColor(Verdict v) {
        return switch (v) {
            case OK -> GREEN;
            case WARNING -> YELLOW;
            case CRITICAL -> RED;
            case UNKNOWN -> MAGENTA;
        };
    }

    private static String severityColor(Severity s) {
        return switch (s) {
            case INFO -> "";
            case WARNING -> YELLOW;
            case CRITICAL -> RED;
        };
    }

    private static String outcomeColor(String outcome) {
        return switch (outcome) {
            case "accepted" -> GREEN;
            case "deferred" -> YELLOW;
            default -> RED;
        };
    }

    /** Our own text joined onto one line, then escaped: what reaches here may quote a server. */
    private static String oneLine(String s) {
        return Printable.escape(s.replaceAll("[\\r\\n]+", " "));
    }

    static String fit(String raw, int width) {
        String s = Printable.escape(raw);
        return s.length() <= width ? s : s.substring(0, Math.max(0, width - 1)) + "\u2026";
    }

    /** Writes {@code prefix + text}, wrapping at word boundaries so no line exceeds WIDTH. */
    private static void wrap(StringBuilder out, String prefix, String text) {
        out.append(prefix);
        wrapRest(out, prefix.length(), text);
    }

    private static void wrapRest(StringBuilder out, int indent, String text) {
        int room = WIDTH - indent;
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : oneLine(text).split(" ")) {
            while (word.length() > room) { // a word longer than the line (a URL, a fingerprint): hard break
                if (line.length() > 0) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                lines.add(word.substring(0, room));
                word = word.substring(room);
            }
            if (line.length() > 0 && line.length() + 1 + word.length() > room) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        String pad = " ".repeat(indent);
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                out.append(pad);
            }
            out.append(lines.get(i)).append('\n');
        }
    }
}
