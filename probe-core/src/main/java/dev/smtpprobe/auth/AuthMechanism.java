package dev.smtpprobe.auth;

import dev.smtpprobe.model.Credentials;
import dev.smtpprobe.model.SmtpCommand;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The SASL mechanisms we speak. Every line that carries the user name or the secret is built as a secret
 * {@link SmtpCommand}, so only {@code <redacted>} can reach a transcript.
 */
public enum AuthMechanism {
    /** RFC 4616: one line, sent as the initial response. */
    PLAIN {
        @Override
        public SmtpCommand firstCommand(Credentials c) {
            String token = "\0" + c.username() + "\0" + c.secret();
            return SmtpCommand.authWithSecret("PLAIN", base64(token));
        }

        @Override
        public Optional<SmtpCommand> answer(int challengeIndex, Credentials c) {
            // A server that ignored our initial response asks again with an empty 334: send it once more.
            return challengeIndex == 0
                    ? Optional.of(SmtpCommand.secretLine(base64("\0" + c.username() + "\0" + c.secret())))
                    : Optional.empty();
        }
    },
    /** The pre-standard LOGIN mechanism: user name, then password, each after a 334. */
    LOGIN {
        @Override
        public SmtpCommand firstCommand(Credentials c) {
            return SmtpCommand.of("AUTH", "LOGIN");
        }

        @Override
        public Optional<SmtpCommand> answer(int challengeIndex, Credentials c) {
            // Prompts vary between servers ("Username:", empty...), so we answer by position, not by prompt text.
            switch (challengeIndex) {
                case 0: return Optional.of(SmtpCommand.secretLine(base64(c.username())));
                case 1: return Optional.of(SmtpCommand.secretLine(base64(c.secret())));
                default: return Optional.empty();
            }
        }
    };

    /** The command that starts the exchange. */
    public abstract SmtpCommand firstCommand(Credentials credentials);

    /** The answer to the n-th 334 challenge (0-based); empty when the mechanism has nothing more to say. */
    public abstract Optional<SmtpCommand> answer(int challengeIndex, Credentials credentials);

    /** PLAIN when offered (one round trip), else LOGIN, else nothing. */
    public static Optional<AuthMechanism> choose(List<String> offered) {
        if (offered.contains("PLAIN")) {
            return Optional.of(PLAIN);
        }
        if (offered.contains("LOGIN")) {
            return Optional.of(LOGIN);
        }
        return Optional.empty();
    }

    static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
