package dev.smtpprobe.model;

import java.util.Locale;
import java.util.Objects;

/**
 * One command line the client sends, without CRLF. A CR, LF or NUL anywhere is refused at construction, because
 * such a byte inside user input would end the line early and smuggle a second command onto the wire.
 *
 * @param verb the command verb (EHLO, MAIL...); empty for a bare continuation line such as an AUTH LOGIN answer
 * @param argument everything after the verb and one space; empty when the command takes none
 * @param secret the argument (or the whole line when there is no verb) carries a credential and must never be
 *     logged: {@link #logLine()} replaces it by {@code <redacted>}
 */
public record SmtpCommand(String verb, String argument, boolean secret) {

    public static final String REDACTED = "<redacted>";

    public SmtpCommand {
        Objects.requireNonNull(verb);
        Objects.requireNonNull(argument);
        verb = verb.toUpperCase(Locale.ROOT);
        rejectLineBreaks(verb);
        rejectLineBreaks(argument);
        if (verb.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("verb contains a space: " + verb);
        }
    }

    private static void rejectLineBreaks(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw new IllegalArgumentException("SMTP command contains CR, LF or NUL, which could inject commands");
            }
        }
    }

    public static SmtpCommand of(String verb) {
        return new SmtpCommand(verb, "", false);
    }

    public static SmtpCommand of(String verb, String argument) {
        return new SmtpCommand(verb, argument, false);
    }

    public static SmtpCommand ehlo(String name) {
        return of("EHLO", name);
    }

    public static SmtpCommand helo(String name) {
        return of("HELO", name);
    }

    /** {@code MAIL FROM:<sender>}; an empty sender gives the null reverse-path {@code <>}. */
    public static SmtpCommand mailFrom(String sender) {
        return of("MAIL", "FROM:<" + sender + ">");
    }

    public static SmtpCommand rcptTo(String recipient) {
        return of("RCPT", "TO:<" + recipient + ">");
    }

    /** AUTH with a mechanism and an initial response that carries a secret. */
    public static SmtpCommand authWithSecret(String mechanism, String initialResponse) {
        return new SmtpCommand("AUTH", mechanism + " " + initialResponse, true);
    }

    /** A bare line answering a 334 challenge (AUTH LOGIN user name or password); always secret. */
    public static SmtpCommand secretLine(String base64) {
        return new SmtpCommand("", base64, true);
    }

    /** The exact line written to the wire, without CRLF. Never log this; log {@link #logLine()}. */
    public String line() {
        if (verb.isEmpty()) {
            return argument;
        }
        return argument.isEmpty() ? verb : verb + " " + argument;
    }

    /** The line as it may appear in transcripts, steps, logs and reports: secrets replaced. */
    public String logLine() {
        if (!secret) {
            return line();
        }
        if (verb.isEmpty()) {
            return REDACTED;
        }
        if (verb.equals("AUTH")) {
            int space = argument.indexOf(' ');
            String mechanism = space < 0 ? argument : argument.substring(0, space);
            return "AUTH " + mechanism + " " + REDACTED;
        }
        return verb + " " + REDACTED;
    }

    @Override
    public String toString() {
        return logLine();
    }
}
