package dev.smtpprobe.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What kind of problem (or not) an observation shows. The ids are a public contract: JSON output, the
 * {@code explain} command and users' scripts use them. Add a category only where a user would act differently.
 */
public enum Category {
    OK("ok"),
    RECIPIENT_UNKNOWN("recipient-unknown"),
    MAILBOX_FULL("mailbox-full"),
    MAILBOX_DISABLED("mailbox-disabled"),
    MESSAGE_TOO_LARGE("message-too-large"),
    RELAY_DENIED("relay-denied"),
    AUTH_REQUIRED("auth-required"),
    AUTH_FAILED("auth-failed"),
    ENCRYPTION_REQUIRED("encryption-required"),
    TLS_FAILURE("tls-failure"),
    SENDER_REJECTED("sender-rejected"),
    SENDER_UNAUTHENTICATED("sender-unauthenticated"),
    /** The sending IP has no PTR name, one that does not resolve back to it, or one that looks generic: fixed in the IP's reverse zone. */
    REVERSE_DNS("reverse-dns"),
    POLICY_REJECTED("policy-rejected"),
    BLOCKLISTED("blocklisted"),
    RATE_LIMITED("rate-limited"),
    GREYLISTED("greylisted"),
    DNS_FAILURE("dns-failure"),
    DOMAIN_NOT_FOUND("domain-not-found"),
    NO_MAIL_SERVICE("no-mail-service"),
    CONNECTION_FAILED("connection-failed"),
    TIMEOUT("timeout"),
    CONNECTION_LOST("connection-lost"),
    SERVER_ERROR("server-error"),
    SYNTAX_ERROR("syntax-error"),
    PROTOCOL_ERROR("protocol-error"),
    NOT_IMPLEMENTED("not-implemented"),
    /** The probe could not run its check from here (an unreachable resolver, an unusable trust anchor file): no finding about the target. */
    LOCAL_ERROR("local-error"),
    UNKNOWN("unknown");

    private final String id;

    Category(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<Category> fromId(String id) {
        String wanted = id.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(c -> c.id.equals(wanted)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
