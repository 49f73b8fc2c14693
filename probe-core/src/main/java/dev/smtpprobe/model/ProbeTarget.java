package dev.smtpprobe.model;

import java.util.Objects;
import java.util.Optional;

/**
 * What the user pointed the probe at.
 *
 * @param input the argument as typed
 * @param kind a domain, an address, or a server that skips MX resolution
 * @param domain the mail domain in ASCII (A-label) form; for SERVER, the host name
 * @param unicodeDomain the same domain in Unicode (U-label) form, equal to domain when it is plain ASCII
 * @param mailbox the full address when kind is ADDRESS
 * @param port the port to connect to (25 by default; MX records carry none)
 */
public record ProbeTarget(String input, Kind kind, String domain, String unicodeDomain, Optional<String> mailbox, int port) {
    public enum Kind { DOMAIN, ADDRESS, SERVER }

    public ProbeTarget {
        Objects.requireNonNull(input);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(domain);
        Objects.requireNonNull(unicodeDomain);
        Objects.requireNonNull(mailbox);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
