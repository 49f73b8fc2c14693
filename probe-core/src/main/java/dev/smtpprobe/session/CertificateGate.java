package dev.smtpprobe.session;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.TlsMode;
import dev.smtpprobe.model.TlsSessionInfo;
import dev.smtpprobe.model.TrustCheck;
import java.util.Optional;

/**
 * Whether the session may go on over a TLS session whose certificate failed: only when TLS was opportunistic.
 * When the user required TLS (implicit TLS or {@code --starttls require}) and asked for verification, a chain
 * or name failure stops the session, as a strict sender would.
 */
final class CertificateGate {
    private CertificateGate() {
    }

    static boolean rejects(SessionContext ctx, TlsSessionInfo info) {
        TrustCheck trust = info.trust();
        boolean required = ctx.options.tlsMode() == TlsMode.IMPLICIT
                || ctx.options.startTls() == StartTlsPolicy.REQUIRE;
        if (!required || !ctx.options.verifyCertificate() || trust.trusted()) {
            return false;
        }
        ctx.fail(ProbeStatus.CERTIFICATE_REJECTED, SmtpPhase.TLS_HANDSHAKE, "certificate rejected: "
                + trust.chainProblem().orElse("name does not match " + ctx.request.tlsName()), Optional.empty());
        return true;
    }
}
