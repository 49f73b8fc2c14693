package dev.smtpprobe;

import dev.smtpprobe.model.SmtpPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.fixtures.RecordedCommand;
import dev.smtpprobe.fixtures.TestCertificates;
import dev.smtpprobe.model.Credential;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmtpProberAuthTest extends SessionTestSupport {

    private static final String SECRET = "hunter2-Very-Secret";

    @TempDir
    Path tmp;
    Path caFile;

    @BeforeEach
    void tls() {
        TestCertificates.Authority ca = TestCertificates.newAuthority("engine AUTH test CA");
        caFile = ca.writePem(tmp.resolve("ca.pem"));
        server.startTls(ca.issue("localhost")).users(Map.of("alice", SECRET));
    }

    private List<RecordedCommand> drain() {
        List<RecordedCommand> out = new ArrayList<>();
        Optional<RecordedCommand> c;
        while ((c = server.pollCommand(Duration.ofMillis(300))).isPresent()) {
            out.add(c.get());
        }
        return out;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertNoSecret(SessionResult r) {
        String everything = transcriptText(r) + "\n" + r.steps() + "\n" + r;
        assertThat(everything)
                .doesNotContain(SECRET)
                .doesNotContain(b64(SECRET))
                .doesNotContain(b64("\0alice\0" + SECRET))
                .doesNotContain(b64("alice"));
    }

    @Test
    void plainSucceedsAndTheSecretNeverAppears() throws Exception {
        server.authMechanisms("LOGIN", "PLAIN");
        server.start();
        SessionResult r = run(request().caFile(caFile).credential(new Credential.Password("alice", SECRET)).build());

        assertThat(r.failure()).isEmpty();
        assertThat(r.authenticated()).isTrue();
        RecordedCommand auth = drain().stream().filter(c -> c.verb().equals("AUTH")).findFirst().orElseThrow();
        assertThat(auth.args()).startsWith("PLAIN ").isEqualTo("PLAIN " + b64("\0alice\0" + SECRET));
        assertThat(transcriptText(r)).contains("SENT AUTH PLAIN <redacted>");
        assertThat(r.steps()).anySatisfy(s -> assertThat(s.command()).contains("AUTH PLAIN <redacted>"));
        assertNoSecret(r);
    }

    @Test
    void loginWhenPlainIsNotOffered() throws Exception {
        server.authMechanisms("LOGIN");
        server.start();
        SessionResult r = run(request().caFile(caFile).credential(new Credential.Password("alice", SECRET)).build());

        assertThat(r.authenticated()).isTrue();
        List<RecordedCommand> sent = drain();
        assertThat(sent).extracting(RecordedCommand::rawLine).contains("AUTH LOGIN", b64("alice"), b64(SECRET));
        assertThat(transcriptText(r)).contains("SENT AUTH LOGIN", "SENT <redacted>");
        assertNoSecret(r);
    }

    @Test
    void badCredentialsAreRecordedAndTheSessionQuits() throws Exception {
        server.authMechanisms("PLAIN");
        server.start();
        SessionResult r = run(request().caFile(caFile).credential(new Credential.Password("alice", "wrong"))
                .recipients(List.of("bob@example.test")).build());

        assertThat(r.authenticated()).isFalse();
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.REJECTED);
            assertThat(f.phase()).isEqualTo(SmtpPhase.AUTH);
            assertThat(f.reply()).hasValueSatisfying(rep -> assertThat(rep.code()).isEqualTo(535));
        });
        assertThat(drain()).extracting(RecordedCommand::verb).endsWith("AUTH", "QUIT");
        assertThat(r.politeEnd()).isTrue();
    }

    @Test
    void plaintextAuthIsRefusedUnlessForced() throws Exception {
        server.authMechanisms("PLAIN");
        server.start();
        SessionResult refused = run(request().startTls(StartTlsPolicy.NEVER)
                .credential(new Credential.Password("alice", SECRET)).build());
        assertThat(refused.failure()).hasValueSatisfying(f -> {
            assertThat(f.status()).isEqualTo(ProbeStatus.AUTH_REFUSED_PLAINTEXT);
            assertThat(f.phase()).isEqualTo(SmtpPhase.AUTH);
        });
        assertThat(drain()).extracting(RecordedCommand::verb).containsExactly("EHLO", "QUIT");

        SessionResult forced = run(request().startTls(StartTlsPolicy.NEVER).allowPlaintextAuth(true)
                .credential(new Credential.Password("alice", SECRET)).build());
        assertThat(forced.authenticated()).isTrue();
        assertThat(forced.tls()).isEmpty();
        assertNoSecret(forced);
    }

    @Test
    void noSupportedMechanism() throws Exception {
        server.authMechanisms("GSSAPI", "NTLM");
        server.start();
        SessionResult r = run(request().caFile(caFile).credential(new Credential.Password("alice", SECRET)).build());
        assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(ProbeStatus.AUTH_UNAVAILABLE));
        assertThat(drain()).extracting(RecordedCommand::verb).doesNotContain("AUTH");
    }
}
