package dev.smtpprobe.auth;

import dev.smtpprobe.model.Credential;
import java.util.Optional;

/**
 * The unstandardised LOGIN mechanism. Servers word the two prompts differently ("Username:", "User Name",
 * localised, or empty), so the answers go by position: the first challenge gets the user name, the second the
 * password.
 */
final class LoginSaslClient extends AbstractSaslClient {
    private final Credential.Password credential;
    private int answered;

    LoginSaslClient(Credential.Password credential) {
        super("LOGIN");
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
        switch (answered) {
            case 0:
                answered = 1;
                return utf8(credential.username());
            case 1:
                answered = 2;
                return utf8(credential.password());
            default:
                throw fail(SaslException.Reason.UNEXPECTED_CHALLENGE,
                        "the server sent a third challenge after user name and password");
        }
    }

    @Override
    public void verifySuccess(Optional<byte[]> serverFinal) throws SaslException {
        throwIfFailed();
        if (answered == 0) {
            throw fail(SaslException.Reason.PREMATURE_SUCCESS,
                    "the server reported success before we sent the user name");
        }
        if (answered == 1) {
            throw fail(SaslException.Reason.PREMATURE_SUCCESS,
                    "the server reported success after the user name, without asking for the password");
        }
    }

    @Override
    public boolean complete() {
        return answered == 2 && !failed();
    }
}
