package dev.smtpprobe.auth;

import dev.smtpprobe.model.Credential;

/**
 * RFC 4616 with an empty authorization identity: asking to act as another user is a different test from
 * checking that a login works. The password goes as typed; SASLprep is the server's job here (RFC 4616 §2).
 */
final class PlainSaslClient extends SingleMessageSaslClient {
    private final Credential.Password credential;

    PlainSaslClient(Credential.Password credential) {
        super("PLAIN");
        this.credential = credential;
    }

    @Override
    byte[] message() {
        return utf8("\0" + credential.username() + "\0" + credential.password());
    }

    @Override
    SaslException refusal(byte[] challenge) throws SaslException {
        throw fail(SaslException.Reason.UNEXPECTED_CHALLENGE,
                "PLAIN has no server challenges, but the server sent one");
    }

    @Override
    byte[] refusalAcknowledgement() {
        throw new AssertionError("PLAIN never accepts a refusal challenge");
    }
}
