package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A whole mail log in, one table out: {@code smtp-probe bounces LOGFILE} and {@code explain --summary}, on a Postfix
 * log written for this project (postfix-mail.log: 35 delivery results among 167 lines) and on generated logs.
 */
class BouncesCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path postfixLog() throws Exception {
        Path log = dir.resolve("mail.log");
        try (InputStream in = Objects.requireNonNull(
                getClass().getResourceAsStream("/dev/smtpprobe/cli/postfix-mail.log"))) {
            Files.copy(in, log);
        }
        return log;
    }

    @Test
    void aPostfixLogBecomesATableOfCategoriesDomainsTopRepliesAndFirstActions() throws Exception {
        CliRun run = CliRun.of("bounces", postfixLog().toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.firstLine()).isEqualTo("Mail log summary: 167 lines, 35 delivery results (14 delivered, 12 deferred,"
                + " 8 bounced, 1 refused here)");
        String out = run.out();
        assertThat(out).contains("By category").contains("By receiving domain").contains("Top replies per category")
                .contains("What to do first");
        assertThat(out).containsPattern("recipient-unknown\\s+4\\s+0\\s+4\\s+0\\s+sender");
        assertThat(out).containsPattern("reverse-dns\\s+4\\s+3\\s+1\\s+0\\s+ip-provider");
        assertThat(out).containsPattern("timeout\\s+4\\s+4\\s+0");
        assertThat(out).containsPattern("slow\\.example\\s+4\\s+4\\s+0\\s+timeout \\(4\\)");
        // Replies that differ only in the address are one shape, with one example.
        assertThat(out).contains("3x  550 5.1.1 <addr>: Recipient address rejected: User unknown in virtual mailbox table")
                .contains("e.g. 550 5.1.1 <bob@example.org>: Recipient address rejected");
        assertThat(out).contains("1. recipient-unknown (4)");
        // A connect line without a result is not counted twice beside its status=deferred line.
        assertThat(out).doesNotContain("timeout                        8");
    }

    @Test
    void jsonGivesTheSameSummaryForScripts() throws Exception {
        CliRun run = CliRun.of("bounces", "--format", "json", postfixLog().toString());

        JsonNode json = JSON.readTree(run.out());
        assertThat(json.at("/lines").asLong()).isEqualTo(167);
        assertThat(json.at("/results").asLong()).isEqualTo(35);
        assertThat(json.at("/byDisposition/bounced").asLong()).isEqualTo(8);
        assertThat(json.at("/capped/domains").asBoolean()).isFalse();
        JsonNode reverse = category(json, "reverse-dns");
        assertThat(reverse.at("/results").asLong()).isEqualTo(4);
        assertThat(reverse.at("/actor").asText()).isEqualTo("ip-provider");
        assertThat(reverse.at("/topReplies/0/example").asText()).contains("cannot find your reverse hostname");
        assertThat(StreamSupport.stream(json.at("/domains").spliterator(), false)
                .map(d -> d.get("domain").asText())).contains("mail.example.info", "slow.example", "example.org");
        assertThat(json.at("/firstActions/0/category").asText()).isEqualTo("recipient-unknown");
    }

    @Test
    void explainSummaryReadsStandardInputTheSameWay() throws Exception {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new ExplainCommand(Files.newInputStream(postfixLog())))
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter())).execute("--summary");

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("Mail log summary: 167 lines, 35 delivery results");
    }

    @Test
    void memoryStaysBoundedAndTheOutputSaysWhenKeysWereCapped() throws Exception {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            log.append("Mar 14 09:00:00 relay postfix/smtp[1]: 4Q").append(i).append(": to=<u@d").append(i)
                    .append(".example>, relay=none, delay=1, dsn=5.4.4, status=bounced (Host or domain name not found."
                            + " Name service error for name=d").append(i).append(".example type=MX: Host not found)\n");
        }
        LogSummary summary = new LogSummary(dev.smtpprobe.catalog.ReplyClassifier.standard(), 100);
        for (String line : log.toString().split("\n")) {
            summary.accept(line);
        }
        assertThat(summary.keyCounts().get("domains")).isLessThanOrEqualTo(101);
        assertThat(summary.keyCounts().get("shapes")).isLessThanOrEqualTo(100);

        Path file = dir.resolve("big.log");
        Files.writeString(file, log);
        CliRun run = CliRun.of("bounces", "--max-keys", "100", file.toString());
        assertThat(run.out()).contains("Note: more than 100 distinct domains").contains("(other)");
        assertThat(run.out()).containsPattern("domain-not-found\\s+3000\\s+0\\s+3000");
    }

    @Test
    void aProgressLineGoesToStandardErrorWhileALargeFileIsRead() throws Exception {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            log.append("Mar 14 09:00:00 relay postfix/qmgr[1]: 4Q").append(i).append(": removed\n");
        }
        Path file = dir.resolve("queue.log");
        Files.writeString(file, log);

        CliRun run = CliRun.of("bounces", "--progress", file.toString());

        assertThat(run.err()).contains("queue.log: ").contains("% (5,000 lines)");
        assertThat(run.out()).startsWith("Mail log summary: 5,000 lines, 0 delivery results")
                .doesNotContain("queue.log: ");
        assertThat(CliRun.of("bounces", file.toString()).err()).as("not a terminal: no progress").isEmpty();
    }

    @Test
    void anUnreadableLogFileIsAUsageError() {
        CliRun run = CliRun.of("bounces", dir.resolve("missing.log").toString());

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("cannot be read");
    }

    @Test
    void explainBatchReadsEveryDialectIncludingFailuresWithoutAReply() throws Exception {
        List<String> lines = List.of(
                // Postfix: a local connect timeout, a name that does not resolve, a quoted reply
                "Mar 23 11:23:31 h postfix/smtp[143]: BB48359B: to=<ehs@example.com>, relay=none, delay=151, dsn=4.4.1,"
                        + " status=deferred (connect to mx.example.com[192.0.2.55]:25: Connection timed out)",
                "Jan 25 18:40:57 h postfix/smtp[9]: 141302: to=<a@example.invalid>, relay=none, delay=0.1, dsn=5.4.4,"
                        + " status=bounced (Host or domain name not found. Name service error for name=example.invalid"
                        + " type=MX: Host not found)",
                // Exim: a deferral with an errno, a bounce with a quoted reply
                "2023-03-24 10:02:24 1pfdJV-004eVE-9X == zeus@example.dev R=dnslookup T=remote_smtp defer (113): No route"
                        + " to host H=mail.example.dev [192.0.2.93]",
                "2024-02-01 08:00:00 1rVabc-000def-Gh ** bob@example.org R=dnslookup T=remote_smtp: SMTP error from remote"
                        + " mail server after RCPT TO:<bob@example.org>: 550 5.1.1 <bob@example.org>: User unknown",
                // Sendmail: dsn and stat only
                "Oct 17 09:43:13 h sendmail[123]: x9H7hD: to=<bob@example.org>, delay=00:00:01, mailer=esmtp, pri=120,"
                        + " relay=mx.example.org. [192.0.2.7], dsn=5.2.2, stat=Mailbox full",
                // Exchange message tracking (CSV), qmail, a Microsoft 365 and a Google bounce notice
                "2024-05-06T10:00:00.000Z,10.0.0.5,EXCH01,192.0.2.44,mx.example.com,,SMTP,FAIL,1234,<m@example.net>,"
                        + "bob@example.com,,550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP"
                        + " address lookup,1,12345,,Hello,sender@example.net",
                "Sorry, I couldn't find any host named example.invalid. (#5.1.2)",
                "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'",
                "The error that the other server returned was: 552 5.2.2 The email account that you tried to reach is over quota.");
        String stdin = String.join("\n", lines) + "\n";
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new ExplainCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))))
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter())).execute("--batch");

        assertThat(exit).isZero();
        List<JsonNode> answers = new ArrayList<>();
        for (String l : out.toString().split("\n")) {
            answers.add(JSON.readTree(l));
        }
        assertThat(answers).hasSize(lines.size()).allSatisfy(a -> assertThat(a.has("error")).as(a.toString()).isFalse());
        assertThat(answers.stream().map(a -> a.get("category").asText())).containsExactly(
                "timeout", "domain-not-found", "connection-failed", "recipient-unknown", "mailbox-full",
                "recipient-unknown", "domain-not-found", "recipient-unknown", "mailbox-full");
        assertThat(answers.stream().map(a -> a.get("origin").asText())).containsExactly(
                "observed", "observed", "observed", "reply", "inferred", "reply", "observed", "reply", "reply");
        assertThat(answers.get(0).get("recipientDomain").asText()).isEqualTo("example.com");
        assertThat(answers.get(0).get("disposition").asText()).isEqualTo("deferred");
        assertThat(answers.get(4).get("recipient").asText()).isEqualTo("bob@example.org");
        assertThat(answers.get(4).get("disposition").asText()).isEqualTo("bounced");
    }

    private static JsonNode category(JsonNode json, String id) {
        for (JsonNode c : json.at("/categories")) {
            if (c.get("category").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no category " + id + " in " + json);
    }
}
