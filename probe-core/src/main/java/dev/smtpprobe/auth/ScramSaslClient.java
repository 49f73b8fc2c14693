package dev.smtpprobe.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalInt;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM (RFC 5802, RFC 7677) without channel binding. SCRAM is the one mechanism here where the server proves
 * it knows the password too, so this client refuses to call an exchange successful until that proof has been
 * checked; an exchange that ends with 235 but without a valid server signature is the signature of an impostor
 * (or a broken server) and is reported as such.
 *
 * <p>The server controls the iteration count, i.e. how much CPU we burn: above the context's limit we refuse
 * before computing anything. Counts below RFC 7677's 4096 are accepted but flagged for the report.
 */
final class ScramSaslClient extends AbstractSaslClient {
    static final int RECOMMENDED_MIN_ITERATIONS = 4096;
    private static final String CHANNEL_BINDING =
            Base64.getEncoder().encodeToString(Gs2.NO_BINDING_HEADER.getBytes(StandardCharsets.US_ASCII));

    enum Hash {
        SHA_1("SCRAM-SHA-1", "SHA-1", "HmacSHA1"),
        SHA_256("SCRAM-SHA-256", "SHA-256", "HmacSHA256");

        final String mechanism;
        final String digest;
        final String mac;

        Hash(String mechanism, String digest, String mac) {
            this.mechanism = mechanism;
            this.digest = digest;
            this.mac = mac;
        }
    }

    private enum State { INITIAL, CLIENT_FIRST_SENT, CLIENT_FINAL_SENT, VERIFIED, REFUSED }

    private final Hash hash;
    private final String username;
    private final SaslContext context;
    private byte[] preparedPassword;
    private State state = State.INITIAL;
    private String clientNonce;
    private String clientFirstBare;
    private boolean repeated;
    private int iterations;
    private byte[] expectedServerSignature;
    private SaslException refusal;

    ScramSaslClient(Hash hash, String username, String preparedPassword, SaslContext context) {
        super(hash.mechanism);
        this.hash = hash;
        this.username = username;
        this.preparedPassword = utf8(preparedPassword);
        this.context = context;
    }

    @Override
    public Optional<byte[]> initialResponse() {
        if (state == State.INITIAL) {
            state = State.CLIENT_FIRST_SENT;
        }
        return Optional.of(clientFirst());
    }

    private byte[] clientFirst() {
        if (clientFirstBare == null) {
            clientNonce = Base64.getEncoder().encodeToString(context.newNonce());
            clientFirstBare = "n=" + Gs2.saslName(username) + ",r=" + clientNonce;
        }
        return utf8(Gs2.NO_BINDING_HEADER + clientFirstBare);
    }

    @Override
    public byte[] evaluate(byte[] challenge) throws SaslException {
        requireChallenge(challenge);
        throwIfFailed();
        switch (state) {
            case INITIAL:
                if (challenge.length != 0) {
                    throw fail(SaslException.Reason.UNEXPECTED_CHALLENGE,
                            "the server sent a challenge before our first message");
                }
                state = State.CLIENT_FIRST_SENT;
                return clientFirst();
            case CLIENT_FIRST_SENT:
                if (challenge.length == 0 && !repeated) {
                    // The server ignored the initial response and asks for it with an empty 334.
                    repeated = true;
                    return clientFirst();
                }
                return onServerFirst(printable(challenge, "server-first"));
            case CLIENT_FINAL_SENT:
                onServerFinal(printable(challenge, "server-final"), false);
                return new byte[0];
            default:
                throw fail(SaslException.Reason.UNEXPECTED_CHALLENGE,
                        "the server sent another challenge after its final message");
        }
    }

    private byte[] onServerFirst(String serverFirst) throws SaslException {
        if (serverFirst.startsWith("e=")) {
            return refuse(serverFirst);
        }
        if (serverFirst.startsWith("m=")) {
            throw fail(SaslException.Reason.UNSUPPORTED_EXTENSION,
                    "the server requires a SCRAM extension (m=) this client does not implement");
        }
        String[] attributes = serverFirst.split(",", -1);
        if (attributes.length < 3) {
            throw fail(SaslException.Reason.MALFORMED_CHALLENGE,
                    "the server-first message lacks the nonce, salt or iteration count");
        }
        String nonce = attribute(attributes[0], 'r', "nonce");
        String saltText = attribute(attributes[1], 's', "salt");
        String countText = attribute(attributes[2], 'i', "iteration count");
        if (!nonce.startsWith(clientNonce)) {
            throw fail(SaslException.Reason.SERVER_NONCE_MISMATCH,
                    "the server's nonce does not start with ours, so the exchange may be replayed or forged");
        }
        byte[] salt = base64(saltText, "salt");
        iterations = iterationCount(countText);

        byte[] saltedPassword = hi(salt, iterations);
        Arrays.fill(preparedPassword, (byte) 0);
        preparedPassword = null;
        byte[] clientKey = hmac(saltedPassword, utf8("Client Key"));
        byte[] storedKey = digest(clientKey);
        String clientFinalWithoutProof = "c=" + CHANNEL_BINDING + ",r=" + nonce;
        byte[] authMessage = utf8(clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof);
        byte[] proof = hmac(storedKey, authMessage);
        for (int i = 0; i < proof.length; i++) {
            proof[i] ^= clientKey[i];
        }
        expectedServerSignature = hmac(hmac(saltedPassword, utf8("Server Key")), authMessage);
        Arrays.fill(saltedPassword, (byte) 0);
        Arrays.fill(clientKey, (byte) 0);
        state = State.CLIENT_FINAL_SENT;
        return utf8(clientFinalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
    }

    private int iterationCount(String text) throws SaslException {
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw fail(SaslException.Reason.MALFORMED_CHALLENGE, "the iteration count is not a positive number");
        }
        long count = Long.parseLong(text);
        if (count < 1) {
            throw fail(SaslException.Reason.MALFORMED_CHALLENGE, "the iteration count is zero");
        }
        if (count > context.maxIterationCount()) {
            throw fail(SaslException.Reason.ITERATION_COUNT_TOO_HIGH, "the server asks for " + count
                    + " iterations, more than our limit of " + context.maxIterationCount());
        }
        return (int) count;
    }

    private void onServerFinal(String serverFinal, boolean withSuccess) throws SaslException {
        int comma = serverFinal.indexOf(',');
        String first = comma < 0 ? serverFinal : serverFinal.substring(0, comma);
        if (first.startsWith("e=")) {
            if (withSuccess) {
                throw fail(SaslException.Reason.SERVER_ERROR, "the server reported the SCRAM error "
                        + Printable.shorten(first.substring(2), 64) + " yet also success");
            }
            refuse(serverFinal);
            return;
        }
        byte[] signature = base64(attribute(first, 'v', "server signature"), "server signature");
        if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
            throw fail(SaslException.Reason.SERVER_SIGNATURE_MISMATCH, "the server's signature is wrong: the server"
                    + " does not know the password (possible impostor)");
        }
        state = State.VERIFIED;
    }

    private byte[] refuse(String message) {
        int comma = message.indexOf(',');
        String code = Printable.shorten(message.substring(2, comma < 0 ? message.length() : comma), 64);
        refusal = new SaslException(SaslException.Reason.SERVER_ERROR,
                mechanism() + ": the server refused the exchange with the SCRAM error " + code,
                Optional.empty(), Optional.of(code));
        state = State.REFUSED;
        return new byte[0];
    }

    @Override
    public void verifySuccess(Optional<byte[]> serverFinal) throws SaslException {
        throwIfFailed();
        switch (state) {
            case VERIFIED:
                return;
            case CLIENT_FINAL_SENT:
                if (serverFinal.isPresent() && serverFinal.get().length > 0) {
                    onServerFinal(printable(serverFinal.get(), "server-final"), true);
                    return;
                }
                throw fail(SaslException.Reason.SERVER_SIGNATURE_MISSING, "the server reported success without"
                        + " its signature, so it never proved it knows the password");
            case REFUSED:
                throw remember(new SaslException(SaslException.Reason.SERVER_ERROR,
                        refusal.getMessage() + "; yet the server then reported success", Optional.empty(),
                        refusal.serverErrorCode()));
            default:
                throw fail(SaslException.Reason.PREMATURE_SUCCESS, "the server reported success before we sent"
                        + " our proof, without proving it knows the password");
        }
    }

    @Override
    public boolean complete() {
        return state == State.VERIFIED && !failed();
    }

    @Override
    public Optional<SaslException> serverFailure() {
        return Optional.ofNullable(refusal);
    }

    @Override
    public OptionalInt iterationCount() {
        return iterations > 0 ? OptionalInt.of(iterations) : OptionalInt.empty();
    }

    @Override
    public boolean lowIterationCount() {
        return iterations > 0 && iterations < RECOMMENDED_MIN_ITERATIONS;
    }

    /** SCRAM messages are printable ASCII by grammar; anything else is malformed, not something to decode. */
    private String printable(byte[] message, String name) throws SaslException {
        for (byte b : message) {
            if (b < 0x20 || b > 0x7e) {
                throw fail(SaslException.Reason.MALFORMED_CHALLENGE,
                        "the " + name + " message contains bytes outside printable ASCII");
            }
        }
        return new String(message, StandardCharsets.US_ASCII);
    }

    private String attribute(String text, char name, String meaning) throws SaslException {
        if (text.length() < 2 || text.charAt(0) != name || text.charAt(1) != '=') {
            throw fail(SaslException.Reason.MALFORMED_CHALLENGE,
                    "expected the " + meaning + " (" + name + "=) in the server's message");
        }
        String value = text.substring(2);
        if (value.isEmpty() && name != 's') {
            throw fail(SaslException.Reason.MALFORMED_CHALLENGE, "the " + meaning + " is empty");
        }
        return value;
    }

    private byte[] base64(String text, String meaning) throws SaslException {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw fail(SaslException.Reason.MALFORMED_CHALLENGE, "the " + meaning + " is not valid base64");
        }
    }

    /** Hi() of RFC 5802 §2.2: PBKDF2 with one block, written out because PBEKeySpec refuses an empty salt. */
    private byte[] hi(byte[] salt, int count) {
        Mac mac = mac(preparedPassword);
        mac.update(salt);
        mac.update(new byte[] {0, 0, 0, 1});
        byte[] u = mac.doFinal();
        byte[] result = u.clone();
        for (int i = 1; i < count; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    private byte[] hmac(byte[] key, byte[] data) {
        return mac(key).doFinal(data);
    }

    private Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(hash.mac);
            mac.init(new SecretKeySpec(key, hash.mac));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash.mac + " is not available in this JDK", e);
        }
    }

    private byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance(hash.digest).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash.digest + " is not available in this JDK", e);
        }
    }
}
