package dev.smtpprobe.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.RecordingEventListener;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.fixtures.MockSmtpServer;
import dev.smtpprobe.event.SafeListener;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.tls.TlsClientContexts;
import dev.smtpprobe.tls.TrustEvaluator;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.NoopAddressResolverGroup;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The abort a closing prober queues on each session's loop, pinned down without the race that makes it matter:
 * a session aborted before its start task runs must end with a result and must never connect.
 */
class SmtpSessionAbortTest {

    @Test
    void aSessionAbortedBeforeItStartsEndsWithAResultAndNeverConnects() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (MockSmtpServer server = new MockSmtpServer().start()) {
            EventLoop loop = group.next();
            RecordingEventListener events = new RecordingEventListener();
            SmtpSession session = new SmtpSession(SessionRequest.builder("localhost", server.address()).build(),
                    TlsClientContexts.capturingClientContext(), TrustEvaluator.jdkDefault(),
                    new SafeListener(events), loop);
            Bootstrap template = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .resolver(NoopAddressResolverGroup.INSTANCE);

            session.abort();
            loop.submit(() -> session.start(template)).get(5, TimeUnit.SECONDS);
            SessionResult r = session.result().get(5, TimeUnit.SECONDS);

            assertThat(r.failure()).hasValueSatisfying(f -> {
                assertThat(f.status()).isEqualTo(ProbeStatus.CONNECTION_CLOSED);
                assertThat(f.phase()).isEqualTo(SmtpPhase.CONNECT);
                assertThat(f.message()).contains("prober was closed");
            });
            // Listener calls happen on the loop, in order: a start that went ahead after the abort would have
            // added its own sessionStart and a CONNECT phase here.
            assertThat(events.events()).containsExactly("sessionStart", "sessionEnd");
            events.assertPaired();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
