package dev.smtpprobe.session;

import dev.smtpprobe.model.ReplyFlag;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;

/**
 * The replies each phase allows, after RFC 5321 section 4.3.2, RFC 3207, RFC 4954 and RFC 3030: anything else is
 * a reply of the wrong class, a protocol error rather than an answer (a 354 to RCPT is not an acceptance).
 */
final class Expected {
    enum Verdict { SUCCESS, INTERMEDIATE, TRANSIENT, PERMANENT, WRONG_CLASS }

    private Expected() {
    }

    static Verdict judge(SmtpPhase phase, SmtpReply reply) {
        if (reply.flags().contains(ReplyFlag.MIXED_CODES)) {
            // "250-ok" then "550 no": which one is the answer? Neither can be trusted.
            return Verdict.WRONG_CLASS;
        }
        int code = reply.code();
        if (code >= 500 && code <= 599) {
            return Verdict.PERMANENT;
        }
        if (code >= 400 && code <= 499) {
            return Verdict.TRANSIENT;
        }
        return switch (phase) {
            case BANNER, STARTTLS -> code == 220 ? Verdict.SUCCESS : Verdict.WRONG_CLASS;
            case AUTH -> code == 235 ? Verdict.SUCCESS : code == 334 ? Verdict.INTERMEDIATE : Verdict.WRONG_CLASS;
            case DATA -> code == 354 ? Verdict.INTERMEDIATE : Verdict.WRONG_CLASS;
            case RCPT -> code == 250 || code == 251 ? Verdict.SUCCESS : Verdict.WRONG_CLASS;
            case EHLO, EHLO_TLS, HELO, MAIL, MESSAGE, RSET -> code == 250 ? Verdict.SUCCESS : Verdict.WRONG_CLASS;
            // The parting reply decides nothing; any positive one will do.
            case QUIT -> code / 100 == 2 ? Verdict.SUCCESS : Verdict.WRONG_CLASS;
            default -> Verdict.WRONG_CLASS;
        };
    }
}
