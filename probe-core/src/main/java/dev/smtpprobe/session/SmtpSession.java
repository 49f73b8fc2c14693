package dev.smtpprobe.session;

import dev.smtpprobe.smtp.PlaintextBeforeTlsGuard;
import dev.smtpprobe.model.EhloCapabilities;
import dev.smtpprobe.model.SmtpCommand;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.smtp.MessageIds;
import dev.smtpprobe.smtp.QueueIds;
import dev.smtpprobe.smtp.SmtpCommandEncoder;
import dev.smtpprobe.smtp.SmtpMessageContent;
import dev.smtpprobe.smtp.SmtpProtocolException;
import dev.smtpprobe.smtp.SmtpReplyDecoder;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.auth.AuthMechanism;
import dev.smtpprobe.event.SafeListener;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.SessionFailure;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.Step;
import dev.smtpprobe.model.TlsMode;
import dev.smtpprobe.model.TranscriptLine.Direction;
import dev.smtpprobe.tls.CertificateInspector;
import dev.smtpprobe.tls.HostNames;
import dev.smtpprobe.model.TlsSessionInfo;
import dev.smtpprobe.model.TrustCheck;
import dev.smtpprobe.tls.TrustEvaluator;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * One SMTP conversation with one address: an explicit state machine over {@link SmtpPhase}.
 *
 * <p>{@link #phase} names the step in flight; every reply is routed through {@link #onReply(SmtpReply)}, whose
 * switch is the only place that decides what comes next. All methods run on the channel's event loop; nothing
 * blocks. Whatever happens the session ends with a {@link SessionResult} (never an exception), and it tries
 * RSET (when a transaction is open) and QUIT before closing, unless the connection is gone or unusable.
 */
public final class SmtpSession extends ChannelInboundHandlerAdapter {

    private final SessionRequest request;
    private final SslContext sslContext;
    private final TrustEvaluator trustEvaluator;
    private final SafeListener listener;
    private final EventLoop loop;
    private final CompletableFuture<SessionResult> result = new CompletableFuture<>();
    private final SmtpReplyDecoder decoder = new SmtpReplyDecoder();

    private final List<Step> steps = new ArrayList<>();
    private final BoundedTranscript transcript = new BoundedTranscript(BoundedTranscript.DEFAULT_CAP);
    private EhloCapabilities capabilitiesBeforeTls = EhloCapabilities.NONE;
    private EhloCapabilities capabilities = EhloCapabilities.NONE;
    private boolean heloFallback;
    private Optional<TlsSessionInfo> tls = Optional.empty();
    private boolean authenticated;
    private Optional<String> queueId = Optional.empty();
    private Optional<String> messageId = Optional.empty();
    private Optional<SessionFailure> failure = Optional.empty();
    private boolean politeEnd;

    private Channel channel;
    private long startNanos;
    /** The phase in flight; {@link #phaseOpen} says whether a listener start awaits its end. */
    private SmtpPhase phase = SmtpPhase.CONNECT;
    private boolean phaseOpen;
    private long phaseStartNanos;
    private Optional<String> phaseCommand = Optional.empty();
    private ScheduledFuture<?> phaseTimer;
    private ScheduledFuture<?> deadlineTimer;
    /** We are closing on purpose: later replies, errors and the close itself change nothing. */
    private boolean closing;
    private boolean finished;

    private int recipientIndex;
    private int acceptedRecipients;
    /** MAIL was accepted and no final reply ended the transaction, so RSET is due before QUIT. */
    private boolean transactionOpen;
    private AuthMechanism authMechanism;
    private int authChallenges;
    private boolean authCancelled;

    public SmtpSession(SessionRequest request, SslContext sslContext, TrustEvaluator trustEvaluator,
                       SafeListener listener, EventLoop loop) {
        this.request = request;
        this.sslContext = sslContext;
        this.trustEvaluator = trustEvaluator;
        this.listener = listener;
        this.loop = loop;
    }

    public CompletableFuture<SessionResult> result() {
        return result;
    }

    /**
     * Ends a session whose event loop has terminated under it (its prober was closed while it was in flight), so
     * the caller still gets a result. Call only after the loop has stopped: no other thread then touches this
     * session's state.
     */
    public void finishAfterLoopTerminated() {
        if (!result.isDone()) {
            endBecauseProberClosed();
        }
    }

    /**
     * Asks the session to stop because its prober is closing: queued on the session's loop, where it closes the
     * channel itself. Sessions mid-connect would otherwise keep a socket open past the loop's shutdown.
     */
    public void abort() {
        try {
            loop.execute(this::endBecauseProberClosed);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the loop is already gone: finishAfterLoopTerminated delivers the result
        }
    }

    /** Both ways a closing prober ends a session lead here, started or not. */
    private void endBecauseProberClosed() {
        if (finished) {
            return;
        }
        if (startNanos == 0) {
            // Never started (start sets startNanos first): open it for listeners too, so that its sessionEnd has
            // the sessionStart it pairs with.
            startNanos = System.nanoTime();
            listener.sessionStart(request);
        }
        fail(ProbeStatus.CONNECTION_CLOSED, phase, "the prober was closed while this session was in flight",
                Optional.empty());
        finish();
    }

    // ---------------------------------------------------------------- start and connect

    /** Starts the session; must run on {@link #loop}. {@code template} carries the group and channel type. */
    public void start(Bootstrap template) {
        if (finished) {
            return; // aborted before it began: the prober was closed in between
        }
        try {
            startOnLoop(template);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // Whatever went wrong before the connect was under way, the caller still gets its result.
            internalError(e);
            finish();
        }
    }

    private void startOnLoop(Bootstrap template) {
        startNanos = System.nanoTime();
        listener.sessionStart(request);
        deadlineTimer = loop.schedule(this::onDeadline, request.timeouts().overall().toNanos(), TimeUnit.NANOSECONDS);
        beginPhase(SmtpPhase.CONNECT, Optional.empty());
        note("connecting to " + request.address());
        Optional<InetSocketAddress> target = connectTarget(request.address());
        if (target.isEmpty()) {
            failPhase(ProbeStatus.UNREACHABLE, "the address " + request.address().getHostString()
                    + " is not resolved; sessions connect to IP addresses only (resolve the name first)",
                    Optional.empty());
            finish();
            return;
        }
        Bootstrap b = template.clone(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis(request.timeouts().connect()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("smtp-decoder", decoder);
                        ch.pipeline().addLast("smtp-encoder", new SmtpCommandEncoder());
                        ch.pipeline().addLast("smtp-session", SmtpSession.this);
                    }
                });
        try {
            ChannelFuture connect = b.connect(target.get());
            channel = connect.channel();
            connect.addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    onConnected();
                } else if (!finished && !closing) {
                    Throwable cause = f.cause();
                    ProbeStatus kind = connectFailureKind(cause);
                    failPhase(kind, connectFailureMessage(kind, target.get(), cause), Optional.empty());
                    finish();
                }
            });
        } catch (RuntimeException e) {
            failPhase(ProbeStatus.INTERNAL_ERROR, describe(e), Optional.empty());
            finish();
        }
    }

    /**
     * The address to dial without ever asking DNS on the event loop (Netty's default resolver would block it):
     * resolved addresses as they are, unresolved IP literals parsed locally, unresolved names refused.
     */
    static Optional<InetSocketAddress> connectTarget(InetSocketAddress address) {
        if (!address.isUnresolved()) {
            return Optional.of(address);
        }
        String host = HostNames.normalize(address.getHostString());
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(literal), address.getPort()));
        } catch (UnknownHostException e) {
            return Optional.empty(); // only for a wrong length, which the parser never returns
        }
    }

    private void onConnected() {
        if (finished) {
            return;
        }
        endPhase(Optional.empty());
        note("connected from " + channel.localAddress());
        if (request.quitAfter().filter(q -> q == QuitAfter.CONNECT).isPresent()) {
            note("stopping after connect as asked");
            closeAndFinish();
            return;
        }
        if (request.tlsMode() == TlsMode.IMPLICIT) {
            beginTls();
        } else {
            awaitBanner();
        }
    }

    private void awaitBanner() {
        beginPhase(SmtpPhase.BANNER, Optional.empty());
        arm(request.timeouts().banner());
    }

    // ---------------------------------------------------------------- the state machine

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof SmtpReply)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        SmtpReply reply = (SmtpReply) msg;
        for (String line : reply.wireLines()) {
            transcript.add(Direction.RECEIVED, line);
        }
        if (finished || closing) {
            return;
        }
        if (!phaseOpen || phase == SmtpPhase.CONNECT || phase == SmtpPhase.TLS_HANDSHAKE) {
            note("unsolicited reply ignored (nothing was awaiting a reply)");
            return;
        }
        try {
            onReply(reply);
        } catch (RuntimeException e) {
            internalError(e);
        }
    }

    /** Every transition lives here: the reply to the phase in flight decides the next phase. */
    private void onReply(SmtpReply reply) {
        cancelPhaseTimer();
        SmtpPhase answered = phase;
        endPhase(Optional.of(reply));
        if (reply.code() == 421 && answered != SmtpPhase.QUIT) {
            // RFC 5321 section 3.8: 421 means the server is closing the channel, whatever was asked. A QUIT now
            // would wait for an answer that never comes (or lead the next command into a closed socket).
            fail(ProbeStatus.REJECTED, answered, "the server is closing the connection: " + reply.code() + " "
                    + reply.text(), Optional.of(reply));
            note("421 received: closing without QUIT, as the server closes the channel");
            closeAndFinish();
            return;
        }
        switch (answered) {
            case BANNER:
                if (reply.isPositive()) {
                    if (stopAfter(QuitAfter.BANNER)) {
                        politeEnd();
                    } else {
                        send(SmtpPhase.EHLO, SmtpCommand.ehlo(request.ehloName()), request.timeouts().command());
                    }
                } else {
                    reject(answered, "the server refused the session in its greeting", reply);
                }
                break;
            case EHLO:
            case EHLO_TLS:
                if (reply.isPositive()) {
                    capabilities = EhloCapabilities.parse(reply);
                    if (answered == SmtpPhase.EHLO) {
                        capabilitiesBeforeTls = capabilities;
                    }
                    afterGreeting();
                } else if (reply.code() == 500 || reply.code() == 502) {
                    note("EHLO not understood; falling back to HELO");
                    send(SmtpPhase.HELO, SmtpCommand.helo(request.ehloName()), request.timeouts().command());
                } else {
                    reject(answered, "the server refused EHLO", reply);
                }
                break;
            case HELO:
                if (reply.isPositive()) {
                    heloFallback = true;
                    capabilities = EhloCapabilities.NONE;
                    afterGreeting();
                } else {
                    reject(answered, "the server refused both EHLO and HELO", reply);
                }
                break;
            case STARTTLS:
                if (reply.code() == 220) {
                    if (decoder.hasBufferedBytes()) {
                        note("bytes buffered after the 220: " + decoder.bufferedPreview(256));
                        fail(ProbeStatus.STARTTLS_INJECTION, SmtpPhase.STARTTLS,
                                "bytes arrived after the 220 to STARTTLS and before the TLS handshake; "
                                        + "they were discarded and the session aborted", Optional.of(reply));
                        abandon();
                    } else {
                        beginTls();
                    }
                } else if (request.startTls() == StartTlsPolicy.REQUIRE) {
                    reject(SmtpPhase.STARTTLS, ProbeStatus.STARTTLS_REFUSED,
                            "STARTTLS was required but the server answered " + reply.code(), reply);
                } else {
                    note("STARTTLS refused with " + reply.code() + "; continuing in plain text");
                    afterTls();
                }
                break;
            case AUTH:
                onAuthReply(reply);
                break;
            case MAIL:
                if (reply.isPositive()) {
                    transactionOpen = true;
                    if (stopAfter(QuitAfter.MAIL)) {
                        politeEnd();
                    } else {
                        sendNextRecipient();
                    }
                } else {
                    reject(answered, "the server refused the sender", reply);
                }
                break;
            case RCPT:
                if (reply.isPositive()) {
                    acceptedRecipients++;
                }
                recipientIndex++;
                if (recipientIndex < request.recipients().size()) {
                    sendNextRecipient();
                } else {
                    afterRecipients();
                }
                break;
            case DATA:
                if (reply.code() == 354) {
                    sendMessage();
                } else {
                    reject(answered, "the server refused DATA", reply);
                }
                break;
            case MESSAGE:
                transactionOpen = false;
                if (reply.isPositive()) {
                    queueId = QueueIds.parse(reply);
                    politeEnd();
                } else {
                    reject(answered, "the server refused the message", reply);
                }
                break;
            case RSET:
                transactionOpen = false;
                send(SmtpPhase.QUIT, SmtpCommand.of("QUIT"), request.timeouts().command());
                break;
            case QUIT:
                politeEnd = true;
                closeAndFinish();
                break;
            default:
                note("reply in phase " + answered + " ignored");
        }
    }

    /** After EHLO or HELO (in plain text or under TLS): upgrade when asked and possible, else carry on. */
    private void afterGreeting() {
        boolean plain = tls.isEmpty();
        if (plain && stopAfter(QuitAfter.EHLO)) {
            politeEnd();
            return;
        }
        if (plain && request.tlsMode() == TlsMode.STARTTLS && request.startTls() != StartTlsPolicy.NEVER) {
            if (capabilities.startTls()) {
                send(SmtpPhase.STARTTLS, SmtpCommand.of("STARTTLS"), request.timeouts().command());
                return;
            }
            if (request.startTls() == StartTlsPolicy.REQUIRE) {
                fail(ProbeStatus.STARTTLS_NOT_OFFERED, SmtpPhase.STARTTLS,
                        "STARTTLS was required but the server did not offer it", Optional.empty());
                politeEnd();
                return;
            }
            note("STARTTLS not offered; continuing in plain text");
        }
        afterTls();
    }

    private void afterTls() {
        if (stopAfter(QuitAfter.TLS) || stopAfter(QuitAfter.EHLO)) {
            politeEnd();
            return;
        }
        if (request.credentials().isPresent()) {
            startAuth();
        } else {
            afterAuth();
        }
    }

    private void startAuth() {
        if (tls.isEmpty() && !request.allowPlaintextAuth()) {
            fail(ProbeStatus.AUTH_REFUSED_PLAINTEXT, SmtpPhase.AUTH,
                    "credentials are not sent over an unencrypted connection unless forced", Optional.empty());
            politeEnd();
            return;
        }
        Optional<AuthMechanism> mechanism = AuthMechanism.choose(capabilities.authMechanisms());
        if (mechanism.isEmpty()) {
            fail(ProbeStatus.AUTH_UNAVAILABLE, SmtpPhase.AUTH,
                    "the server offers no AUTH mechanism we speak (offered: " + capabilities.authMechanisms() + ")",
                    Optional.empty());
            politeEnd();
            return;
        }
        authMechanism = mechanism.get();
        authChallenges = 0;
        authCancelled = false;
        send(SmtpPhase.AUTH, authMechanism.firstCommand(request.credentials().get()), request.timeouts().command());
    }

    private void onAuthReply(SmtpReply reply) {
        if (reply.code() == 235) {
            authenticated = true;
            afterAuth();
        } else if (reply.code() == 334 && authCancelled) {
            // RFC 4954 section 4: the server must answer the cancel with 501; another challenge would start a
            // ping-pong that only the overall deadline ends.
            fail(ProbeStatus.PROTOCOL_ERROR, SmtpPhase.AUTH,
                    "the server sent another challenge after the AUTH exchange was cancelled", Optional.of(reply));
            politeEnd();
        } else if (reply.code() == 334) {
            Optional<SmtpCommand> answer = authMechanism.answer(authChallenges++, request.credentials().get());
            // "*" cancels an exchange we cannot continue (RFC 4954 section 4); the server then answers 501.
            authCancelled = answer.isEmpty();
            send(SmtpPhase.AUTH, answer.orElse(SmtpCommand.secretLine("*")), request.timeouts().command());
        } else {
            reject(SmtpPhase.AUTH, "authentication failed", reply);
        }
    }

    private void afterAuth() {
        if (stopAfter(QuitAfter.AUTH)) {
            politeEnd();
            return;
        }
        if (request.recipients().isEmpty() && !stopAfter(QuitAfter.MAIL)) {
            politeEnd();
            return;
        }
        send(SmtpPhase.MAIL, SmtpCommand.mailFrom(request.mailFrom()), request.timeouts().command());
    }

    private void sendNextRecipient() {
        if (recipientIndex >= request.recipients().size()) {
            afterRecipients();
            return;
        }
        send(SmtpPhase.RCPT, SmtpCommand.rcptTo(request.recipients().get(recipientIndex)), request.timeouts().command());
    }

    private void afterRecipients() {
        if (stopAfter(QuitAfter.RCPT) || request.message().isEmpty()) {
            politeEnd();
            return;
        }
        if (acceptedRecipients == 0) {
            note("no recipient was accepted, so DATA is not sent");
            politeEnd();
            return;
        }
        send(SmtpPhase.DATA, SmtpCommand.of("DATA"), request.timeouts().command());
    }

    private void sendMessage() {
        String text = request.message().orElse("");
        beginPhase(SmtpPhase.MESSAGE, Optional.of("<message>"));
        messageId = MessageIds.of(text);
        transcript.add(Direction.SENT, "<message: " + text.length() + " characters, dot-stuffed>");
        transcript.add(Direction.SENT, ".");
        write(new SmtpMessageContent(text));
        arm(request.timeouts().dataEnd());
    }

    private boolean stopAfter(QuitAfter point) {
        return request.quitAfter().filter(q -> q == point).isPresent();
    }

    // ---------------------------------------------------------------- TLS

    private void beginTls() {
        beginPhase(SmtpPhase.TLS_HANDSHAKE, Optional.empty());
        String sni = HostNames.sniFor(request.hostName());
        SslHandler ssl = sni.isEmpty()
                ? sslContext.newHandler(channel.alloc())
                : sslContext.newHandler(channel.alloc(), sni, request.address().getPort());
        SSLEngine engine = ssl.engine();
        if (!sni.isEmpty()) {
            // The JDK sends SNI on its own only for names with a dot; "localhost" and single-label names need this.
            SSLParameters params = engine.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(sni)));
            engine.setSSLParameters(params);
        }
        ssl.setHandshakeTimeoutMillis(0); // our own phase timer bounds the handshake
        arm(request.timeouts().tlsHandshake());
        channel.pipeline().addFirst("tls", ssl);
        channel.pipeline().addFirst("plaintext-guard", new PlaintextBeforeTlsGuard(this::onPlaintextBeforeTls));
        ssl.handshakeFuture().addListener((Future<Channel> f) -> {
            if (f.isSuccess()) {
                onHandshakeDone(engine.getSession(), sni);
            } else {
                onHandshakeFailed(f.cause());
            }
        });
    }

    private void onHandshakeDone(SSLSession session, String sni) {
        if (finished || closing || phase != SmtpPhase.TLS_HANDSHAKE) {
            return;
        }
        cancelPhaseTimer();
        List<X509Certificate> chain = new ArrayList<>();
        try {
            for (Certificate c : session.getPeerCertificates()) {
                if (c instanceof X509Certificate) {
                    chain.add((X509Certificate) c);
                }
            }
        } catch (SSLPeerUnverifiedException e) {
            note("the server presented no certificate");
        }
        TrustCheck trust = trustEvaluator.evaluate(chain, request.hostName(), Instant.now());
        TlsSessionInfo info = new TlsSessionInfo(session.getProtocol(), session.getCipherSuite(), sni, chain,
                CertificateInspector.summarize(chain), trust);
        tls = Optional.of(info);
        endPhase(Optional.empty());
        listener.tlsEstablished(request, info);
        note("TLS established: " + info.protocol() + " " + info.cipherSuite()
                + (sni.isEmpty() ? ", no SNI" : ", SNI " + sni)
                + ", certificate " + (trust.trusted() ? "trusted" : "NOT trusted: "
                + trust.chainProblem().orElse(trust.nameMatches() ? "" : "name does not match " + request.hostName())));
        // RFC 3207 section 4.2: nothing learned before TLS may be trusted, the EHLO list least of all.
        capabilities = EhloCapabilities.NONE;
        boolean tlsRequired = request.tlsMode() == TlsMode.IMPLICIT || request.startTls() == StartTlsPolicy.REQUIRE;
        if (tlsRequired && request.verifyCertificate() && !trust.trusted()) {
            fail(ProbeStatus.CERTIFICATE_REJECTED, SmtpPhase.TLS_HANDSHAKE,
                    "certificate rejected: " + trust.chainProblem().orElse("name does not match " + request.hostName()),
                    Optional.empty());
            if (request.tlsMode() == TlsMode.IMPLICIT) {
                abandon(); // no banner read yet: a QUIT now would cross it, so just say QUIT and go
            } else {
                politeEnd();
            }
            return;
        }
        if (request.tlsMode() == TlsMode.IMPLICIT) {
            awaitBanner();
        } else {
            send(SmtpPhase.EHLO_TLS, SmtpCommand.ehlo(request.ehloName()), request.timeouts().command());
        }
    }

    /** The server's first bytes where the handshake should be are an SMTP-shaped plaintext reply. */
    private void onPlaintextBeforeTls(String preview) {
        if (finished || closing || phase != SmtpPhase.TLS_HANDSHAKE || !phaseOpen) {
            return;
        }
        if (request.tlsMode() == TlsMode.IMPLICIT) {
            note("plaintext where the TLS handshake was expected: " + preview);
            failPhase(ProbeStatus.TLS_HANDSHAKE_FAILED, "the server answered in plain SMTP instead of TLS "
                    + "(is this a STARTTLS port rather than an implicit TLS one?)", Optional.empty());
        } else {
            note("plaintext arrived after 220 to STARTTLS: " + preview);
            fail(ProbeStatus.STARTTLS_INJECTION, SmtpPhase.STARTTLS, "plaintext arrived after 220 to STARTTLS",
                    Optional.empty());
            failPhaseOnly(ProbeStatus.STARTTLS_INJECTION);
        }
        closeAndFinish(); // no QUIT: the client hello is on the wire and the stream is neither SMTP nor TLS now
    }

    private void onHandshakeFailed(Throwable cause) {
        if (finished || closing || phase != SmtpPhase.TLS_HANDSHAKE || !phaseOpen) {
            return;
        }
        Throwable root = unwrap(cause);
        failPhase(ProbeStatus.TLS_HANDSHAKE_FAILED, "TLS handshake failed: " + describe(root), Optional.empty());
        closeAndFinish();
    }

    // ---------------------------------------------------------------- failures, timers, end

    private void onPhaseTimeout() {
        if (finished || closing || !phaseOpen) {
            return;
        }
        if (phase == SmtpPhase.QUIT || (phase == SmtpPhase.RSET && failure.isPresent())) {
            failPhaseOnly(ProbeStatus.TIMEOUT);
            closeAndFinish();
            return;
        }
        Duration limit = switch (phase) {
            case BANNER -> request.timeouts().banner();
            case TLS_HANDSHAKE -> request.timeouts().tlsHandshake();
            case MESSAGE -> request.timeouts().dataEnd();
            default -> request.timeouts().command();
        };
        failPhase(ProbeStatus.TIMEOUT, "no reply within " + limit.toMillis() + " ms", Optional.empty());
        abandon();
    }

    private void onDeadline() {
        if (finished || closing) {
            return;
        }
        String message = "overall deadline of " + request.timeouts().overall().toMillis() + " ms passed";
        if (phaseOpen) {
            failPhase(ProbeStatus.DEADLINE_EXCEEDED, message, Optional.empty());
        } else {
            fail(ProbeStatus.DEADLINE_EXCEEDED, phase, message, Optional.empty());
        }
        abandon();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (finished || closing) {
            finish();
            return;
        }
        if (phaseOpen) {
            if (phase == SmtpPhase.QUIT) {
                note("the server closed the connection without answering QUIT");
                failPhaseOnly(ProbeStatus.CONNECTION_CLOSED);
            } else if (phase == SmtpPhase.TLS_HANDSHAKE) {
                failPhase(ProbeStatus.TLS_HANDSHAKE_FAILED, "connection closed during the TLS handshake", Optional.empty());
            } else {
                failPhase(ProbeStatus.CONNECTION_CLOSED, decoder.hasBufferedBytes()
                        ? "the server closed the connection in the middle of a reply"
                        : "the server closed the connection", Optional.empty());
            }
        } else if (failure.isEmpty()) {
            fail(ProbeStatus.CONNECTION_CLOSED, phase, "the server closed the connection", Optional.empty());
        }
        finish();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (finished || closing) {
            return;
        }
        Throwable root = unwrap(cause);
        if (phase == SmtpPhase.TLS_HANDSHAKE && phaseOpen) {
            onHandshakeFailed(root);
            return;
        }
        if (root instanceof SmtpProtocolException) {
            failOrRecord(ProbeStatus.PROTOCOL_ERROR, root.getMessage());
            abandon();
        } else if (root instanceof SSLException) {
            failOrRecord(ProbeStatus.PROTOCOL_ERROR, "TLS error after the handshake: " + describe(root));
            closeAndFinish();
        } else if (root instanceof IOException) {
            failOrRecord(ProbeStatus.CONNECTION_CLOSED, "connection lost: " + describe(root));
            closeAndFinish();
        } else if (cause instanceof DecoderException) {
            failOrRecord(ProbeStatus.PROTOCOL_ERROR, describe(root));
            abandon();
        } else {
            internalError(root);
        }
    }

    private void failOrRecord(ProbeStatus kind, String message) {
        if (phaseOpen) {
            failPhase(kind, message, Optional.empty());
        } else {
            fail(kind, phase, message, Optional.empty());
        }
    }

    private void internalError(Throwable e) {
        if (finished) {
            return;
        }
        failOrRecord(ProbeStatus.INTERNAL_ERROR, describe(e));
        closeAndFinish();
    }

    /** A refusal the server answered with: keep the reply as evidence, then RSET/QUIT politely. */
    private void reject(SmtpPhase where, String message, SmtpReply reply) {
        reject(where, ProbeStatus.REJECTED, message, reply);
    }

    private void reject(SmtpPhase where, ProbeStatus kind, String message, SmtpReply reply) {
        fail(kind, where, message + ": " + reply.code() + " " + reply.text(), Optional.of(reply));
        politeEnd();
    }

    /** RSET when a transaction is open, then QUIT, waiting for each reply. */
    private void politeEnd() {
        if (transactionOpen) {
            send(SmtpPhase.RSET, SmtpCommand.of("RSET"), request.timeouts().command());
        } else {
            send(SmtpPhase.QUIT, SmtpCommand.of("QUIT"), request.timeouts().command());
        }
    }

    /**
     * The stream can no longer be trusted (timeout, garbage, injection): say QUIT without waiting for an answer
     * we could not tell apart from what is already in flight, then close.
     */
    private void abandon() {
        if (channel != null && channel.isActive() && !(phase == SmtpPhase.TLS_HANDSHAKE && tls.isEmpty())) {
            transcript.add(Direction.SENT, "QUIT");
            note("closing without waiting for the reply to QUIT");
            write(SmtpCommand.of("QUIT"));
        }
        closeAndFinish();
    }

    private void closeAndFinish() {
        closing = true;
        cancelPhaseTimer();
        if (channel != null && channel.isOpen()) {
            channel.close().addListener(f -> finish());
        } else {
            finish();
        }
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        closing = true;
        cancelPhaseTimer();
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
        }
        if (phaseOpen) {
            failPhaseOnly(failure.map(SessionFailure::kind).orElse(ProbeStatus.CONNECTION_CLOSED));
        }
        if (channel != null && channel.isOpen()) {
            channel.close();
        }
        SessionResult r = new SessionResult(request.hostName(), request.address(), request.tlsMode(), steps,
                capabilitiesBeforeTls, capabilities, heloFallback, tls, authenticated, queueId, messageId, failure, politeEnd,
                transcript.snapshot(), startNanos, Duration.ofNanos(System.nanoTime() - startNanos));
        listener.sessionEnd(request, r);
        result.complete(r);
    }

    // ---------------------------------------------------------------- phase bookkeeping

    private void send(SmtpPhase next, SmtpCommand command, Duration timeout) {
        if (channel == null || !channel.isActive()) {
            phase = next;
            fail(ProbeStatus.CONNECTION_CLOSED, next, "the connection is gone", Optional.empty());
            finish();
            return;
        }
        beginPhase(next, Optional.of(command.logLine()));
        transcript.add(Direction.SENT, command.logLine());
        write(command);
        arm(timeout);
    }

    private void write(Object message) {
        channel.writeAndFlush(message).addListener((ChannelFuture f) -> {
            if (!f.isSuccess() && !finished && !closing) {
                failOrRecord(ProbeStatus.CONNECTION_CLOSED, "write failed: " + describe(f.cause()));
                closeAndFinish();
            }
        });
    }

    private void beginPhase(SmtpPhase next, Optional<String> command) {
        phase = next;
        phaseOpen = true;
        phaseStartNanos = System.nanoTime();
        phaseCommand = command;
        listener.phaseStart(request, next, command);
    }

    private void endPhase(Optional<SmtpReply> reply) {
        if (!phaseOpen) {
            return;
        }
        phaseOpen = false;
        Duration elapsed = sincePhaseStart();
        steps.add(new Step(phase, phaseCommand, reply, phaseStartNanos, elapsed));
        listener.phaseEnd(request, phase, reply, elapsed);
    }

    /** The phase in flight failed, and that is why the session stops. */
    private void failPhase(ProbeStatus kind, String message, Optional<SmtpReply> reply) {
        fail(kind, phase, message, reply);
        failPhaseOnly(kind);
    }

    /** The phase in flight failed, but the session failure (if any) is already recorded or none is due. */
    private void failPhaseOnly(ProbeStatus kind) {
        cancelPhaseTimer();
        if (!phaseOpen) {
            return;
        }
        phaseOpen = false;
        Duration elapsed = sincePhaseStart();
        steps.add(new Step(phase, phaseCommand, Optional.empty(), phaseStartNanos, elapsed));
        listener.phaseFailed(request, phase, kind, elapsed);
    }

    /** Records the session's failure; the first one is the cause, later ones are only noted. */
    private void fail(ProbeStatus kind, SmtpPhase where, String message, Optional<SmtpReply> reply) {
        if (failure.isEmpty()) {
            failure = Optional.of(new SessionFailure(kind, where, message, reply));
        }
        note(kind + " at " + where.id() + ": " + message);
    }

    private void arm(Duration timeout) {
        cancelPhaseTimer();
        phaseTimer = loop.schedule(this::onPhaseTimeout, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelPhaseTimer() {
        if (phaseTimer != null) {
            phaseTimer.cancel(false);
            phaseTimer = null;
        }
    }

    private Duration sincePhaseStart() {
        return Duration.ofNanos(System.nanoTime() - phaseStartNanos);
    }

    private void note(String text) {
        transcript.add(Direction.INFO, text);
    }

    // ---------------------------------------------------------------- helpers

    /** Netty's text reads "Connection refused: host./192.0.2.1:25"; say it plainly, with the address as users write it. */
    static String connectFailureMessage(ProbeStatus kind, InetSocketAddress target, Throwable cause) {
        String where = dev.smtpprobe.model.Addresses.withPort(
                dev.smtpprobe.model.Addresses.text(target.getAddress()), target.getPort());
        return switch (kind) {
            case CONNECTION_REFUSED -> "connection refused by " + where + " (nothing listens on that port, or a firewall rejects)";
            case CONNECT_TIMEOUT -> "no answer to the TCP connection attempt to " + where + " in time";
            case CONNECTION_CLOSED -> where + " accepted the TCP connection and reset it at once";
            case UNREACHABLE -> where + " is unreachable: " + describe(cause);
            default -> describe(cause);
        };
    }

    static ProbeStatus connectFailureKind(Throwable t) {
        if (t instanceof ConnectTimeoutException) {
            return ProbeStatus.CONNECT_TIMEOUT;
        }
        String msg = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        if (t instanceof ConnectException && msg.contains("refused")) {
            return ProbeStatus.CONNECTION_REFUSED;
        }
        if (msg.contains("reset")) {
            // The TCP handshake completed and the server reset it before the connect was reported (a server that
            // accepts and drops at once, like a tarpit or a connection limit): reachable, and it hung up.
            return ProbeStatus.CONNECTION_CLOSED;
        }
        if (msg.contains("timed out")) {
            return ProbeStatus.CONNECT_TIMEOUT;
        }
        if (t instanceof NoRouteToHostException || t instanceof SocketException
                || t instanceof java.nio.channels.UnresolvedAddressException) {
            return ProbeStatus.UNREACHABLE;
        }
        return ProbeStatus.UNREACHABLE;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof DecoderException || cur instanceof io.netty.handler.codec.EncoderException)
                && !(cur instanceof SmtpProtocolException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        // The message is what a user can act on; the class name only when there is nothing else to show.
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
