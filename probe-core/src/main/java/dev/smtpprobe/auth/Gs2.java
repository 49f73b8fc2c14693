package dev.smtpprobe.auth;

/** The GS2 header rules SCRAM and OAUTHBEARER share (RFC 5801 §4). */
final class Gs2 {
    /** No channel binding, no authorization identity: we test logging in as the user, nothing more. */
    static final String NO_BINDING_HEADER = "n,,";

    private Gs2() {
    }

    /** Escapes the two characters that delimit GS2 and SCRAM attributes; '=' first, so escapes stay intact. */
    static String saslName(String name) {
        return name.replace("=", "=3D").replace(",", "=2C");
    }
}
