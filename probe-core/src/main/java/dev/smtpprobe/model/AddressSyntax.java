package dev.smtpprobe.model;

/** Input checks shared by the request types: CR or LF in user input could smuggle SMTP commands. */
public final class AddressSyntax {
    private AddressSyntax() {
    }

    public static void requireNoLineBreak(String what, String value) {
        if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0)) {
            throw new IllegalArgumentException(what + " contains a line break or NUL, which could inject SMTP commands");
        }
    }
}
