package dev.smtpprobe.auth;

import java.util.Map;
import java.util.Optional;

/**
 * The error document an OAuth SASL server sends in a 334 challenge when it refuses a token (RFC 7628 §3.2.2; Gmail
 * uses the same shape for XOAUTH2 and adds {@code schemes}). The fields tell a user what to fix: {@code status}
 * whether the token expired or lacks a scope, {@code scope} which scope the server wants. Values are the server's,
 * made printable and shortened.
 */
public record OAuthError(Optional<String> status, Optional<String> schemes, Optional<String> scope,
                         Optional<String> openidConfiguration) {

    static OAuthError of(Map<String, String> members) {
        return new OAuthError(member(members, "status"), member(members, "schemes"), member(members, "scope"),
                member(members, "openid-configuration"));
    }

    private static Optional<String> member(Map<String, String> members, String name) {
        return Optional.ofNullable(members.get(name)).map(value -> Printable.shorten(value, 200));
    }

    /** One line for a report, such as {@code status=401 schemes=Bearer scope=https://mail.google.com/}. */
    public String summary() {
        StringBuilder text = new StringBuilder();
        status.ifPresent(v -> text.append("status=").append(v));
        schemes.ifPresent(v -> text.append(text.length() > 0 ? " " : "").append("schemes=").append(v));
        scope.ifPresent(v -> text.append(text.length() > 0 ? " " : "").append("scope=").append(v));
        openidConfiguration.ifPresent(v -> text.append(text.length() > 0 ? " " : "")
                .append("openid-configuration=").append(v));
        return text.length() > 0 ? text.toString() : "no details";
    }
}
