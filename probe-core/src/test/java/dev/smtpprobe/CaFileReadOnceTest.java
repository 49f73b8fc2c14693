package dev.smtpprobe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.model.HostTransport;
import dev.smtpprobe.model.ProbeRequest;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prober reads each CA file once and judges every probe after with those anchors, in the session (is the chain
 * trusted) and in the transport report (is an issuer missing) alike: a batch of thousands of probes parses the
 * file once, not once per probe, and no probe sees half of a file being rewritten.
 */
class CaFileReadOnceTest {

    @TempDir
    Path dir;

    @Test
    void aCaFileReplacedBetweenProbesChangesNothingForTheProberThatReadIt() throws Exception {
        TestCertificates.Authority ca = TestCertificates.newAuthority("read-once CA");
        Path caFile = ca.writePem(dir.resolve("ca.pem"));
        try (MockSmtpServer server = new MockSmtpServer().hostName("localhost");
                SmtpProber prober = SmtpProber.builder().threads(1).build()) {
            // The leaf alone: whether its issuer counts as missing then depends on the anchors the judge was given.
            server.startTls(ca.issue("localhost", "127.0.0.1").leafOnly());
            server.start();
            ProbeRequest request = ProbeRequest.builder(new ProbeTarget("127.0.0.1:" + server.port(),
                            ProbeTarget.Kind.SERVER, "127.0.0.1", "127.0.0.1", Optional.empty(), server.port()))
                    .startTls(StartTlsPolicy.REQUIRE).caFile(caFile).tlsName("localhost").ehloName("probe.test")
                    .posture(false).build();

            ProbeResult first = prober.probe(request).get(30, TimeUnit.SECONDS);
            TestCertificates.newAuthority("another CA").writePem(caFile);
            ProbeResult second = prober.probe(request).get(30, TimeUnit.SECONDS);

            for (ProbeResult r : new ProbeResult[] {first, second}) {
                SessionResult session = r.sessions().get(0);
                assertThat(session.tls()).get().satisfies(tls -> assertThat(tls.trust().trusted())
                        .as("%s", tls.trust()).isTrue());
                HostTransport host = r.transport().hosts().get(0);
                assertThat(host.chain().missingIssuer()).as("the transport report judged with the same anchors")
                        .isEmpty();
            }
        }
    }
}
