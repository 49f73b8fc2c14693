package dev.smtpprobe.model;

import java.util.List;
import java.util.Objects;

/**
 * What the probe authenticates with. The kind decides which SASL mechanisms may use it: a password can be proven
 * without sending it (SCRAM), a bearer token can only be presented. A credential that could break the line
 * framing of SMTP or SASL cannot be constructed, so no later layer needs to check it again.
 */
public sealed interface Credential permits Credential.Password, Credential.BearerToken {

    String username();

    /**
     * Every byte form of the secret that must never appear in a transcript, log or report (raw UTF-8; the engine
     * scrubs base64 forms itself too).
     */
    List<String> secretForms();

    /** An account password, as the user typed it; mechanisms prepare it (SASLprep) themselves where they must. */
    record Password(String username, String password) implements Credential {
        public Password {
            Credential.noLineBreaks("username", username);
            Credential.noLineBreaks("password", password);
            Credential.notEmpty("password", password);
        }

        @Override
        public List<String> secretForms() {
            return List.of(password);
        }

        @Override
        public String toString() {
            return "Password[username=" + username + ", password=<redacted>]";
        }
    }

    /**
     * An OAuth 2 access token (RFC 6750), presented by XOAUTH2 or OAUTHBEARER. Both mechanisms separate their
     * fields with control characters (U+0001), and a token is printable ASCII by definition, so any control
     * character here is refused rather than only CR, LF and NUL.
     */
    record BearerToken(String username, String token) implements Credential {
        public BearerToken {
            Credential.noControlCharacters("username", username);
            Credential.noControlCharacters("token", token);
            Credential.notEmpty("token", token);
        }

        @Override
        public List<String> secretForms() {
            return List.of(token);
        }

        @Override
        public String toString() {
            return "BearerToken[username=" + username + ", token=<redacted>]";
        }
    }

    // Messages name the field and never echo its value: the value may be the secret itself.

    private static void noLineBreaks(String field, String value) {
        Objects.requireNonNull(value, field);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw new IllegalArgumentException(field + " must not contain CR, LF or NUL");
            }
        }
    }

    private static void noControlCharacters(String field, String value) {
        Objects.requireNonNull(value, field);
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(field + " must not contain control characters such as CR, LF"
                        + " or NUL");
            }
        }
    }

    private static void notEmpty(String field, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
    }
}
