package dev.smtpprobe.model;

/** Where a probe stops (politely, with QUIT) when the user asked it to stop early. */
public enum QuitAfter {
    CONNECT, BANNER, EHLO, TLS, AUTH, MAIL, RCPT, DATA
}
