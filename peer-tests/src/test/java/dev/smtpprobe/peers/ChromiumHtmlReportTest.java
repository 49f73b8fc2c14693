package dev.smtpprobe.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.fixtures.peers.RealPeerTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code --format html} report in a real browser: headless Chromium loads the file, logs no console error,
 * and leaves a screenshot under {@code target/html-report/} for a person to look at.
 */
@RealPeerTest("chromium")
class ChromiumHtmlReportTest {

    private static final Path OUT = Path.of("target", "html-report");

    @Test
    void theReportRendersWithoutConsoleErrors() throws Exception {
        Files.createDirectories(OUT);
        Path html = OUT.resolve("report.html").toAbsolutePath();
        TestCertificates.Authority ca = TestCertificates.newAuthority("chromium test CA");
        Path caFile = OUT.resolve("ca.pem");
        ca.writePem(caFile);
        try (MockSmtpServer server = new MockSmtpServer()) {
            server.hostName("localhost").authOnlyAfterTls().startTls(ca.issue("localhost", "127.0.0.1"));
            server.start();
            Cli run = Cli.probe("127.0.0.1:" + server.port(), "--ca-file", caFile.toString(), "--format", "html",
                    "--rcpt", "postmaster@example.test");
            assertThat(run.exitCode()).as(run.err()).isBetween(0, 1);
            Files.writeString(html, run.out(), StandardCharsets.UTF_8);
        }

        Path png = OUT.resolve("report.png").toAbsolutePath();
        Files.deleteIfExists(png);
        Browser shot = chromium("--screenshot=" + png, "--window-size=1200,1600", "file://" + html);
        Browser dom = chromium("--dump-dom", "file://" + html);

        assertThat(shot.exitCode()).as(shot.err()).isZero();
        assertThat(png).exists();
        assertThat(Files.size(png)).isGreaterThan(5_000);
        assertThat(dom.out()).contains("id=\"verdict\"").contains("class=\"waterfall\"");
        for (Browser b : List.of(shot, dom)) {
            assertThat(b.err().lines().filter(l -> l.contains("CONSOLE") || l.contains("Uncaught")))
                    .as("console messages").isEmpty();
        }
    }

    private record Browser(int exitCode, String out, String err) {
    }

    private static Browser chromium(String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("smtp-probe-chromium");
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("chromium", ".out");
        Path err = Files.createTempFile("chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        return new Browser(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
