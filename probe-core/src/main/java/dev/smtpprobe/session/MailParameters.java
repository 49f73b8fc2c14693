package dev.smtpprobe.session;

import dev.smtpprobe.model.ExtensionUse.DsnRequest;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionNote;
import dev.smtpprobe.model.SmtpPhase;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The MAIL and RCPT parameters the message and the offered extensions call for: SIZE (RFC 1870), BODY=8BITMIME
 * (RFC 6152), SMTPUTF8 (RFC 6531), DSN (RFC 3461) and REQUIRETLS (RFC 8689). Where the probe needs an extension
 * the server lacks, it says so; where sending without it would break the standard, it does not send.
 *
 * @param mail the parameters after {@code MAIL FROM:<...>}, each with its leading space
 * @param rcpt the parameters after each {@code RCPT TO:<...>}
 */
record MailParameters(String mail, String rcpt) {

    /** Empty when the probe must stop before MAIL; the reason is recorded on the context. */
    static Optional<MailParameters> negotiate(SessionContext ctx) {
        StringBuilder mail = new StringBuilder();
        StringBuilder rcpt = new StringBuilder();
        Optional<MessageBytes> message = ctx.message();
        boolean utf8Needed = !ascii(ctx.options.mailFrom()) || ctx.options.recipients().stream().anyMatch(r -> !ascii(r))
                || message.map(MessageBytes::nonAsciiHeaders).orElse(false);
        boolean eightBit = message.map(MessageBytes::eightBit).orElse(false);
        if (utf8Needed) {
            if (!ctx.capabilities.smtpUtf8()) {
                ctx.observe(SessionNote.Kind.SMTPUTF8_NOT_OFFERED, SmtpPhase.MAIL, "a non-ASCII address or header "
                        + "needs SMTPUTF8, which the server does not offer");
                ctx.fail(ProbeStatus.EXTENSION_UNAVAILABLE, SmtpPhase.MAIL, "the envelope or message needs "
                        + "SMTPUTF8 (RFC 6531) and the server does not offer it, so it cannot be sent", Optional.empty());
                return Optional.empty();
            }
            mail.append(" SMTPUTF8");
        }
        if (eightBit) {
            if (ctx.capabilities.eightBitMime()) {
                mail.append(" BODY=8BITMIME");
            } else if (!utf8Needed) {
                ctx.observe(SessionNote.Kind.EIGHTBITMIME_NOT_OFFERED, SmtpPhase.MAIL, "the message has 8-bit "
                        + "content and the server offers neither 8BITMIME nor SMTPUTF8");
            }
        }
        if (message.isPresent() && ctx.options.extensions().declareSize() && ctx.capabilities.supports("SIZE")) {
            long octets = message.get().octets();
            mail.append(" SIZE=").append(octets);
            OptionalLong limit = ctx.capabilities.sizeLimit();
            if (limit.isPresent() && limit.getAsLong() > 0 && octets > limit.getAsLong()) {
                ctx.observe(SessionNote.Kind.SIZE_EXCEEDS_LIMIT, SmtpPhase.MAIL, "the message is " + octets
                        + " octets and the server announced a limit of " + limit.getAsLong() + " (SIZE "
                        + limit.getAsLong() + ")");
            }
        }
        Optional<DsnRequest> dsn = ctx.options.extensions().dsn();
        if (dsn.isPresent()) {
            if (ctx.capabilities.dsn()) {
                mail.append(" RET=").append(dsn.get().ret()).append(" ENVID=").append(UUID.randomUUID());
                rcpt.append(" NOTIFY=").append(dsn.get().notifyOn());
            } else {
                ctx.observe(SessionNote.Kind.DSN_NOT_OFFERED, SmtpPhase.MAIL, "DSN was asked for and the server "
                        + "does not offer it: it will report delivery its own way");
            }
        }
        if (ctx.options.extensions().requireTls()) {
            if (ctx.tls.isEmpty() || !ctx.capabilities.requireTls()) {
                ctx.observe(SessionNote.Kind.REQUIRETLS_NOT_OFFERED, SmtpPhase.MAIL, ctx.tls.isEmpty()
                        ? "REQUIRETLS needs a TLS connection and this one is not encrypted"
                        : "the server does not offer REQUIRETLS");
                ctx.fail(ProbeStatus.EXTENSION_UNAVAILABLE, SmtpPhase.MAIL, "REQUIRETLS (RFC 8689) was asked for "
                        + "and cannot be used on this connection, so the message is not sent", Optional.empty());
                return Optional.empty();
            }
            mail.append(" REQUIRETLS");
        }
        return Optional.of(new MailParameters(mail.toString(), rcpt.toString()));
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }
}
