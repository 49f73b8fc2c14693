package dev.smtpprobe.auth;

import dev.smtpprobe.model.Credential;

/** One SASL mechanism as the registry ranks and offers it; {@link #create} starts an exchange. */
public interface SaslClientFactory {

    /** The IANA name, upper case, as EHLO advertises it. */
    String mechanism();

    /** Higher is preferred; only comparable between mechanisms for the same kind of credential. */
    int strength();

    /** Whether this mechanism can authenticate with this credential (its kind, and for SCRAM its characters). */
    boolean supports(Credential credential);

    /** PLAIN and LOGIN hand the secret itself to the server: use them only over TLS unless the user insists. */
    boolean sendsSecretInClear();

    /** Whether a successful exchange also proves the server knows the password (SCRAM). */
    default boolean authenticatesServer() {
        return false;
    }

    /** @throws IllegalArgumentException when {@link #supports} is false for this credential */
    SaslClient create(Credential credential, SaslContext context);
}
