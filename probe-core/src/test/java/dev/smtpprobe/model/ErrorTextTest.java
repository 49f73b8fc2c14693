package dev.smtpprobe.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorTextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            TLS handshake failed: StacklessClosedChannelException | TLS handshake failed: the connection was closed
            javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure | TLS handshake failure: Received fatal alert: handshake_failure
            connection lost: java.io.IOException: Connection reset by peer | connection lost: network error: Connection reset by peer
            the probe failed: java.lang.NullPointerException | the probe failed: an unexpected internal error
            A failed: SocketTimeoutException: Query timed out | A failed: timed out: Query timed out
            connection refused by mx.java.example:25 | connection refused by mx.java.example:25
            451 4.3.0 Error: queue file write error | 451 4.3.0 Error: queue file write error
            """)
    void classNamesBecomeWords(String message, String plain) {
        assertThat(ErrorText.plain(message)).isEqualTo(plain).doesNotContain("Exception").doesNotContain("java.lang");
    }

    @Test
    void describeUsesTheMessageOrTheKindNeverTheClassName() {
        assertThat(ErrorText.describe(new ClosedChannelException())).isEqualTo("the connection was closed");
        assertThat(ErrorText.describe(new SSLHandshakeException("Received fatal alert: bad_certificate")))
                .isEqualTo("Received fatal alert: bad_certificate");
        assertThat(ErrorText.describe(new SocketTimeoutException())).isEqualTo("timed out");
        assertThat(ErrorText.describe(new IOException(new IllegalStateException("x"))))
                .doesNotContain("Exception").doesNotContain("java.");
        assertThat(ErrorText.describe(null)).isEqualTo("an unknown error");
    }
}
