package dev.smtpprobe.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Which SMTP extensions the probe uses when the server offers them. Each is on by default, as a careful MTA
 * would use it; users turn one off to see how the server copes without it.
 *
 * @param pipelining send MAIL, every RCPT (and DATA) in one write (RFC 2920)
 * @param chunking send the message with BDAT instead of DATA (RFC 3030)
 * @param declareSize declare the message size on MAIL (RFC 1870) so a server can refuse it before the data
 * @param requireTls ask for REQUIRETLS (RFC 8689): the message must only travel over verified TLS
 * @param dsn the delivery status notifications to ask for (RFC 3461); empty asks for none
 */
public record ExtensionUse(boolean pipelining, boolean chunking, boolean declareSize, boolean requireTls,
        Optional<DsnRequest> dsn) {

    public static final ExtensionUse DEFAULTS = new ExtensionUse(true, true, true, false, Optional.empty());

    public ExtensionUse {
        Objects.requireNonNull(dsn);
    }

    public ExtensionUse withPipelining(boolean on) {
        return new ExtensionUse(on, chunking, declareSize, requireTls, dsn);
    }

    public ExtensionUse withChunking(boolean on) {
        return new ExtensionUse(pipelining, on, declareSize, requireTls, dsn);
    }

    public ExtensionUse withRequireTls(boolean on) {
        return new ExtensionUse(pipelining, chunking, declareSize, on, dsn);
    }

    public ExtensionUse withDsn(DsnRequest request) {
        return new ExtensionUse(pipelining, chunking, declareSize, requireTls, Optional.ofNullable(request));
    }

    /**
     * The DSN parameters: NOTIFY on each RCPT, RET and ENVID on MAIL.
     *
     * @param notifyOn {@code NEVER} or a comma list of SUCCESS, FAILURE, DELAY
     * @param ret {@code FULL} or {@code HDRS}
     */
    public record DsnRequest(String notifyOn, String ret) {
        public DsnRequest {
            Objects.requireNonNull(notifyOn);
            Objects.requireNonNull(ret);
            if (!notifyOn.matches("NEVER|(SUCCESS|FAILURE|DELAY)(,(SUCCESS|FAILURE|DELAY)){0,2}")) {
                throw new IllegalArgumentException("DSN NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY");
            }
            if (!ret.equals("FULL") && !ret.equals("HDRS")) {
                throw new IllegalArgumentException("DSN RET must be FULL or HDRS");
            }
        }

        public static final DsnRequest DEFAULT = new DsnRequest("SUCCESS,FAILURE,DELAY", "HDRS");
    }
}
