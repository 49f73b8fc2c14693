package dev.smtpprobe.smtp;

import io.netty.handler.codec.DecoderException;

/** The server sent something that cannot be an SMTP reply, or a reply beyond our hard caps; the session ends. */
public final class SmtpProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public SmtpProtocolException(String message) {
        super(message);
    }
}
