package dev.smtpprobe.auth;

import dev.smtpprobe.model.Credential;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * XOAUTH2 (Google's format) and OAUTHBEARER (RFC 7628) differ only in the message and in how the client
 * acknowledges the server's error document: XOAUTH2 with an empty line, OAUTHBEARER with a single U+0001. Either
 * way the server then ends with 535, and the document is what tells the user why.
 */
final class OAuthSaslClient extends SingleMessageSaslClient {
    private static final char SEP = '\u0001';

    private final byte[] acknowledgement;
    private final String message;

    private OAuthSaslClient(String mechanism, String message, byte[] acknowledgement) {
        super(mechanism);
        this.message = message;
        this.acknowledgement = acknowledgement;
    }

    static OAuthSaslClient xoauth2(Credential.BearerToken credential) {
        String message = "user=" + credential.username() + SEP + "auth=Bearer " + credential.token() + SEP + SEP;
        return new OAuthSaslClient("XOAUTH2", message, new byte[0]);
    }

    /** The host and port let the server check that the token was issued for it (RFC 7628 §3.1). */
    static OAuthSaslClient oauthBearer(Credential.BearerToken credential, SaslContext context) {
        StringBuilder message = new StringBuilder("n,");
        if (!credential.username().isEmpty()) {
            message.append("a=").append(Gs2.saslName(credential.username()));
        }
        message.append(',').append(SEP);
        context.host().ifPresent(host -> message.append("host=").append(host).append(SEP));
        context.port().ifPresent(port -> message.append("port=").append(port).append(SEP));
        message.append("auth=Bearer ").append(credential.token()).append(SEP).append(SEP);
        return new OAuthSaslClient("OAUTHBEARER", message.toString(), new byte[] {SEP});
    }

    @Override
    byte[] message() {
        return utf8(message);
    }

    @Override
    SaslException refusal(byte[] challenge) throws SaslException {
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(challenge)).toString();
        } catch (CharacterCodingException e) {
            throw fail(SaslException.Reason.MALFORMED_CHALLENGE, "the server's error challenge is not UTF-8");
        }
        Map<String, String> members;
        try {
            members = JsonMembers.topLevelScalars(json);
        } catch (IllegalArgumentException e) {
            throw fail(SaslException.Reason.MALFORMED_CHALLENGE,
                    "the server's challenge is not an OAuth error document (" + e.getMessage() + ")");
        }
        OAuthError error = OAuthError.of(members);
        return new SaslException(SaslException.Reason.SERVER_ERROR,
                mechanism() + ": the server refused the token (" + error.summary() + ")",
                Optional.of(error), Optional.empty());
    }

    @Override
    byte[] refusalAcknowledgement() {
        return acknowledgement.clone();
    }
}
