package dev.smtpprobe.diagnosis;

import dev.smtpprobe.catalog.Actor;
import dev.smtpprobe.catalog.Category;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmugglingResult;
import dev.smtpprobe.model.SmugglingResult.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The SMTP smuggling test's findings: CRITICAL for each sequence the server took as the end of data (the rule id
 * names the sequence: {@code smtp-smuggling-lf-crlf}), with the fix for the MTA its greeting names first; a note
 * for the sequences it resisted; a warning for each one the replies could not decide. Wording and fixes live in
 * {@code smuggling.tsv}.
 */
final class SmugglingRule implements Rule {

    @Override
    public List<Finding> apply(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        if (result.smuggling().isEmpty()) {
            return out;
        }
        SmugglingAdvice advice = SmugglingAdvice.get();
        List<String> resisted = new ArrayList<>();
        List<String> notRun = new ArrayList<>();
        SessionResult last = result.smuggling().get(result.smuggling().size() - 1);
        for (SessionResult s : result.smuggling()) {
            if (s.smuggling().isEmpty()) {
                continue;
            }
            SmugglingResult t = s.smuggling().get();
            String host = Observations.hostLabel(s);
            String label = t.sequence().label();
            switch (t.verdict()) {
                case ACCEPTED_AS_END_OF_DATA -> {
                    SmugglingAdvice.Mta mta = advice.mta(greeting(s));
                    String cves = mta.cve().isEmpty() ? advice.mtas().stream().map(SmugglingAdvice.Mta::cve)
                            .filter(c -> !c.isEmpty()).collect(Collectors.joining(", ")) : mta.cve();
                    Map<String, String> v = values(label, host, t.detail());
                    v.put("cve", cves.isEmpty() ? "" : ", " + cves);
                    String fix = mta.fix() + (mta.name().equals("other") ? " " + advice.text("other-fixes", v) : "");
                    v.put("fix", fix);
                    out.add(finding("smtp-smuggling-" + t.sequence().id(), Severity.CRITICAL, Category.PROTOCOL_ERROR,
                            advice.text("title", v), advice.text("detail", v), advice.text("remedy", v),
                            Actor.RECEIVING_ADMIN, s));
                }
                case REFUSED, TREATED_AS_DATA -> resisted.add(label + " (" + (t.verdict() == Verdict.REFUSED
                        ? "refused" : "taken as data") + ")");
                case INCONCLUSIVE -> {
                    Map<String, String> v = values(label, host, t.detail());
                    out.add(finding("smtp-smuggling-inconclusive", Severity.WARNING, Category.TIMEOUT,
                            advice.text("inconclusive-title", v), advice.text("inconclusive-detail", v),
                            advice.text("inconclusive-remedy", v), Actor.SENDER, s));
                }
                case NOT_RUN -> notRun.add(label + ": " + t.detail());
            }
        }
        if (!resisted.isEmpty()) {
            Map<String, String> v = values("", Observations.hostLabel(last), "");
            v.put("sequences", String.join(", ", resisted));
            out.add(finding("smtp-smuggling-resisted", Severity.INFO, Category.OK, advice.text("resisted-title", v),
                    advice.text("resisted-detail", v), "Nothing to do.", Actor.NOBODY, last));
        }
        if (!notRun.isEmpty()) {
            Map<String, String> v = values("", Observations.hostLabel(last), String.join("; ", notRun));
            out.add(finding("smtp-smuggling-not-run", Severity.WARNING, Category.UNKNOWN,
                    advice.text("not-run-title", v), advice.text("not-run-detail", v),
                    advice.text("not-run-remedy", v), Actor.SENDER, last));
        }
        return out;
    }

    private static Map<String, String> values(String sequence, String host, String evidence) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("sequence", sequence);
        v.put("host", host);
        v.put("evidence", evidence);
        return v;
    }

    private static String greeting(SessionResult s) {
        return s.steps().stream().filter(st -> st.phase() == SmtpPhase.BANNER).flatMap(st -> st.reply().stream())
                .map(r -> String.join(" ", r.lines())).findFirst().orElse("");
    }

    private static Finding finding(String id, Severity severity, Category category, String title, String detail,
            String remedy, Actor actor, SessionResult session) {
        return new Finding(id, severity, category, Optional.empty(), Optional.empty(), title, detail, remedy, actor,
                Optional.of(Observations.hostLabel(session)), Optional.of(SmtpPhase.MESSAGE));
    }
}
