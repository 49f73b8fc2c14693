package dev.smtpprobe.model;

import java.util.Locale;

/**
 * How an exchange, a session or a probe ended, in four words: the server accepted, deferred (4xx), rejected (5xx),
 * or the probe got no usable answer. Metrics tag with {@link #id()}; the report words a session's outcome with
 * {@link #sessionWord()}.
 */
public enum Outcome {
    SUCCESS("accepted"),
    TRANSIENT("deferred"),
    PERMANENT("rejected"),
    ERROR("failed");

    private final String sessionWord;

    Outcome(String sessionWord) {
        this.sessionWord = sessionWord;
    }

    /** {@code success}, {@code transient}, {@code permanent} or {@code error}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code accepted}, {@code deferred}, {@code rejected} or {@code failed}: how a report says it of a session. */
    public String sessionWord() {
        return sessionWord;
    }

    /** The outcome a reply code alone gives: 2xx and 3xx succeed, 4xx is transient, 5xx permanent. */
    public static Outcome ofReplyCode(int code) {
        if (code >= 500) {
            return PERMANENT;
        }
        if (code >= 400) {
            return TRANSIENT;
        }
        return code >= 200 ? SUCCESS : ERROR;
    }
}
