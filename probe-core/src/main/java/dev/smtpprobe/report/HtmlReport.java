package dev.smtpprobe.report;

import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.Finding;
import dev.smtpprobe.model.Printable;
import dev.smtpprobe.model.Addresses;
import dev.smtpprobe.model.CertificateSummary;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmugglingResult;
import dev.smtpprobe.diagnosis.Observations;
import dev.smtpprobe.model.Step;
import dev.smtpprobe.model.TlsSessionInfo;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One self-contained HTML page for a probe: the verdict, each host's phases as a waterfall, the TLS chain, DNS
 * posture, and the findings with their remedies. No script and no external asset (it is mailed, archived and served
 * by {@code serve} alike); every string that came from a server, DNS or the user is escaped.
 */
public final class HtmlReport {

    /** The page's whole style sheet; {@code serve}'s status page shares it. */
    public static final String STYLE = String.join("\n",
            "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:70em}",
            "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}",
            "table{border-collapse:collapse;margin:.5em 0}td,th{padding:.2em .6em;text-align:left;vertical-align:top;"
                    + "border-bottom:1px solid #eee}",
            ".verdict{font-weight:bold}.ok{color:#17702b}.warning{color:#9a6700}.critical{color:#b3261e}"
                    + ".unknown,.running,.pending{color:#555}",
            ".bar{position:relative;height:1em;background:#f3f3f3;min-width:20em}"
                    + ".bar span{position:absolute;top:0;bottom:0;background:#4a7fd4}.bar span.err{background:#b3261e}",
            "code,pre{font-family:ui-monospace,monospace;font-size:12px}.muted{color:#666}");

    private final ReportOptions options;

    public HtmlReport(ReplyClassifier classifier, ReportOptions options) {
        Objects.requireNonNull(classifier);
        this.options = Objects.requireNonNull(options);
    }

    public String render(ProbeResult probe, Diagnosis diagnosis) {
        // What a server echoed of the credential never reaches the page (the diagnosis is scrubbed already).
        ProbeResult result = options.secrets().scrub(probe);
        StringBuilder b = new StringBuilder(8192);
        String verdict = diagnosis.verdict().name();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width\">")
                .append("<title>smtp-probe: ").append(escape(result.target().domain())).append(' ').append(verdict)
                .append("</title><style>").append(STYLE).append("</style></head><body>\n");
        b.append("<h1>").append(escape(result.target().domain())).append(" <span class=\"verdict ")
                .append(verdict.toLowerCase(Locale.ROOT)).append("\" id=\"verdict\">").append(verdict)
                .append("</span></h1>\n<p id=\"summary\">").append(escape(diagnosis.summary())).append("</p>\n")
                .append("<p class=\"muted\">started ").append(DateTimeFormatter.ISO_INSTANT.format(result.startedAt()))
                .append(", took ").append(Timings.millis(result.elapsed())).append(" ms</p>\n");
        findings(b, diagnosis);
        result.dns().ifPresent(plan -> {
            b.append("<h2>MX</h2>\n<table id=\"mx\"><tr><th>pref</th><th>host</th><th>addresses</th></tr>");
            for (MxHost h : plan.hosts()) {
                b.append("<tr><td>").append(h.preference()).append("</td><td>").append(escape(h.name()))
                        .append("</td><td>").append(escape(h.addresses().stream().map(Addresses::text)
                                .collect(Collectors.joining(", ")))).append("</td></tr>");
            }
            b.append("</table>\n");
        });
        for (SessionResult s : result.sessions()) {
            session(b, s);
        }
        if (!result.smuggling().isEmpty()) {
            b.append("<h2>SMTP smuggling <span class=\"muted\">")
                    .append(escape(Observations.hostLabel(result.smuggling().get(0)))).append("</span></h2>\n")
                    .append("<table id=\"smuggling\"><tr><th>sequence</th><th>verdict</th><th>replies</th>"
                            + "<th>what they show</th></tr>");
            for (SmugglingResult t : result.smugglingResults()) {
                b.append("<tr class=\"").append(t.vulnerable() ? "critical" : "ok").append("\"><td><code>")
                        .append(escape(t.sequence().label())).append("</code></td><td>").append(escape(t.verdict().id()))
                        .append("</td><td>").append(escape(t.replies().stream().map(r -> String.valueOf(r.code()))
                                .collect(Collectors.joining(" ")))).append("</td><td>").append(escape(t.detail()))
                        .append("</td></tr>");
            }
            b.append("</table>\n");
        }
        if (!result.posture().isEmpty()) {
            b.append("<h2>Posture</h2>\n<table id=\"posture\"><tr><th>check</th><th>status</th><th>summary</th></tr>");
            for (PostureCheck p : result.posture()) {
                b.append("<tr><td>").append(escape(p.id())).append("</td><td>")
                        .append(escape(p.status().name().toLowerCase(Locale.ROOT))).append("</td><td>")
                        .append(escape(p.summary())).append(p.remedy().isEmpty() ? "" : "<br><span class=\"muted\">"
                                + escape(p.remedy()) + "</span>").append("</td></tr>");
            }
            b.append("</table>\n");
        }
        b.append("<p class=\"muted\">").append(escape(ToolInfo.NAME + " " + ToolInfo.version())).append("</p>\n</body></html>\n");
        return b.toString();
    }

    private static void findings(StringBuilder b, Diagnosis diagnosis) {
        b.append("<h2>Findings</h2>\n");
        if (diagnosis.findings().isEmpty()) {
            b.append("<p>None.</p>\n");
            return;
        }
        b.append("<table id=\"findings\"><tr><th>severity</th><th>finding</th><th>remedy</th></tr>");
        for (Finding f : diagnosis.findings()) {
            b.append("<tr class=\"finding\"><td>").append(escape(f.severity().name().toLowerCase(Locale.ROOT)))
                    .append("</td><td><b>").append(escape(f.title())).append("</b>")
                    .append(f.host().map(h -> " <span class=\"muted\">" + escape(h) + "</span>").orElse(""))
                    .append("<br>").append(escape(f.detail())).append(" <code class=\"muted\">").append(escape(f.id()))
                    .append("</code></td><td>").append(escape(f.remedy())).append("</td></tr>");
        }
        b.append("</table>\n");
    }

    private void session(StringBuilder b, SessionResult s) {
        b.append("<h2 class=\"host\">").append(escape(s.hostName())).append(" <span class=\"muted\">")
                .append(escape(Addresses.text(s.address().getAddress()) + ":" + s.address().getPort()))
                .append("</span></h2>\n");
        s.request().options().proxy().ifPresent(p -> b.append("<p class=\"via\">Via the SOCKS5 proxy <code>")
                .append(escape(p.hostPort())).append("</code></p>\n"));
        s.request().options().proxyProtocol().ifPresent(v -> b.append("<p class=\"via\">Via a PROXY protocol ")
                .append(escape(v.id())).append(" header sent first, with this connection's own addresses</p>\n"));
        s.failure().ifPresent(f -> b.append("<p class=\"critical\">").append(escape(f.status().name()))
                .append(": ").append(escape(f.message())).append("</p>\n"));
        long total = Math.max(1, s.elapsed().toNanos());
        b.append("<table class=\"waterfall\"><tr><th>phase</th><th>command</th><th>reply</th><th>ms</th>")
                .append("<th>timeline</th></tr>");
        for (Step step : s.steps()) {
            double left = clamp((step.startNanos() - s.startNanos()) * 100.0 / total);
            double width = Math.max(0.5, clamp(step.elapsed().toNanos() * 100.0 / total));
            boolean bad = step.reply().map(r -> r.code() >= 400).orElse(false);
            b.append("<tr class=\"step\"><td>").append(escape(step.phase().id())).append("</td><td><code>")
                    .append(escape(step.command().map(Redaction::command).orElse(""))).append("</code></td><td><code>")
                    .append(escape(step.reply().map(r -> r.code() + " " + String.join(" ", r.lines()))
                            .map(t -> t.length() > 120 ? t.substring(0, 120) + "…" : t).orElse("")))
                    .append("</code></td><td>").append(Timings.millis(step.elapsed())).append("</td><td>")
                    .append("<div class=\"bar\"><span").append(bad ? " class=\"err\"" : "")
                    .append(String.format(Locale.ROOT, " style=\"left:%.1f%%;width:%.1f%%\"", left,
                            Math.min(width, 100 - left)))
                    .append("></span></div></td></tr>");
        }
        b.append("</table>\n");
        s.tls().ifPresent(tls -> tls(b, tls));
        if (options.transcript() && !s.transcript().isEmpty()) {
            b.append("<pre class=\"transcript\">");
            Redaction.transcript(s.transcript()).forEach(l -> b.append(escape((l.direction() == dev.smtpprobe.model.TranscriptLine.Direction.SENT ? "C: " : "S: ") + l.line())).append('\n'));
            b.append("</pre>\n");
        }
    }

    private static void tls(StringBuilder b, TlsSessionInfo tls) {
        b.append("<p class=\"tls\">").append(escape(tls.protocol())).append(' ').append(escape(tls.cipherSuite()))
                .append(tls.trust().chainValid() ? " · chain valid" : " · <span class=\"critical\">chain not trusted</span>")
                .append("</p>\n<table class=\"chain\"><tr><th>#</th><th>subject</th><th>issuer</th><th>expires</th>")
                .append("<th>key</th><th>SHA-256</th></tr>");
        int i = 0;
        for (CertificateSummary c : tls.chain()) {
            b.append("<tr><td>").append(i++).append("</td><td>").append(escape(c.subject())).append("</td><td>")
                    .append(escape(c.issuer())).append("</td><td>")
                    .append(DateTimeFormatter.ISO_INSTANT.format(c.notAfter())).append("</td><td>")
                    .append(escape(c.publicKeyAlgorithm() + " " + c.publicKeyBits())).append("</td><td><code>")
                    .append(escape(c.sha256Fingerprint())).append("</code></td></tr>");
        }
        b.append("</table>\n");
    }

    private static double clamp(double pct) {
        return Math.max(0, Math.min(100, pct));
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    public static String escape(String raw) {
        if (raw == null) {
            return "";
        }
        // The one rule for server text first (no control or bidi character survives), then HTML's own.
        String s = Printable.escape(raw);
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c < 0x20 && c != '\n' && c != '\t' ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}
