package dev.smtpprobe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many sessions share the prober's single event-loop thread; none needs a thread of its own. */
class SmtpProberConcurrencyTest extends SessionTestSupport {

    @Test
    void fortySessionsOnOneLoopThread() throws Exception {
        server.start();
        List<CompletableFuture<SessionResult>> futures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            futures.add(prober.session(request().startTls(StartTlsPolicy.NEVER)
                    .recipients(List.of("user" + i + "@example.test")).build()));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        for (CompletableFuture<SessionResult> f : futures) {
            SessionResult r = f.join();
            assertThat(r.failure()).isEmpty();
            assertThat(r.politeEnd()).isTrue();
        }
        assertThat(server.connectionCount()).isEqualTo(40);
    }
}
