package dev.smtpprobe.model;

import java.util.Objects;

/** AUTH credentials. The secret never appears in toString, transcripts, logs or reports. */
public record Credentials(String username, String secret) {

    public Credentials {
        Objects.requireNonNull(username);
        Objects.requireNonNull(secret);
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", secret=<redacted>]";
    }
}
