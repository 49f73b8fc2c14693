package dev.smtpprobe.cli;

import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.report.HtmlReport;
import dev.smtpprobe.report.ReportOptions;
import java.time.format.DateTimeFormatter;

/** The status page and the per-target report; every string from a server or the config is escaped. */
final class ServePages {
    private ServePages() {
    }

    static String status(ServeConfig config, ServeScheduler scheduler) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>smtp-probe serve</title>")
                .append("<style>").append(HtmlReport.STYLE).append("</style></head><body><h1>smtp-probe serve</h1>")
                .append("<table><thead><tr><th>target</th><th>probes</th><th>module</th><th>schedule</th>")
                .append("<th>verdict</th><th>summary</th><th>finished</th></tr></thead><tbody>");
        for (ServeConfig.Target t : config.targets()) {
            var run = scheduler.last(t.name());
            String verdict = run.map(r -> r.diagnosis().verdict().name()).orElse(scheduler.isRunning(t.name())
                    ? "RUNNING" : "PENDING");
            b.append("<tr><td><a href=\"/report/").append(HtmlReport.escape(t.name())).append("\">")
                    .append(HtmlReport.escape(t.name())).append("</a></td><td>")
                    .append(HtmlReport.escape((t.server() ? "server " : "domain ") + t.spec())).append("</td><td>")
                    .append(HtmlReport.escape(t.module())).append("</td><td>")
                    .append(HtmlReport.escape(t.schedule().text())).append("</td><td class=\"verdict ")
                    .append(verdict.toLowerCase(java.util.Locale.ROOT)).append("\">").append(verdict).append("</td><td>")
                    .append(HtmlReport.escape(run.map(r -> r.diagnosis().summary()).orElse(""))).append("</td><td>")
                    .append(run.map(r -> DateTimeFormatter.ISO_INSTANT.format(r.finishedAt())).orElse(""))
                    .append("</td></tr>");
        }
        b.append("</tbody></table><p><a href=\"/metrics\">/metrics</a> · <a href=\"/healthz\">/healthz</a></p>")
                .append("</body></html>\n");
        return b.toString();
    }

    static String report(ServeScheduler.LastRun run) {
        return new HtmlReport(ReplyClassifier.standard(), ReportOptions.DEFAULTS).render(run.result(), run.diagnosis());
    }
}
