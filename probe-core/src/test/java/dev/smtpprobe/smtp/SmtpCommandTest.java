package dev.smtpprobe.smtp;

import dev.smtpprobe.model.SmtpCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SmtpCommandTest {

    @Test
    void refusesLineBreaksAndNul() {
        assertThatThrownBy(() -> SmtpCommand.rcptTo("a@b\r\nDATA")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmtpCommand.mailFrom("a@b\n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmtpCommand.of("EHLO", "x\0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void secretsAreRedactedInLogLineAndToString() {
        SmtpCommand auth = SmtpCommand.authWithSecret("PLAIN", "AGFsaWNlAHMzY3JldA==");
        assertThat(auth.line()).isEqualTo("AUTH PLAIN AGFsaWNlAHMzY3JldA==");
        assertThat(auth.logLine()).isEqualTo("AUTH PLAIN <redacted>");
        assertThat(auth.toString()).doesNotContain("AGFsaWNl");
        assertThat(SmtpCommand.secretLine("czNjcmV0").logLine()).isEqualTo("<redacted>");
        assertThat(SmtpCommand.mailFrom("").logLine()).isEqualTo("MAIL FROM:<>");
    }

    @Test
    void encoderWritesExactLineWithCrlf() {
        EmbeddedChannel ch = new EmbeddedChannel(new SmtpCommandEncoder());
        ch.writeOutbound(SmtpCommand.rcptTo("jürgen@example.test"));
        ByteBuf buf = ch.readOutbound();
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo("RCPT TO:<jürgen@example.test>\r\n");
        buf.release();
    }

    @Test
    void encoderDotStuffsMessageAndTerminates() {
        EmbeddedChannel ch = new EmbeddedChannel(new SmtpCommandEncoder());
        ch.writeOutbound(new SmtpMessageContent("Subject: t\n\n.hidden\r\n..two\nlast"));
        ByteBuf buf = ch.readOutbound();
        assertThat(buf.toString(StandardCharsets.UTF_8))
                .isEqualTo("Subject: t\r\n\r\n..hidden\r\n...two\r\nlast\r\n.\r\n");
        buf.release();
    }

    @Test
    void emptyMessageIsJustTheTerminator() {
        assertThat(new String(SmtpCommandEncoder.dotStuff(""), StandardCharsets.UTF_8)).isEqualTo(".\r\n");
        assertThat(new String(SmtpCommandEncoder.dotStuff("a\r\n"), StandardCharsets.UTF_8)).isEqualTo("a\r\n.\r\n");
    }
}
