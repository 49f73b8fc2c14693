package dev.smtpprobe.session;

/** How the conversation goes on after a phase step. */
enum Next {
    /** On to the next step. */
    CONTINUE,
    /** Stop politely: RSET when a transaction is open, then QUIT, waiting for each reply. */
    QUIT,
    /** The stream can no longer be trusted: say QUIT without waiting for the answer, then close. */
    ABANDON,
    /** Close at once: the server is closing (421), or the stream is neither SMTP nor TLS now. */
    CLOSE
}
