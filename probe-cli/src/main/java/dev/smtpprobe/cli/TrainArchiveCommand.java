package dev.smtpprobe.cli;

import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.TestCertificates;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The launcher's training run for its class-data archive (hidden): one STARTTLS probe through RCPT against an
 * embedded server on loopback, output discarded. The archive then holds what a probe loads, and on JDK 25 the
 * profiles of a probe's code; trained from the whole demo instead, it also carried every demo fixture and a
 * probe started 6 to 8% slower (748 against 685 ms, and 916 against 863 ms, alternated).
 */
@Command(name = "train-archive", hidden = true,
        description = "Runs one probe against an embedded server, for the launcher's class-data archive.")
final class TrainArchiveCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("smtp-probe-train");
        try (MockSmtpServer server = new MockSmtpServer()) {
            TestCertificates.Authority ca = TestCertificates.newAuthority("smtp-probe training CA");
            Path caFile = dir.resolve("ca.pem");
            ca.writePem(caFile);
            Instant now = Instant.now();
            server.hostName("mx.train.test").authMechanisms()
                    .startTls(ca.issue(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), "mx.train.test"));
            server.start(InetAddress.getLoopbackAddress(), 0);
            Warmup.start();
            PrintWriter discard = new PrintWriter(Writer.nullWriter());
            return SmtpProbeCommand.execute(discard, discard, "probe", "--server", "127.0.0.1:" + server.port(),
                    "--starttls", "require", "--ca-file", caFile.toString(), "--tls-name", "mx.train.test",
                    "--rcpt", "postmaster@train.test", "--quit-after", "rcpt", "--no-posture", "--ehlo", "train.test");
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }
}
