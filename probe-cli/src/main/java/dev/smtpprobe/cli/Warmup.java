package dev.smtpprobe.cli;

import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.tls.TlsClientContexts;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import javax.crypto.KeyAgreement;

/**
 * Start-up work of a one-shot {@code probe} or of a {@code batch}, begun on a second thread as the JVM starts,
 * beside picocli's parsing and the conversation's waits on the network: on a cold JVM each would otherwise run on
 * the main thread, one after the other (a batch of 500 probes ends 7 to 10% sooner with it). Measured with {@code -Xlog:class+init} on a STARTTLS probe: about 100 ms building the JDK's TLS
 * context, the EC arithmetic of the handshake running interpreted (X25519 and P-256 together close to 30% of the
 * CPU samples), and the reply catalog read at the end.
 *
 * <p>Nothing here is kept: the throwaway context, keys and signature only get the JDK's classes initialised and its
 * code compiled. Class initialisation is the lock, so whichever thread asks first does the work and the other
 * waits for it; a failure here is left for the main thread to meet and report in its own words.
 */
final class Warmup {
    private Warmup() {
    }

    static void start() {
        Thread t = new Thread(Warmup::run, "smtp-probe-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.NORM_PRIORITY - 1);
        t.start();
    }

    private static void run() {
        try {
            TlsClientContexts.capturingClientContext();
            warmEllipticCurves();
            ReplyClassifier.standard();
        } catch (RuntimeException | LinkageError | GeneralSecurityException e) {
            // Not ours to report: the probe meets the same failure where it happens and says so.
        }
    }

    /** The curve arithmetic of a TLS 1.3 handshake: an X25519 key agreement and a P-256 ECDSA signature checked. */
    private static void warmEllipticCurves() throws GeneralSecurityException {
        KeyPairGenerator x25519 = KeyPairGenerator.getInstance("X25519");
        KeyPair ours = x25519.generateKeyPair();
        KeyAgreement agreement = KeyAgreement.getInstance("X25519");
        agreement.init(ours.getPrivate());
        agreement.doPhase(x25519.generateKeyPair().getPublic(), true);
        agreement.generateSecret();

        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair server = ec.generateKeyPair();
        byte[] transcript = "smtp-probe warm-up".getBytes(StandardCharsets.US_ASCII);
        Signature sign = Signature.getInstance("SHA256withECDSA");
        sign.initSign(server.getPrivate());
        sign.update(transcript);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance("SHA256withECDSA");
        verify.initVerify(server.getPublic());
        verify.update(transcript);
        verify.verify(signature);
    }
}
