package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ExplainCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {
    }

    private static Run run(InputStream stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new ExplainCommand(stdin))
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Run run(String... args) {
        return run(InputStream.nullInputStream(), args);
    }

    private static InputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void textOutputNamesCategoryActorRetryRemedyAndPattern() {
        Run r = run("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .startsWith("550 5.1.1  Recipient address does not exist")
                .contains("enhanced:    5.1.1 Bad destination mailbox address")
                .contains("category:    recipient-unknown")
                .contains("who acts:    sender")
                .contains("retry:       no")
                .contains("remedy:      Check the address")
                .contains("pattern:     general-recipient-unknown (")
                .contains("smtpd_check.c");
        assertThat(r.out().lines().count()).isBetween(5L, 12L);
    }

    @Test
    void anEnhancedStatusAloneSaysNoServerSentTheBasicCode() throws Exception {
        Run r = run("5.2.2 <bob@example.org>... Mailbox Full");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("5.2.2  ").contains("category:    mailbox-full")
                .contains("reply code:  none given; read as 550").contains("which no server sent");

        JsonNode o = JSON.readTree(run("--format", "json", "5.2.2 <bob@example.org>... Mailbox Full").out());
        assertThat(o.get("origin").asText()).isEqualTo("inferred");
        assertThat(o.get("category").asText()).isEqualTo("mailbox-full");
    }

    @Test
    void aLogLineWithNoServerReplyIsExplainedAsObserved() throws Exception {
        String line = "Nov  3 18:11:25 mail postfix/smtp[1449]: AA16BBDD: to=<root@mail.example.com>, relay=none,"
                + " delay=30, dsn=4.4.1, status=deferred (connect to mail.example.com[192.0.2.123]:25: Connection timed out)";
        Run r = run(line);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("no reply  ").contains("category:    timeout")
                .contains("reply code:  none: no server replied");

        JsonNode o = JSON.readTree(run("--format", "json", line).out());
        assertThat(o.get("origin").asText()).isEqualTo("observed");
        assertThat(o.get("category").asText()).isEqualTo("timeout");
    }

    @Test
    void wordsGivenAsSeparateArgumentsAreOneReply() {
        Run r = run("550", "5.1.1", "User", "unknown");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("recipient-unknown");
    }

    @Test
    void jsonOutputHasTheContractFields() throws Exception {
        Run r = run("--format", "json", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using"
                + " zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1");
        assertThat(r.exit()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("code").asInt()).isEqualTo(554);
        assertThat(o.get("enhancedCode").asText()).isEqualTo("5.7.1");
        assertThat(o.get("category").asText()).isEqualTo("blocklisted");
        assertThat(o.get("retryable").asBoolean()).isFalse();
        assertThat(o.get("pattern").get("id").asText()).isEqualTo("general-blocklisted");
        assertThat(o.get("confidence").asText()).isEqualTo("high");
        assertThat(o.get("actor").asText()).isEqualTo("sending-admin");
        assertThat(o.get("entry").get("standard").asText()).contains("RFC 5321");
        assertThat(o.has("title")).isTrue();
        assertThat(o.has("input")).isTrue();
    }

    @Test
    void formatIsCaseInsensitive() {
        assertThat(run("--format", "JSON", "250 OK").out()).contains("\"category\" : \"ok\"");
    }

    @Test
    void multiLineReplyAsSeparateArgumentLines() {
        Run r = run("550-5.7.26 This mail has been blocked because the sender is",
                "550-5.7.26 unauthenticated. Gmail requires all senders to authenticate with",
                "550 5.7.26 either SPF or DKIM. - gsmtp");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("category:    sender-unauthenticated").contains("5.7.26");
    }

    @Test
    void multiLineReplyOnStandardInput() throws Exception {
        Run r = run(stdin("421-4.7.28 Gmail has detected an unusual rate of mail originating from your IP\r\n"
                + "421-4.7.28 address 192.0.2.25. To protect our users from spam, mail has been\r\n"
                + "421 4.7.28 temporarily rate limited. - gsmtp\r\n"), "--format", "json");
        assertThat(r.exit()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("code").asInt()).isEqualTo(421);
        assertThat(o.get("category").asText()).isEqualTo("rate-limited");
        assertThat(o.get("retryable").asBoolean()).isTrue();
    }

    @Test
    void logLineOnStandardInput() {
        Run r = run(stdin("Jan  2 10:11:12 mx postfix/smtp[99]: 4F1: to=<bob@example.net>, status=deferred"
                + " (host mx.example.net[192.0.2.7] said: 450 4.2.0 <bob@example.net>: Recipient address rejected:"
                + " Greylisted, see http://postgrey.schweikert.ch/help/example.net.html (in reply to RCPT TO command))\n"));
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("450 4.2.0").contains("category:    greylisted").contains("retry:       yes");
    }

    @Test
    void inputWithoutAReplyCodeIsAOneLineErrorAndExit3() {
        Run r = run("this is not a reply");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).startsWith("smtp-probe: explain:").doesNotContain("\n").doesNotContain("Exception");
        Run fromStdin = run(stdin("\n\n"));
        assertThat(fromStdin.exit()).isEqualTo(3);
    }

    @Test
    void badFormatIsAUsageError() {
        Run r = run("--format", "yaml", "250 OK");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("expected text or json");
    }

    @Test
    void batchWritesOneJsonObjectPerLineAndReportsGarbageInline() throws Exception {
        Run r = run(stdin("550 5.1.1 <a@example.org>: User unknown\n"
                + "complete garbage without any code\r\n"
                + "Dec 1 mx postfix/smtp[1]: X: status=bounced (host h[192.0.2.1] said: 552 5.2.2 Mailbox full"
                + " (in reply to RCPT TO command))\n"), "--batch");
        assertThat(r.exit()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("category").asText()).isEqualTo("recipient-unknown");
        assertThat(first.get("code").asInt()).isEqualTo(550);
        assertThat(first.get("enhancedCode").asText()).isEqualTo("5.1.1");
        for (String field : List.of("input", "code", "enhancedCode", "category", "title", "retryable", "pattern",
                "confidence")) {
            assertThat(first.has(field)).as(field).isTrue();
        }
        JsonNode garbage = JSON.readTree(lines.get(1));
        assertThat(garbage.get("error").asText()).isNotBlank();
        assertThat(garbage.get("input").asText()).isEqualTo("complete garbage without any code");
        JsonNode third = JSON.readTree(lines.get(2));
        assertThat(third.get("category").asText()).isEqualTo("mailbox-full");
        assertThat(third.get("pattern").isNull()).isFalse();
    }

    @Test
    void batchPatternIsNullWhenOnlyCodesDecided() throws Exception {
        Run r = run(stdin("550 5.1.1 nope\n"), "--batch");
        JsonNode o = JSON.readTree(r.out().lines().findFirst().orElseThrow());
        assertThat(o.get("pattern").isNull()).isTrue();
        assertThat(o.get("confidence").asText()).isEqualTo("high");
    }

    @Test
    void batchStreamsEachAnswerBeforeTheNextLineArrives() throws Exception {
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(feed);
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        PrintWriter out = new PrintWriter(new LineCollector(answers), false);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(
                new ExplainCommand(stdin)).setOut(out).setErr(new PrintWriter(new StringWriter()))
                .execute("--batch"));

        feed.write("421 4.7.0 Try again later\n".getBytes(StandardCharsets.UTF_8));
        feed.flush();
        // The first answer must arrive while stdin is still open: no buffering until end of input.
        String first = answers.poll(30, TimeUnit.SECONDS);
        assertThat(first).isNotNull().contains("\"code\":421");

        feed.write("not a reply\n".getBytes(StandardCharsets.UTF_8));
        feed.flush();
        assertThat(answers.poll(30, TimeUnit.SECONDS)).contains("\"error\"");

        feed.write("550 5.7.1 Relay access denied\n".getBytes(StandardCharsets.UTF_8));
        feed.close();
        assertThat(answers.poll(30, TimeUnit.SECONDS)).contains("relay-denied");
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void batchKeepsMemoryBoundedOnAnOverlongLine() throws Exception {
        String huge = "550 5.1.1 " + "x".repeat(ExplainCommand.MAX_CHARS * 3);
        Run r = run(stdin(huge + "\n250 ok\n"), "--batch");
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode o = JSON.readTree(lines.get(0));
        assertThat(o.get("input").asText().length()).isEqualTo(ExplainCommand.MAX_CHARS);
        assertThat(JSON.readTree(lines.get(1)).get("category").asText()).isEqualTo("ok");
    }

    /** Collects complete lines as they are flushed through the writer. */
    private static final class LineCollector extends OutputStream {
        private final BlockingQueue<String> lines;
        private final StringBuilder current = new StringBuilder();

        LineCollector(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(current.toString());
                current.setLength(0);
            } else {
                current.append((char) b);
            }
        }
    }
}
