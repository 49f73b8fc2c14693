package dev.smtpprobe.auth;

import dev.smtpprobe.model.Credential;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 2195. The server speaks first; the HMAC covers the challenge bytes exactly as sent, whatever their shape,
 * because servers other than the RFC's example rarely send a strict msg-id.
 */
final class CramMd5SaslClient extends AbstractSaslClient {
    private final Credential.Password credential;
    private boolean responded;

    CramMd5SaslClient(Credential.Password credential) {
        super("CRAM-MD5");
        this.credential = credential;
    }

    @Override
    public Optional<byte[]> initialResponse() {
        return Optional.empty();
    }

    @Override
    public byte[] evaluate(byte[] challenge) throws SaslException {
        requireChallenge(challenge);
        throwIfFailed();
        if (responded) {
            throw fail(SaslException.Reason.UNEXPECTED_CHALLENGE, "the server sent a second challenge");
        }
        if (challenge.length == 0) {
            throw fail(SaslException.Reason.MALFORMED_CHALLENGE, "the server's challenge is empty");
        }
        responded = true;
        return utf8(credential.username() + " " + HexFormat.of().formatHex(hmacMd5(challenge)));
    }

    private byte[] hmacMd5(byte[] challenge) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(utf8(credential.password()), "HmacMD5"));
            return mac.doFinal(challenge);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacMD5 is not available in this JDK", e);
        }
    }

    @Override
    public void verifySuccess(Optional<byte[]> serverFinal) throws SaslException {
        throwIfFailed();
        if (!responded) {
            throw fail(SaslException.Reason.PREMATURE_SUCCESS,
                    "the server reported success before we answered its challenge");
        }
    }

    @Override
    public boolean complete() {
        return responded && !failed();
    }
}
