package dev.smtpprobe.diagnosis;

import dev.smtpprobe.auth.SaslMechanisms;
import dev.smtpprobe.catalog.Actor;
import dev.smtpprobe.catalog.Category;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.RecipientResult;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SessionOptions.EnvelopeMode;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.Step;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.TlsMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rules over what the session engine records beyond replies: what it noticed on the way (protocol
 * irregularities, extensions the probe needed), recipients it never reached, the open-relay and catch-all
 * modes, the server's proof in SCRAM, and the submission-port conventions of RFC 8314.
 */
final class SessionRules {

    private SessionRules() {
    }


    static List<Finding> notes(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult s : result.sessions()) {
            for (SessionNote note : s.notes()) {
                out.add(noteFinding(s, note));
            }
        }
        return out;
    }

    private static Finding noteFinding(SessionResult s, SessionNote note) {
        String host = Observations.hostLabel(s);
        String detail = host + ": " + note.detail() + ".";
        return switch (note.kind()) {
            case ENHANCED_CODE_MISMATCH -> finding("protocol-enhanced-code-mismatch", Severity.WARNING,
                    Category.PROTOCOL_ERROR, "Enhanced status code contradicts the reply code", detail,
                    "Fix the server so the enhanced code's class matches the reply code (RFC 3463 section 2); "
                            + "clients read the basic code, so the enhanced one misleads only humans and logs.",
                    Actor.RECEIVING_ADMIN, s, note.phase());
            case WRONG_CLASS_REPLY -> finding("protocol-wrong-class-reply", Severity.CRITICAL,
                    Category.PROTOCOL_ERROR, "Reply of a class the command does not allow", detail,
                    "Fix the server (or a proxy in front of it): RFC 5321 section 4.3.2 lists the replies each "
                            + "command may get; anything else makes clients misread the conversation.",
                    Actor.RECEIVING_ADMIN, s, note.phase());
            case PIPELINING_DESYNC -> finding("pipelining-desync", Severity.CRITICAL, Category.PROTOCOL_ERROR,
                    "Pipelined replies out of step", detail + " Replies to pipelined commands must come one per "
                            + "command, in order (RFC 2920).",
                    "Fix the server's PIPELINING support, or stop announcing PIPELINING; meanwhile "
                            + "--no-pipelining shows how it answers one command at a time.",
                    Actor.RECEIVING_ADMIN, s, note.phase());
            case SIZE_EXCEEDS_LIMIT -> finding("message-exceeds-size-limit", Severity.WARNING,
                    Category.MESSAGE_TOO_LARGE, "Message larger than the server's announced limit", detail,
                    "Send smaller messages to this server, or raise its limit (Postfix: message_size_limit) "
                            + "if such messages should be accepted.", Actor.SENDER, s, note.phase());
            case SMTPUTF8_NOT_OFFERED -> finding("smtputf8-not-offered", Severity.CRITICAL,
                    Category.NOT_IMPLEMENTED, "Internationalised address but no SMTPUTF8", detail
                            + " A sender cannot deliver to or from such an address here (RFC 6531).",
                    "Enable SMTPUTF8 on the server (Postfix: smtputf8_enable = yes), or use an ASCII address.",
                    Actor.RECEIVING_ADMIN, s, note.phase());
            case EIGHTBITMIME_NOT_OFFERED -> finding("8bitmime-not-offered", Severity.WARNING,
                    Category.NOT_IMPLEMENTED, "8-bit message but no 8BITMIME", detail,
                    "Enable 8BITMIME on the server, or encode the message (quoted-printable or base64).",
                    Actor.RECEIVING_ADMIN, s, note.phase());
            case DSN_NOT_OFFERED -> finding("dsn-not-offered", Severity.INFO, Category.NOT_IMPLEMENTED,
                    "Delivery status notifications not offered", detail,
                    "Nothing to do unless you rely on DSN; enable the DSN extension on the server if you do.",
                    Actor.RECEIVING_ADMIN, s, note.phase());
            case REQUIRETLS_NOT_OFFERED -> finding("requiretls-not-offered", Severity.WARNING,
                    Category.ENCRYPTION_REQUIRED, "REQUIRETLS not available", detail,
                    "Offer REQUIRETLS (RFC 8689) on a server with verified TLS to accept mail that must not "
                            + "travel in clear.", Actor.RECEIVING_ADMIN, s, note.phase());
            case SCRAM_LOW_ITERATIONS -> finding("scram-low-iterations", Severity.WARNING, Category.AUTH_FAILED,
                    "Weak password stretching in SCRAM", detail,
                    "Store SCRAM credentials with at least 4096 iterations (Dovecot: scram_iterations), so a "
                            + "stolen password database is slow to crack.", Actor.RECEIVING_ADMIN, s, note.phase());
        };
    }

    /** Recipients a session never asked about (a 421, a closed connection) are not lost: each is named. */
    static List<Finding> recipientsNotTried(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult s : result.sessions()) {
            List<String> skipped = s.recipients().stream().filter(r -> r.notTried().isPresent())
                    .map(r -> r.address() + " (" + r.notTried().get() + ")").toList();
            if (!skipped.isEmpty() && s.recipients().stream().anyMatch(r -> r.reply().isPresent())) {
                out.add(finding("recipients-not-tried", Severity.WARNING, Category.CONNECTION_LOST,
                        "Some recipients were not tried", Observations.hostLabel(s) + " ended the conversation "
                                + "before these recipients were asked about: " + String.join("; ", skipped) + ".",
                        "Probe again for those recipients; a server that closes mid-envelope may be limiting "
                                + "recipients per session or connections per client.",
                        Actor.RECEIVING_ADMIN, s, SmtpPhase.RCPT));
            }
        }
        return out;
    }

    static List<Finding> relayTest(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult s : result.sessions()) {
            if (s.request().options().envelope() != EnvelopeMode.RELAY_TEST) {
                continue;
            }
            String host = Observations.hostLabel(s);
            List<String> relayed = s.recipients().stream().filter(RecipientResult::accepted)
                    .map(RecipientResult::address).toList();
            if (!relayed.isEmpty()) {
                out.add(finding("open-relay", Severity.CRITICAL, Category.RELAY_DENIED,
                        "Open relay: the server accepts mail for outside domains from anyone", host + " accepted "
                                + "the outside recipient " + String.join(", ", relayed) + " from the outside sender <"
                                + s.request().options().mailFrom() + "> without authentication. Spammers find "
                                + "such servers within hours, and blocklists follow.",
                        "Restrict relaying to your own networks and authenticated users (Postfix: "
                                + "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, "
                                + "reject_unauth_destination).", Actor.RECEIVING_ADMIN, s, SmtpPhase.RCPT));
            } else if (s.recipients().stream().anyMatch(r -> r.reply().map(SmtpReply::isPermanentFailure)
                    .orElse(false))) {
                out.add(finding("relay-denied", Severity.INFO, Category.OK, "Relaying to outside domains is refused",
                        host + " refused the outside recipient from an outside sender, as it should.",
                        "Nothing to do.", Actor.NOBODY, s, SmtpPhase.RCPT));
            }
        }
        return out;
    }

    static List<Finding> catchAll(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult s : result.sessions()) {
            Optional<RecipientResult> made = s.recipients().stream().filter(RecipientResult::probe).findFirst();
            if (made.isEmpty() || made.get().reply().isEmpty()) {
                continue;
            }
            String host = Observations.hostLabel(s);
            if (made.get().accepted()) {
                out.add(finding("accepts-any-address", Severity.INFO, Category.OK,
                        "The server accepts any address at the domain", host + " accepted the made-up address "
                                + made.get().address() + ", so a 250 to RCPT says nothing about whether a mailbox "
                                + "exists there (a catch-all, or checks deferred until after DATA).",
                        "Nothing to fix if intended; to verify addresses, ask the domain's owner, since RCPT "
                                + "cannot tell.", Actor.NOBODY, s, SmtpPhase.RCPT));
            } else {
                out.add(finding("rejects-unknown-addresses", Severity.INFO, Category.OK,
                        "The server rejects unknown addresses at RCPT", host + " refused the made-up address "
                                + made.get().address() + " (" + made.get().reply().get().code() + "), so its "
                                + "answers to RCPT are meaningful.", "Nothing to do.", Actor.NOBODY, s,
                        SmtpPhase.RCPT));
            }
        }
        return out;
    }

    static List<Finding> authentication(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult s : result.sessions()) {
            String host = Observations.hostLabel(s);
            if (s.failure().map(f -> f.status() == ProbeStatus.AUTH_SERVER_UNVERIFIED).orElse(false)) {
                out.add(finding("auth-server-unverified", Severity.CRITICAL, Category.AUTH_FAILED,
                        "The server could not prove it knows the password", host + ": "
                                + s.failure().get().message() + ". With SCRAM the server proves itself too; a wrong "
                                + "proof means this server does not hold your credentials: a misconfigured "
                                + "backend, or an impostor in the path.",
                        "Check that you reach the intended server (DNS, certificate, no interception); then check "
                                + "the server's SCRAM credential store.", Actor.RECEIVING_ADMIN, s, SmtpPhase.AUTH));
            }
            List<String> offered = s.capabilities().authMechanisms();
            if (s.request().options().credential().isPresent() && !offered.isEmpty()
                    && SaslMechanisms.weakOnly(offered)) {
                out.add(finding("auth-weak-mechanisms-only", Severity.INFO, Category.AUTH_FAILED,
                        "Only weak AUTH mechanisms offered", host + " offers only " + String.join(" ", offered)
                                + ": each sends the password, or a digest an eavesdropper can attack offline.",
                        "Offer SCRAM-SHA-256 (Dovecot: auth_mechanisms = plain login scram-sha-256), and keep PLAIN "
                                + "and LOGIN to TLS only.", Actor.RECEIVING_ADMIN, s, SmtpPhase.AUTH));
            }
        }
        return out;
    }

    /** RFC 8314: 465 is implicit TLS; 587 takes STARTTLS, then requires AUTH before it relays. */
    static List<Finding> submission(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult s : result.sessions()) {
            int port = s.address().getPort();
            String host = Observations.hostLabel(s);
            boolean greeted = s.steps().stream().anyMatch(st -> st.phase() == SmtpPhase.EHLO
                    && st.reply().map(SmtpReply::isPositive).orElse(false));
            if (port == 587 && s.tlsMode() == TlsMode.STARTTLS && greeted && !s.capabilitiesBeforeTls().startTls()) {
                out.add(finding("submission-without-starttls", Severity.CRITICAL, Category.ENCRYPTION_REQUIRED,
                        "Submission port without STARTTLS", host + " listens on the submission port 587 but does "
                                + "not offer STARTTLS, so mail clients would send passwords and mail in clear.",
                        "Enable STARTTLS on port 587 (RFC 8314 section 3.3), or offer implicit TLS on port 465.",
                        Actor.RECEIVING_ADMIN, s, SmtpPhase.EHLO));
            }
            if (port == 587 && s.tls().isPresent() && s.capabilities().extensions().size() > 0
                    && s.capabilities().authMechanisms().isEmpty()) {
                out.add(finding("submission-without-auth", Severity.WARNING, Category.AUTH_REQUIRED,
                        "Submission port offers no AUTH", host + " offers no AUTH on the submission port even "
                                + "after TLS: mail clients cannot log in to send.",
                        "Enable SASL authentication on port 587 (Postfix: -o smtpd_sasl_auth_enable=yes on the "
                                + "submission service).", Actor.RECEIVING_ADMIN, s, SmtpPhase.EHLO_TLS));
            }
        }
        return out;
    }

    /** A port that accepts the connection and never greets may be expecting TLS first: say so. */
    static List<Finding> silentPort(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult s : result.sessions()) {
            boolean silent = s.failure().map(f -> f.phase() == SmtpPhase.BANNER
                    && (f.status() == ProbeStatus.TIMEOUT || f.status() == ProbeStatus.DEADLINE_EXCEEDED))
                    .orElse(false);
            if (silent && s.tlsMode() == TlsMode.STARTTLS && s.request().options().quitAfter()
                    .map(q -> q != QuitAfter.CONNECT).orElse(true)) {
                int port = s.address().getPort();
                out.add(finding("silent-port-maybe-implicit-tls", port == 465 ? Severity.WARNING : Severity.INFO,
                        Category.TIMEOUT, "The server may expect TLS first", Observations.hostLabel(s)
                                + " accepted the connection on port " + port + " but sent no greeting. "
                                + (port == 465 ? "Port 465 speaks TLS from the first byte (RFC 8314)."
                                : "A port that speaks implicit TLS waits for the client's TLS hello just so."),
                        "Probe again with --tls; if that works, this is an implicit-TLS port, not a broken one.",
                        Actor.SENDER, s, SmtpPhase.BANNER));
            }
        }
        return out;
    }

    /**
     * A port behind a load balancer that expects a PROXY protocol header (HAProxy, Postfix's
     * {@code smtpd_upstream_proxy_protocol}) waits for it in silence and then drops a client that sent none: in
     * silence, after a wait, or, as Postfix does after {@code smtpd_upstream_proxy_timeout} (5 s by default), with
     * {@code 421 4.3.0 Server local error}. The last is specific enough to be the headline (a warning ahead of the
     * 421's own reading, which would blame the server); plain silence only gets the hint. An immediate close is a
     * connection limit or a tarpit, not this.
     */
    static List<Finding> silentPortMaybeProxyProtocol(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (SessionResult s : result.sessions()) {
            if (s.request().options().proxyProtocol().isPresent() || s.request().options().proxy().isPresent()
                    || s.failure().isEmpty() || s.failure().get().phase() != SmtpPhase.BANNER) {
                continue;
            }
            ProbeStatus status = s.failure().get().status();
            Optional<SmtpReply> reply = s.failure().get().reply();
            Duration waited = s.steps().stream().filter(st -> st.phase() == SmtpPhase.BANNER).map(Step::elapsed)
                    .findFirst().orElse(Duration.ZERO);
            boolean postfixGaveUp = reply.map(r -> r.code() == 421
                    && r.text().toLowerCase(java.util.Locale.ROOT).contains("local error")).orElse(false)
                    && waited.compareTo(Duration.ofSeconds(2)) >= 0;
            boolean droppedAfterWaiting = reply.isEmpty() && status == ProbeStatus.CONNECTION_CLOSED
                    && waited.compareTo(Duration.ofSeconds(1)) >= 0;
            boolean silent = reply.isEmpty()
                    && (status == ProbeStatus.TIMEOUT || status == ProbeStatus.DEADLINE_EXCEEDED);
            if (!postfixGaveUp && !droppedAfterWaiting && !silent) {
                continue;
            }
            String host = Observations.hostLabel(s);
            String what = postfixGaveUp
                    ? " stayed silent for " + waited.toMillis() + " ms and then answered " + reply.get().code() + " "
                            + reply.get().text() + ", which is what Postfix says when a port set up for the PROXY"
                            + " protocol (smtpd_upstream_proxy_protocol = haproxy) gets no header in time"
                    : " sent no greeting" + (droppedAfterWaiting ? " and closed the connection after "
                            + waited.toMillis() + " ms" : "") + ". A port behind a load balancer that speaks the"
                            + " PROXY protocol (HAProxy, Postfix's smtpd_upstream_proxy_protocol) waits for that"
                            + " header before it greets, and drops a client that does not send one";
            out.add(finding("silent-port-maybe-proxy-protocol", postfixGaveUp ? Severity.WARNING : Severity.INFO,
                    Category.CONNECTION_LOST, postfixGaveUp ? "The port expects a PROXY protocol header"
                            : "The port may expect a PROXY protocol header",
                    host + " accepted the connection on port " + s.address().getPort() + " but" + what + ".",
                    "If this port expects the header, probe again with --proxy-protocol v1 (or v2, as the balancer"
                            + " is set up); otherwise the server stalls before its greeting.",
                    Actor.SENDER, s, SmtpPhase.BANNER));
        }
        return out;
    }

    private static Finding finding(String id, Severity severity, Category category, String title, String detail,
            String remedy, Actor actor, SessionResult session, SmtpPhase phase) {
        return new Finding(id, severity, category, Optional.empty(), Optional.empty(), title, detail, remedy, actor,
                Optional.of(Observations.hostLabel(session)), Optional.of(phase));
    }
}
