package dev.smtpprobe.auth;

import java.util.Optional;

/** The outcome of {@link SaslMechanisms#choose}: a mechanism, or the reason there is none, for the report. */
public sealed interface SaslChoice permits SaslChoice.Chosen, SaslChoice.NotChosen {

    enum Reason {
        /** The server advertised no AUTH mechanisms at all. */
        NONE_OFFERED,
        /** The server offers mechanisms, but none that can use this kind of credential. */
        NO_MECHANISM_FOR_CREDENTIAL,
        /** Only mechanisms that send the secret itself are left, and that was not allowed on this connection. */
        ONLY_SECRET_IN_CLEAR,
        /** The user forced a mechanism the server does not advertise. */
        FORCED_NOT_OFFERED,
        /** The user forced a mechanism we do not implement. */
        FORCED_UNSUPPORTED,
        /** The user forced a mechanism that cannot use this credential (a token for SCRAM, say). */
        FORCED_CANNOT_USE_CREDENTIAL
    }

    /** The factory to use, when one was chosen. */
    default Optional<SaslClientFactory> factory() {
        return this instanceof Chosen ? Optional.of(((Chosen) this).mechanism()) : Optional.empty();
    }

    /** @param forced whether the user asked for it, in which case the in-clear rule was not applied */
    record Chosen(SaslClientFactory mechanism, boolean forced) implements SaslChoice {
    }

    /** @param explanation plain words for the report, naming what the server offered */
    record NotChosen(Reason reason, String explanation) implements SaslChoice {
    }
}
