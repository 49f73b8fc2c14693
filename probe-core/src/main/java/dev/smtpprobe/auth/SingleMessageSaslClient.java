package dev.smtpprobe.auth;

import java.util.Optional;

/**
 * Mechanisms that say everything in one client message (PLAIN, XOAUTH2, OAUTHBEARER). An empty 334 means the
 * server wants that message (because the engine sent no initial response, or the server ignored it), and is
 * answered once more at most; any other challenge is the server's refusal, which subclasses interpret.
 */
abstract class SingleMessageSaslClient extends AbstractSaslClient {
    private enum State { NOT_SENT, SENT, REFUSED }

    private State state = State.NOT_SENT;
    private boolean repeated;
    private SaslException refusal;

    SingleMessageSaslClient(String mechanism) {
        super(mechanism);
    }

    abstract byte[] message();

    /** The server's refusal carried by a non-empty challenge; throws if the challenge cannot be one. */
    abstract SaslException refusal(byte[] challenge) throws SaslException;

    /** What the mechanism sends after a refusal so the server can end the exchange. */
    abstract byte[] refusalAcknowledgement();

    @Override
    public final Optional<byte[]> initialResponse() {
        if (state == State.NOT_SENT) {
            state = State.SENT;
        }
        return Optional.of(message());
    }

    @Override
    public final byte[] evaluate(byte[] challenge) throws SaslException {
        requireChallenge(challenge);
        throwIfFailed();
        switch (state) {
            case NOT_SENT:
                if (challenge.length == 0) {
                    state = State.SENT;
                    return message();
                }
                throw fail(SaslException.Reason.UNEXPECTED_CHALLENGE,
                        "the server sent a challenge before our credentials");
            case SENT:
                if (challenge.length == 0) {
                    if (repeated) {
                        throw fail(SaslException.Reason.UNEXPECTED_CHALLENGE,
                                "the server asked for our credentials a third time");
                    }
                    repeated = true;
                    return message();
                }
                refusal = refusal(challenge);
                state = State.REFUSED;
                return refusalAcknowledgement();
            default:
                throw fail(SaslException.Reason.UNEXPECTED_CHALLENGE,
                        "the server sent another challenge after reporting an error");
        }
    }

    @Override
    public final void verifySuccess(Optional<byte[]> serverFinal) throws SaslException {
        throwIfFailed();
        switch (state) {
            case SENT:
                return;
            case NOT_SENT:
                throw fail(SaslException.Reason.PREMATURE_SUCCESS,
                        "the server reported success before we sent our credentials");
            default:
                throw remember(new SaslException(SaslException.Reason.SERVER_ERROR,
                        refusal.getMessage() + "; yet the server then reported success", refusal.oauthError(),
                        refusal.serverErrorCode()));
        }
    }

    @Override
    public final boolean complete() {
        return state == State.SENT && !failed();
    }

    @Override
    public final Optional<SaslException> serverFailure() {
        return Optional.ofNullable(refusal);
    }
}
