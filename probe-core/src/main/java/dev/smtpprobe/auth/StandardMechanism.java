package dev.smtpprobe.auth;

import dev.smtpprobe.model.Credential;
import java.util.Objects;

/**
 * The mechanisms we implement, ranked. For passwords: SCRAM proves both sides without revealing the password;
 * CRAM-MD5 at least keeps it off the wire; PLAIN and LOGIN send it, PLAIN preferred as the standard one in a
 * single round trip. For tokens: OAUTHBEARER is the standard, XOAUTH2 Google's older dialect.
 */
enum StandardMechanism implements SaslClientFactory {
    SCRAM_SHA_256("SCRAM-SHA-256", 50, false) {
        @Override
        SaslClient start(Credential credential, SaslContext context) {
            return scram(ScramSaslClient.Hash.SHA_256, credential, context);
        }
    },
    SCRAM_SHA_1("SCRAM-SHA-1", 40, false) {
        @Override
        SaslClient start(Credential credential, SaslContext context) {
            return scram(ScramSaslClient.Hash.SHA_1, credential, context);
        }
    },
    CRAM_MD5("CRAM-MD5", 30, false) {
        @Override
        SaslClient start(Credential credential, SaslContext context) {
            return new CramMd5SaslClient((Credential.Password) credential);
        }
    },
    PLAIN("PLAIN", 20, true) {
        @Override
        SaslClient start(Credential credential, SaslContext context) {
            return new PlainSaslClient((Credential.Password) credential);
        }
    },
    LOGIN("LOGIN", 10, true) {
        @Override
        SaslClient start(Credential credential, SaslContext context) {
            return new LoginSaslClient((Credential.Password) credential);
        }
    },
    OAUTHBEARER("OAUTHBEARER", 20, false) {
        @Override
        SaslClient start(Credential credential, SaslContext context) {
            return OAuthSaslClient.oauthBearer((Credential.BearerToken) credential, context);
        }
    },
    XOAUTH2("XOAUTH2", 10, false) {
        @Override
        SaslClient start(Credential credential, SaslContext context) {
            return OAuthSaslClient.xoauth2((Credential.BearerToken) credential);
        }
    };

    private final String mechanism;
    private final int strength;
    private final boolean sendsSecretInClear;

    StandardMechanism(String mechanism, int strength, boolean sendsSecretInClear) {
        this.mechanism = mechanism;
        this.strength = strength;
        this.sendsSecretInClear = sendsSecretInClear;
    }

    abstract SaslClient start(Credential credential, SaslContext context);

    @Override
    public String mechanism() {
        return mechanism;
    }

    @Override
    public int strength() {
        return strength;
    }

    private boolean isScram() {
        return this == SCRAM_SHA_256 || this == SCRAM_SHA_1;
    }

    private boolean forTokens() {
        return this == OAUTHBEARER || this == XOAUTH2;
    }

    /**
     * SCRAM also needs a password SASLprep accepts: refusing here lets {@link SaslMechanisms#choose} fall back
     * to the next mechanism instead of failing after a round trip.
     */
    @Override
    public boolean supports(Credential credential) {
        Objects.requireNonNull(credential);
        if (forTokens()) {
            return credential instanceof Credential.BearerToken;
        }
        if (!(credential instanceof Credential.Password)) {
            return false;
        }
        return !isScram() || SaslPrep.prepare(((Credential.Password) credential).password()).value().isPresent();
    }

    @Override
    public boolean sendsSecretInClear() {
        return sendsSecretInClear;
    }

    @Override
    public boolean authenticatesServer() {
        return isScram();
    }

    @Override
    public SaslClient create(Credential credential, SaslContext context) {
        Objects.requireNonNull(context);
        if (!supports(credential)) {
            throw new IllegalArgumentException(mechanism + " cannot use this credential: " + whyNot(credential));
        }
        return start(credential, context);
    }

    /** Why {@link #supports} refused, in words that never include the secret. */
    String whyNot(Credential credential) {
        if (forTokens()) {
            return "it needs a bearer token, not a password";
        }
        if (!(credential instanceof Credential.Password)) {
            return "it needs a password, not a bearer token";
        }
        return SaslPrep.prepare(((Credential.Password) credential).password()).refusal()
                .map(why -> "SASLprep (RFC 4013) refuses the password: " + why)
                .orElse("unknown");
    }

    private static SaslClient scram(ScramSaslClient.Hash hash, Credential credential, SaslContext context) {
        Credential.Password password = (Credential.Password) credential;
        String prepared = SaslPrep.prepare(password.password()).value().orElseThrow();
        return new ScramSaslClient(hash, password.username(), prepared, context);
    }

    @Override
    public String toString() {
        return mechanism;
    }
}
