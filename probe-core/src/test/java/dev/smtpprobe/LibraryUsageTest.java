package dev.smtpprobe;

import dev.smtpprobe.event.ProbeEventListener;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.catalog.Category;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.diagnosis.Diagnosis;
import dev.smtpprobe.diagnosis.DiagnosisEngine;
import dev.smtpprobe.diagnosis.Verdict;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.probe.TargetParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's "Using the library" snippet, against a loopback server instead of the Internet. */
class LibraryUsageTest {

    @Test
    void theReadmeSnippetWorksAsWritten() throws Exception {
        try (MockSmtpServer server = new MockSmtpServer().start();
                SmtpProber prober = SmtpProber.builder().listener(ProbeEventListener.NONE).build()) {
            ProbeTarget target = TargetParser.parseServer("127.0.0.1:" + server.port(), 25);
            ProbeResult result = prober.probe(ProbeRequest.builder(target)
                    .startTls(StartTlsPolicy.NEVER).recipients(List.of("bob@example.test")).build()).join();
            Diagnosis diagnosis = DiagnosisEngine.standard().diagnose(result);

            assertThat(result.sessions()).singleElement().satisfies(s -> assertThat(s.succeeded()).isTrue());
            assertThat(diagnosis.verdict()).isIn(Verdict.OK, Verdict.WARNING);
            assertThat(diagnosis.summary()).isNotBlank();
        }
        assertThat(ReplyClassifier.standard().classify("550 5.7.26 Unauthenticated email from example.com is not accepted")
                .category()).isEqualTo(Category.SENDER_UNAUTHENTICATED);
    }
}
