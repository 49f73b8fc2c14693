package dev.smtpprobe.peers;

import static dev.smtpprobe.fixtures.peers.PostfixPeer.Scenario.STARTTLS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smtpprobe.fixtures.peers.PostfixPeer;
import dev.smtpprobe.fixtures.peers.RealPeerTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code smtp-probe bounces} on the log a real Postfix wrote while it refused and deferred our probes. */
@RealPeerTest("postfix")
class PostfixMailLogTest {

    @Test
    void aRealPostfixLogIsSummarisedPerCategoryAndReceivingDomain(PostfixPeer postfix) {
        String ca = postfix.caCertificate().toString();
        Cli.probe(postfix.server(STARTTLS), "--ca-file", ca, "-t", "unknown@peer.test", "--format", "json");
        Cli.probe(postfix.server(STARTTLS), "--ca-file", ca, "-t", "grey@peer.test", "--format", "json");
        assertThat(postfix.awaitLogLine(l -> l.contains("reject: RCPT") && l.contains("grey@peer.test"),
                Duration.ofSeconds(10))).as("Postfix logged the greylisting in %s", postfix.maillog()).isPresent();

        Cli text = Cli.run(List.of("bounces", postfix.maillog().toString()));
        Cli json = Cli.run(List.of("bounces", "--format", "json", postfix.maillog().toString()));

        assertThat(text.exitCode()).as("%s", text).isZero();
        assertThat(text.out()).contains("By category").contains("recipient-unknown").contains("greylisted")
                .contains("peer.test");
        JsonNode summary = json.json();
        assertThat(summary.toString()).contains("recipient-unknown").contains("greylisted");
    }
}
