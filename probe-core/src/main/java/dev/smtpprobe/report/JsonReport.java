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
import dev.smtpprobe.model.RecipientResult;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmugglingResult;
import dev.smtpprobe.model.Step;
import dev.smtpprobe.model.TranscriptLine;
import dev.smtpprobe.model.EhloCapabilities;
import dev.smtpprobe.model.ErrorText;
import dev.smtpprobe.model.ReplyFlag;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.CertificateSummary;
import dev.smtpprobe.model.TlsSessionInfo;
import dev.smtpprobe.model.ChainReport;
import dev.smtpprobe.model.DaneVerdict;
import dev.smtpprobe.model.DnssecResult;
import dev.smtpprobe.model.HostTransport;
import dev.smtpprobe.model.MtaStsResult;
import dev.smtpprobe.model.MtaStsVerdict;
import dev.smtpprobe.model.TlsaLookup;
import dev.smtpprobe.model.TransportSecurity;
import dev.smtpprobe.model.TransportSecurityOptions;
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

    /**
     * The report as a tree. Every string in it has been through {@link JsonText#escapeAll}: no control character
     * reaches the JSON text or what a consumer decodes from it.
     */
    public ObjectNode toTree(ProbeResult probe, Diagnosis diagnosis) {
        ProbeResult result = options.secrets().scrub(probe);
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
        root.set("transport", transport(result.transport()));
        // Optional: present only when --smuggling-test ran, so reports without it stay as they were.
        if (!result.smuggling().isEmpty()) {
            root.set("smuggling", smuggling(result));
        }
        ObjectNode timings = root.putObject("timings");
        timings.put("totalMillis", Timings.millis(result.elapsed()));
        ObjectNode perPhase = timings.putObject("perPhase");
        primary.ifPresent(s -> Timings.perPhase(s).forEach((p, d) -> perPhase.put(p.id(), Timings.millis(d))));
        return JsonText.escapeAll(root, options.secrets());
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
        n.put("message", ErrorText.plain(f.message()));
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
        // Only when used, so reports of direct sessions stay as they were: the proxy as host:port, never its user.
        s.request().options().proxy().ifPresent(p -> n.put("proxy", p.display()));
        s.request().options().proxyProtocol().ifPresent(v -> n.put("proxyProtocol", v.id()));
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
        n.set("auth", orNull(s.auth().map(JsonReport::auth)));
        ArrayNode recipients = n.putArray("recipients");
        for (RecipientResult r : s.recipients()) {
            recipients.add(recipient(r));
        }
        n.set("delivery", orNull(s.delivery().map(JsonReport::delivery)));
        n.put("roundTrips", s.roundTrips());
        n.put("pipelinedCommands", s.pipelinedCommands());
        ArrayNode notes = n.putArray("notes");
        for (SessionNote note : s.notes()) {
            ObjectNode nn = notes.addObject();
            nn.put("kind", note.kind().name().toLowerCase(Locale.ROOT));
            nn.put("phase", note.phase().id());
            nn.put("detail", note.detail());
        }
        Optional<HostTransport> t = Observations.transport(result, s);
        n.set("dane", orNull(t.map(h -> dane(h.dane()))));
        n.set("mtaSts", orNull(t.map(h -> mtaStsVerdict(h.mtaSts()))));
        n.set("chain", orNull(t.map(h -> chain(h.chain()))));
        if (options.transcript()) {
            ArrayNode transcript = n.putArray("transcript");
            for (TranscriptLine line : Redaction.transcript(s.transcript())) {
                ObjectNode ln = transcript.addObject();
                ln.put("direction", line.direction().name().toLowerCase(Locale.ROOT));
                ln.put("offsetMillis", s.startNanos() == 0 || line.nanos() == 0 ? 0
                        : Math.max(0, Duration.ofNanos(line.nanos() - s.startNanos()).toMillis()));
                ln.put("line", line.direction() == TranscriptLine.Direction.INFO ? ErrorText.plain(line.line())
                        : line.line());
            }
        }
        return n;
    }

    private ObjectNode smuggling(ProbeResult result) {
        ObjectNode n = NODES.objectNode();
        SessionResult first = result.smuggling().get(0);
        n.put("host", Observations.hostLabel(first));
        n.put("vulnerable", result.smugglingResults().stream().anyMatch(SmugglingResult::vulnerable));
        ArrayNode sequences = n.putArray("sequences");
        for (SessionResult s : result.smuggling()) {
            s.smuggling().ifPresent(t -> {
                ObjectNode tn = sequences.addObject();
                tn.put("sequence", t.sequence().id());
                tn.put("label", t.sequence().label());
                tn.put("verdict", t.verdict().id());
                tn.put("vulnerable", t.vulnerable());
                ArrayNode replies = tn.putArray("replies");
                t.replies().forEach(r -> replies.add(reply(r)));
                tn.put("detail", t.detail());
                tn.put("politeEnd", s.politeEnd());
                tn.put("elapsedMillis", Timings.millis(s.elapsed()));
                if (options.transcript()) {
                    ArrayNode transcript = tn.putArray("transcript");
                    for (TranscriptLine line : Redaction.transcript(s.transcript())) {
                        ObjectNode ln = transcript.addObject();
                        ln.put("direction", line.direction().name().toLowerCase(Locale.ROOT));
                        ln.put("line", line.direction() == TranscriptLine.Direction.INFO ? ErrorText.plain(line.line())
                                : line.line());
                    }
                }
            });
        }
        return n;
    }

    private static ObjectNode auth(SessionResult.AuthResult a) {
        ObjectNode n = NODES.objectNode();
        n.put("mechanism", a.mechanism());
        n.put("succeeded", a.succeeded());
        n.put("serverVerified", a.serverVerified());
        return n;
    }

    private static ObjectNode recipient(RecipientResult r) {
        ObjectNode n = NODES.objectNode();
        n.put("address", r.address());
        n.put("madeUp", r.probe());
        n.set("reply", orNull(r.reply().map(JsonReport::reply)));
        n.put("notTried", r.notTried().orElse(null));
        r.messageReply().ifPresent(after -> n.set("messageReply", reply(after)));
        return n;
    }

    private static ObjectNode delivery(SessionResult.Delivery d) {
        ObjectNode n = NODES.objectNode();
        n.put("method", d.method());
        n.put("octets", d.octets());
        n.put("chunks", d.chunks());
        n.put("messageId", d.messageId().orElse(null));
        n.put("queueId", d.queueId().orElse(null));
        return n;
    }

    private ObjectNode failure(SessionFailure f) {
        ObjectNode n = NODES.objectNode();
        n.put("kind", f.status().id());
        n.put("phase", f.phase().id());
        // A refusal quotes the server, whose words stay as they are; our own messages never name Java classes.
        n.put("message", f.reply().isPresent() ? f.message() : ErrorText.plain(f.message()));
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
            cn.put("spkiSha256", c.spkiSha256().isEmpty() ? null : c.spkiSha256());
            cn.put("mustStaple", c.mustStaple());
            cn.put("certificateAuthority", c.certificateAuthority());
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

    private static ObjectNode transport(TransportSecurity t) {
        ObjectNode n = NODES.objectNode();
        n.put("dnssecMode", t.dnssecMode() == TransportSecurityOptions.DnssecMode.VALIDATE ? "validate" : "resolver-ad");
        n.set("mxDnssec", orNull(t.mxDnssec().map(JsonReport::dnssec)));
        ArrayNode tlsa = n.putArray("tlsa");
        for (TlsaLookup l : t.tlsa()) {
            ObjectNode ln = tlsa.addObject();
            ln.put("host", l.host());
            ln.put("port", l.port());
            ln.put("baseDomain", l.baseDomain());
            ln.put("name", l.tlsaName());
            ArrayNode records = ln.putArray("records");
            l.records().forEach(r -> records.add(r.toString()));
            ln.set("dnssec", dnssec(l.tlsaDnssec()));
            ln.set("addressDnssec", dnssec(l.addressDnssec()));
            ln.put("daneApplies", l.daneApplies());
            ln.put("failure", l.failure().orElse(null));
        }
        n.set("mtaSts", orNull(t.mtaSts().map(JsonReport::mtaSts)));
        ObjectNode thresholds = n.putObject("certificateThresholds");
        thresholds.put("warnDays", t.certWarnDays());
        thresholds.put("critDays", t.certCritDays());
        return n;
    }

    private static ObjectNode dnssec(DnssecResult d) {
        ObjectNode n = NODES.objectNode();
        n.put("status", d.status().name().toLowerCase(Locale.ROOT));
        n.put("reason", d.reason());
        return n;
    }

    private static ObjectNode mtaSts(MtaStsResult m) {
        ObjectNode n = NODES.objectNode();
        n.put("domain", m.domain());
        n.put("url", m.url());
        n.put("recordId", m.recordId().orElse(null));
        n.put("fetch", m.fetch().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        n.put("httpStatus", m.httpStatus().orElse(null));
        n.set("policy", orNull(m.policy().map(p -> {
            ObjectNode pn = NODES.objectNode();
            pn.put("mode", p.mode().name().toLowerCase(Locale.ROOT));
            ArrayNode mx = pn.putArray("mx");
            p.mx().forEach(mx::add);
            pn.put("maxAgeSeconds", p.maxAgeSeconds());
            return pn;
        })));
        ArrayNode problems = n.putArray("problems");
        m.problems().forEach(problems::add);
        n.put("elapsedMillis", Timings.millis(m.elapsed()));
        return n;
    }

    private static ObjectNode dane(DaneVerdict d) {
        ObjectNode n = NODES.objectNode();
        n.put("outcome", d.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        n.put("reason", d.reason());
        n.put("matchedRecord", d.matched().map(Object::toString).orElse(null));
        n.put("presentedKeyRecord", d.presentedKeyRecord().orElse(null));
        return n;
    }

    private static ObjectNode mtaStsVerdict(MtaStsVerdict v) {
        ObjectNode n = NODES.objectNode();
        n.put("outcome", v.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        n.put("reason", v.reason());
        ArrayNode failures = n.putArray("failures");
        v.failures().forEach(failures::add);
        return n;
    }

    private static ObjectNode chain(ChainReport c) {
        ObjectNode n = NODES.objectNode();
        n.put("ordered", c.ordered());
        n.put("missingIssuer", c.missingIssuer().orElse(null));
        ArrayNode weaknesses = n.putArray("weaknesses");
        c.weaknesses().forEach(weaknesses::add);
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
