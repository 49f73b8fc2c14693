package dev.smtpprobe.report;

import dev.smtpprobe.model.Addresses;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.catalog.Classification;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.Finding;
import dev.smtpprobe.diagnosis.Observations;
import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.MxPlan;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.SessionFailure;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.Step;
import dev.smtpprobe.model.TranscriptLine;
import dev.smtpprobe.model.EhloCapabilities;
import dev.smtpprobe.model.ReplyFlag;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.CertificateSummary;
import dev.smtpprobe.model.TlsSessionInfo;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The machine-readable report. Every key is written here by hand, never derived from record accessors, so
 * renaming a Java component cannot silently change the output; {@code docs/report.schema.json} documents
 * every key and a test validates real output against it. Instants are ISO-8601 strings, durations whole
 * milliseconds, absent values JSON null.
 */
public final class JsonReport {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ReplyClassifier classifier;
    private final ReportOptions options;

    /** @param classifier gives each step its catalog code and category; may be null to leave them out */
    public JsonReport(ReplyClassifier classifier, ReportOptions options) {
        this.classifier = classifier;
        this.options = options;
    }

    /** The report as indented JSON text. */
    public String render(ProbeResult result, Diagnosis diagnosis) {
        try {
            return MAPPER.writeValueAsString(toTree(result, diagnosis)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ObjectNode toTree(ProbeResult result, Diagnosis diagnosis) {
        ObjectNode root = NODES.objectNode();
        root.put("schemaVersion", ToolInfo.SCHEMA_VERSION);
        ObjectNode tool = root.putObject("tool");
        tool.put("name", ToolInfo.NAME);
        tool.put("version", ToolInfo.version());
        root.set("target", target(result.target()));
        root.put("startedAt", instant(result.startedAt()));
        root.put("verdict", diagnosis.verdict().name());
        root.put("summary", diagnosis.summary());
        root.put("exitCode", diagnosis.verdict().exitCode());
        ArrayNode findings = root.putArray("findings");
        diagnosis.findings().forEach(f -> findings.add(finding(f)));
        root.set("dns", orNull(result.dns().map(JsonReport::dns)));
        ArrayNode hosts = root.putArray("hosts");
        for (SessionResult s : result.sessions()) {
            hosts.add(host(result, s));
        }
        Optional<SessionResult> primary = Observations.primarySession(result);
        root.put("primaryHost", primary.map(Observations::hostLabel).orElse(null));
        root.set("tls", orNull(primary.flatMap(SessionResult::tls).map(t -> tls(t, result))));
        root.set("extensions", orNull(primary.map(JsonReport::extensions)));
        root.put("authenticated", primary.map(SessionResult::authenticated).orElse(false));
        root.put("queueId", primary.flatMap(SessionResult::queueId).orElse(null));
        root.put("messageId", primary.flatMap(SessionResult::messageId).orElse(null));
        ArrayNode posture = root.putArray("posture");
        result.posture().forEach(p -> posture.add(posture(p)));
        ObjectNode timings = root.putObject("timings");
        timings.put("totalMillis", Timings.millis(result.elapsed()));
        ObjectNode perPhase = timings.putObject("perPhase");
        primary.ifPresent(s -> Timings.perPhase(s).forEach((p, d) -> perPhase.put(p.id(), Timings.millis(d))));
        return root;
    }

    private static ObjectNode target(ProbeTarget t) {
        ObjectNode n = NODES.objectNode();
        n.put("input", t.input());
        n.put("kind", t.kind().name().toLowerCase(Locale.ROOT));
        n.put("domain", t.domain());
        n.put("unicodeDomain", t.unicodeDomain());
        n.put("mailbox", t.mailbox().orElse(null));
        n.put("port", t.port());
        return n;
    }

    private static ObjectNode finding(Finding f) {
        ObjectNode n = NODES.objectNode();
        n.put("id", f.id());
        n.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
        n.put("category", f.category().id());
        // "code" is only ever a server's reply code; what the probe observed itself carries the catalog's number
        // in catalogCode alone, with codeSource "probe", so no script mistakes a 111 or 449 for a reply.
        n.put("code", f.replyCode().orElse(null));
        n.put("catalogCode", f.code().orElse(null));
        n.put("codeSource", f.code().isEmpty() ? null : f.observed() ? "probe" : "server");
        n.put("enhancedCode", f.enhancedCode().orElse(null));
        n.put("title", f.title());
        n.put("detail", f.detail());
        n.put("remedy", f.remedy());
        n.put("actor", f.actor().id());
        n.put("host", f.host().orElse(null));
        n.put("phase", f.phase().map(SmtpPhase::id).orElse(null));
        return n;
    }

    private static ObjectNode dns(MxPlan plan) {
        ObjectNode n = NODES.objectNode();
        n.put("domain", plan.domain());
        n.put("kind", plan.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        ArrayNode hosts = n.putArray("hosts");
        for (MxHost h : plan.hosts()) {
            ObjectNode hn = hosts.addObject();
            hn.put("name", h.name());
            hn.put("preference", h.preference());
            ArrayNode addresses = hn.putArray("addresses");
            for (InetAddress a : h.addresses()) {
                addresses.add(Addresses.text(a));
            }
            hn.set("addressFailure", orNull(h.addressFailure().map(JsonReport::dnsFailure)));
            ArrayNode problems = hn.putArray("problems");
            h.problems().forEach(problems::add);
        }
        n.set("failure", orNull(plan.failure().map(JsonReport::dnsFailure)));
        return n;
    }

    private static ObjectNode dnsFailure(DnsFailure f) {
        ObjectNode n = NODES.objectNode();
        n.put("kind", f.kind().name().toLowerCase(Locale.ROOT));
        n.put("name", f.name());
        n.put("type", f.type());
        n.put("message", f.message());
        return n;
    }

    private ObjectNode host(ProbeResult result, SessionResult s) {
        ObjectNode n = NODES.objectNode();
        n.put("name", s.hostName());
        n.put("address", Observations.addressText(s.address()));
        n.put("port", s.address() == null ? 0 : s.address().getPort());
        OptionalInt preference = Observations.preference(result, s);
        if (preference.isPresent()) {
            n.put("preference", preference.getAsInt());
        } else {
            n.putNull("preference");
        }
        n.put("tlsMode", s.tlsMode().name().toLowerCase(Locale.ROOT));
        n.put("outcome", Observations.outcome(s).sessionWord());
        n.set("failure", orNull(s.failure().map(this::failure)));
        ArrayNode steps = n.putArray("steps");
        for (Step step : s.steps()) {
            steps.add(step(step));
        }
        n.set("tls", orNull(s.tls().map(t -> tls(t, result))));
        n.set("extensions", extensions(s));
        n.put("heloFallback", s.heloFallback());
        n.put("authenticated", s.authenticated());
        n.put("queueId", s.queueId().orElse(null));
        n.put("messageId", s.messageId().orElse(null));
        n.put("politeEnd", s.politeEnd());
        n.put("elapsedMillis", Timings.millis(s.elapsed()));
        if (options.transcript()) {
            ArrayNode transcript = n.putArray("transcript");
            for (TranscriptLine line : Redaction.transcript(s.transcript())) {
                ObjectNode ln = transcript.addObject();
                ln.put("direction", line.direction().name().toLowerCase(Locale.ROOT));
                ln.put("offsetMillis", s.startNanos() == 0 || line.nanos() == 0 ? 0
                        : Math.max(0, Duration.ofNanos(line.nanos() - s.startNanos()).toMillis()));
                ln.put("line", line.line());
            }
        }
        return n;
    }

    private ObjectNode failure(SessionFailure f) {
        ObjectNode n = NODES.objectNode();
        n.put("kind", f.kind().name().toLowerCase(Locale.ROOT));
        n.put("phase", f.phase().id());
        n.put("message", f.message());
        n.set("reply", orNull(f.reply().map(JsonReport::reply)));
        return n;
    }

    private ObjectNode step(Step step) {
        ObjectNode n = NODES.objectNode();
        n.put("phase", step.phase().id());
        n.put("command", step.command().map(Redaction::command).orElse(null));
        n.set("reply", orNull(step.reply().map(JsonReport::reply)));
        Optional<Classification> c = step.reply().flatMap(r -> classify(r, step.phase()));
        n.put("catalogCode", c.map(Classification::code).orElse(null));
        n.put("category", c.map(x -> x.category().id()).orElse(null));
        n.put("title", c.map(Classification::title).orElse(null));
        n.put("millis", Timings.millis(step.elapsed()));
        return n;
    }

    private Optional<Classification> classify(SmtpReply reply, SmtpPhase phase) {
        if (classifier == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(classifier.classify(reply, phase));
        } catch (RuntimeException e) {
            // A report must never fail for want of a catalog entry.
            return Optional.empty();
        }
    }

    private static ObjectNode reply(SmtpReply r) {
        ObjectNode n = NODES.objectNode();
        n.put("code", r.code());
        n.put("enhancedCode", r.enhanced().map(Object::toString).orElse(null));
        ArrayNode lines = n.putArray("lines");
        r.lines().forEach(lines::add);
        ArrayNode flags = n.putArray("flags");
        for (ReplyFlag f : ReplyFlag.values()) {
            if (r.flags().contains(f)) {
                flags.add(f.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
        }
        return n;
    }

    private static ObjectNode tls(TlsSessionInfo t, ProbeResult result) {
        ObjectNode n = NODES.objectNode();
        n.put("protocol", t.protocol());
        n.put("cipherSuite", t.cipherSuite());
        n.put("sni", t.sniHostName().isEmpty() ? null : t.sniHostName());
        n.put("trusted", t.trust().trusted());
        n.put("chainValid", t.trust().chainValid());
        n.put("chainProblem", t.trust().chainProblem().orElse(null));
        n.put("nameMatches", t.trust().nameMatches());
        n.put("expired", t.trust().expired());
        n.put("notYetValid", t.trust().notYetValid());
        ArrayNode certs = n.putArray("certificates");
        Instant now = Observations.probeTime(result);
        for (CertificateSummary c : t.chain()) {
            ObjectNode cn = certs.addObject();
            cn.put("subject", c.subject());
            cn.put("issuer", c.issuer());
            ArrayNode sans = cn.putArray("sans");
            c.subjectAltNames().forEach(sans::add);
            cn.put("notBefore", instant(c.notBefore()));
            cn.put("notAfter", instant(c.notAfter()));
            cn.put("daysToExpiry", c.notAfter() == null ? null : Observations.daysToExpiry(c, now));
            cn.put("keyAlgorithm", c.publicKeyAlgorithm());
            cn.put("keyBits", c.publicKeyBits());
            cn.put("signatureAlgorithm", c.signatureAlgorithm());
            cn.put("sha256", c.sha256Fingerprint());
            cn.put("selfSigned", c.selfSigned());
        }
        return n;
    }

    private static ObjectNode extensions(SessionResult s) {
        ObjectNode n = NODES.objectNode();
        n.set("beforeTls", extensionList(s.capabilitiesBeforeTls()));
        n.set("afterTls", s.tls().isPresent() ? extensionList(s.capabilities()) : NODES.nullNode());
        return n;
    }

    private static ArrayNode extensionList(EhloCapabilities caps) {
        ArrayNode list = NODES.arrayNode();
        for (EhloCapabilities.Extension e : caps.extensions()) {
            ObjectNode en = list.addObject();
            en.put("keyword", e.keyword());
            ArrayNode params = en.putArray("params");
            e.parameters().forEach(params::add);
        }
        return list;
    }

    private static ObjectNode posture(PostureCheck p) {
        ObjectNode n = NODES.objectNode();
        n.put("id", p.id());
        n.put("subject", p.subject());
        n.put("status", p.status().name().toLowerCase(Locale.ROOT));
        n.put("summary", p.summary());
        ArrayNode records = n.putArray("records");
        p.records().forEach(records::add);
        n.put("remedy", p.remedy());
        return n;
    }

    private static JsonNode orNull(Optional<? extends JsonNode> node) {
        return node.isPresent() ? node.get() : NODES.nullNode();
    }

    private static String instant(Instant i) {
        return i == null ? null : i.toString();
    }

    /** Per-phase milliseconds of one session, keyed by phase id; shared with the Nagios perfdata. */
    static Map<SmtpPhase, Duration> phases(SessionResult s) {
        return Timings.perPhase(s);
    }
}
