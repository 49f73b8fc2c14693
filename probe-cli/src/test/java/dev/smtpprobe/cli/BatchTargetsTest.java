package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A batch validates one line of each shape in full and gives the lines after it only their own target and
 * recipients: that must never change what a line gets. Every line here, under several batch command lines, is
 * parsed by a batch that has seen lines of its shape and by a fresh one that has not, and both must agree on the
 * probe or on the error, word for word.
 */
class BatchTargetsTest {

    private static final List<List<String>> BATCH_ARGS = List.of(
            List.of(),
            List.of("--quit-after", "rcpt", "--starttls", "never", "--ehlo", "probe.test", "--no-posture"),
            List.of("--port", "2525", "--rcpt", "fixed@example.org"),
            List.of("--tls", "--timeout", "3"),
            List.of("--protocol", "lmtp", "--from", "sender@example.org"),
            List.of("--server", "default.example.net:2525"));

    private static final List<String> LINES = List.of(
            "example.com",
            "Example.COM",
            "b\u00fccher.example",
            "user@example.net",
            "\u00fcser@b\u00fccher.example",
            "127.0.0.1:2525",
            "[::1]:2526",
            "mx.example.net:25",
            "host.example:99999",
            "-leading-dash.example",
            "not a domain",
            "{\"server\":\"127.0.0.1:25\",\"rcpt\":[\"a@example.com\"]}",
            "{\"server\":\"127.0.0.1:26\",\"rcpt\":[\"b@example.com\",\"c@example.com\"]}",
            "{\"server\":\"127.0.0.1:27\",\"rcpt\":[\"not an address\"]}",
            "{\"server\":\"127.0.0.1:28\",\"rcpt\":[\"a@b.example\\r\\nRCPT TO:<x@evil.example>\"]}",
            "{\"server\":\"127.0.0.1:29\",\"rcpt\":[\"-dash@example.com\"]}",
            "{\"server\":\"-127.0.0.1\",\"rcpt\":[\"a@example.com\"]}",
            "{\"server\":\"127.0.0.1:32\",\"rcpt\":[\"--timeout\"]}",
            "{\"server\":\"--port\",\"rcpt\":[\"a@example.com\"]}",
            "{\"target\":\"example.org\",\"rcpt\":[\"d@example.org\"]}",
            "{\"target\":\"example.org\"}",
            "{\"target\":\"example.org\",\"quitAfter\":\"ehlo\"}",
            "{\"server\":\"[2001:db8::1]\",\"rcpt\":[\"e@example.com\"]}",
            "{\"server\":\"127.0.0.1\",\"quitAfter\":\"ehlo\"}",
            "{\"target\":\"x@y.example\",\"port\":587}",
            "{\"server\":\"127.0.0.1:31\",\"relayTest\":true}");

    @Test
    void aLineGetsWhatAFullValidationGivesItWhateverCameBefore() {
        int compared = 0;
        for (List<String> batchArgs : BATCH_ARGS) {
            BatchTargets seasoned = targets(batchArgs);
            // Twice over, in two orders, so that every shape has been seen by the time most lines come.
            List<String> order = new ArrayList<>(LINES);
            List<String> reversed = new ArrayList<>(LINES);
            java.util.Collections.reverse(reversed);
            order.addAll(reversed);
            for (String line : order) {
                Object fresh = outcome(targets(batchArgs), line);
                assertThat(outcome(seasoned, line)).as("batch %s, line %s", batchArgs, line).isEqualTo(fresh);
                compared++;
            }
        }
        assertThat(compared).isEqualTo(BATCH_ARGS.size() * LINES.size() * 2);
    }

    @Test
    void linesThatDifferOnlyInTargetAndRecipientsShareOneFullValidation() {
        BatchTargets targets = targets(List.of("--quit-after", "rcpt"));
        ProbeOptions first = targets.parse("{\"server\":\"127.0.0.1:25\",\"rcpt\":[\"a@example.com\"]}");
        ProbeOptions second = targets.parse("{\"server\":\"192.0.2.7:2525\",\"rcpt\":[\"b@example.com\"]}");

        assertThat(second.request().target().domain()).isEqualTo("192.0.2.7");
        assertThat(second.request().target().port()).isEqualTo(2525);
        assertThat(second.request().session().recipients()).containsExactly("b@example.com");
        // Everything else is the first line's, the very same objects: the second was not validated again.
        assertThat(second.request().session().timeouts()).isSameAs(first.request().session().timeouts());
        assertThat(second.thresholds()).isSameAs(first.thresholds());
    }

    @Test
    void aLineThatSendsAMessageIsValidatedInFullSoTheMessageIsAddressedToItsOwnRecipient() {
        BatchTargets targets = targets(List.of("--send", "--quit-after", "rcpt"));
        targets.parse("{\"server\":\"127.0.0.1:25\",\"rcpt\":[\"first@example.com\"]}");
        ProbeOptions second = targets.parse("{\"server\":\"127.0.0.1:25\",\"rcpt\":[\"second@example.com\"]}");

        assertThat(second.request().session().message()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("second@example.com").doesNotContain("first@example.com");
    }

    private static BatchTargets targets(List<String> batchArgs) {
        return new BatchTargets(batchArgs, new CommandLine(new BatchCommand()));
    }

    /** The probe a line gets, or its error message. */
    private static Object outcome(BatchTargets targets, String line) {
        try {
            return targets.parse(line);
        } catch (IllegalArgumentException e) {
            return Optional.of("error: " + e.getMessage());
        }
    }
}
