package dev.smtpprobe;

import dev.smtpprobe.event.ProbeEventListener;
import dev.smtpprobe.model.SmtpPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SessionRequest;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.StartTlsPolicy;
import dev.smtpprobe.model.Step;
import dev.smtpprobe.model.Timeouts;
import dev.smtpprobe.model.TranscriptLine;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.TlsSessionInfo;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded, deterministic fuzzing of the engine against a scripted raw-socket server that turns hostile at one random
 * phase: random bytes, wrong or out-of-range codes, missing separators, NULs, huge lines, floods of continuation
 * lines, CR without LF, replies split at every byte, close or reset mid-line, stalls, plaintext or garbage in place
 * of TLS. Whatever the server does, every session must end on time with a result that says what went wrong, a
 * bounded transcript, no exception escaping to Netty and its socket closed.
 *
 * <p>A failing case prints its index and description; rerun it alone by setting {@code -Dfuzz.case=N}.
 */
class HostileServerFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 0x5EED_2024L);
    private static final int CASES = Integer.getInteger("fuzz.cases", 400);
    private static final int ONLY_CASE = Integer.getInteger("fuzz.case", -1);
    private static final int PARALLEL = 24;
    private static final Duration PHASE = Duration.ofMillis(300);
    /** Slack over the overall deadline for the close to complete on a busy two-core machine. */
    private static final Duration DEADLINE_MARGIN = Duration.ofMillis(2500);
    /** Transcript bounds: the line cap plus the truncation note, and a total character budget. */
    private static final int MAX_TRANSCRIPT_LINES = 1000 + 32 + 1;
    private static final long MAX_TRANSCRIPT_CHARS = 100 * 1024;
    private static final int SERVER_READ_CAP = 64 * 1024;

    private static final ConcurrentLinkedQueue<LogRecord> NETTY_WARNINGS = new ConcurrentLinkedQueue<>();
    private static final Logger NETTY_LOGGER = Logger.getLogger("io.netty");
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                NETTY_WARNINGS.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private static SmtpProber prober;
    private static final PairingListener LISTENER = new PairingListener();

    @BeforeAll
    static void start() {
        // slf4j-nop is on the test class path, which Netty refuses, so it logs through java.util.logging: a handler
        // on "io.netty" sees "exceptionCaught() ... reached the tail of the pipeline" and every other warning.
        assertThat(InternalLoggerFactory.getDefaultFactory()).isInstanceOf(JdkLoggerFactory.class);
        NETTY_LOGGER.addHandler(CAPTURE);
        prober = SmtpProber.builder().listener(LISTENER).threads(2).build();
    }

    @AfterAll
    static void stop() {
        prober.close();
        NETTY_LOGGER.removeHandler(CAPTURE);
    }

    @Test
    void everyHostileServerEndsInAFindingOnTime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
            Thread t = new Thread(r, "fuzz-server");
            t.setDaemon(true);
            return t;
        });
        List<Future<String>> outcomes = new ArrayList<>();
        List<FuzzCase> cases = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            if (ONLY_CASE >= 0 && i != ONLY_CASE) {
                continue;
            }
            FuzzCase c = FuzzCase.generate(i, new Random(SEED ^ (i * 0x9E3779B97F4A7C15L)));
            cases.add(c);
            outcomes.add(pool.submit(() -> runCase(c)));
        }
        List<String> problems = new ArrayList<>();
        Map<String, AtomicInteger> failureKinds = new ConcurrentHashMap<>();
        for (int i = 0; i < outcomes.size(); i++) {
            String problem = outcomes.get(i).get(30, TimeUnit.SECONDS);
            if (problem.startsWith("ok ")) {
                failureKinds.computeIfAbsent(problem.substring(3), k -> new AtomicInteger()).incrementAndGet();
            } else {
                problems.add("case " + cases.get(i).index + " " + cases.get(i) + ": " + problem);
            }
        }
        pool.shutdownNow();
        System.out.println("hostile server fuzz: " + outcomes.size() + " cases, seed " + SEED + ", outcomes "
                + new java.util.TreeMap<>(failureKinds));
        assertThat(problems).as("cases that broke an invariant").isEmpty();
        assertThat(NETTY_WARNINGS).as("Netty warnings (exceptions reaching the pipeline tail, task failures)")
                .extracting(r -> r.getMessage() + " " + r.getThrown())
                .isEmpty();
        assertThat(LISTENER.unpaired()).as("sessions whose listener events did not pair up").isEmpty();
        // The generator must actually reach the interesting outcomes, or the invariants above prove little.
        assertThat(failureKinds.keySet()).as("outcomes seen: %s", failureKinds)
                .contains("none", "PROTOCOL_ERROR", "TIMEOUT", "CONNECTION_CLOSED", "TLS_HANDSHAKE_FAILED",
                        "STARTTLS_INJECTION", "REJECTED");
    }

    /** Runs one case; "ok KIND" when every invariant held, else what broke. */
    private static String runCase(FuzzCase c) {
        try (ServerSocket listen = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listen.setSoTimeout(5000);
            SessionRequest request = c.request(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    listen.getLocalPort()));
            long begin = System.nanoTime();
            var future = prober.session(request);
            boolean sawClientClose;
            try (Socket s = listen.accept()) {
                s.setTcpNoDelay(true);
                s.setSoTimeout((int) (c.overall.toMillis() + 4000));
                sawClientClose = new ScriptedServer(c, s).serve();
            }
            SessionResult r;
            try {
                r = future.get(c.overall.toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return "session did not complete (hang)";
            } catch (java.util.concurrent.ExecutionException e) {
                return "session completed exceptionally: " + e.getCause();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            if (took.compareTo(c.overall.plus(DEADLINE_MARGIN)) > 0) {
                return "took " + took.toMillis() + " ms, deadline " + c.overall.toMillis() + " ms";
            }
            if (!sawClientClose) {
                return "the server never saw the client close the connection";
            }
            if (r.failure().isEmpty() && !walkCompleted(r, c)) {
                return "no failure although the walk did not complete: " + phasesOf(r);
            }
            if (r.transcript().size() > MAX_TRANSCRIPT_LINES) {
                return "transcript has " + r.transcript().size() + " lines";
            }
            long chars = r.transcript().stream().mapToLong(t -> t.line().length()).sum();
            if (chars > MAX_TRANSCRIPT_CHARS) {
                return "transcript has " + chars + " characters";
            }
            for (TranscriptLine line : r.transcript()) {
                if (line.line().contains("s3cret") || line.line().contains(java.util.Base64.getEncoder()
                        .encodeToString(("\0fuzz\0s3cret-" + c.index).getBytes(StandardCharsets.UTF_8)))) {
                    return "credentials in the transcript: " + line.line();
                }
                if (line.line().chars().anyMatch(ch -> ch < 0x20 && ch != '\t' || ch == 0x7f)) {
                    return "control character in the transcript: " + line.line().substring(0,
                            Math.min(80, line.line().length()));
                }
            }
            Optional<Set<String>> expected = c.expectedFailure();
            String kind = r.failure().map(f -> f.status().name()).orElse("none");
            if (expected.isPresent() && !expected.get().contains(kind)) {
                return "expected " + expected.get() + " but got " + kind + ": " + r.failure();
            }
            return "ok " + kind;
        } catch (Exception | AssertionError e) {
            return "test harness error: " + e;
        }
    }

    /** The walk the request asked for: greeting accepted, EHLO or HELO accepted, MAIL accepted, every RCPT answered. */
    private static boolean walkCompleted(SessionResult r, FuzzCase c) {
        boolean banner = false;
        boolean greeting = false;
        boolean mail = false;
        int rcpts = 0;
        boolean message = false;
        for (Step s : r.steps()) {
            boolean positive = s.reply().map(SmtpReply::isPositive).orElse(false);
            switch (s.phase()) {
                case BANNER -> banner |= positive;
                case EHLO, HELO, EHLO_TLS -> greeting |= positive;
                case MAIL -> mail |= positive;
                case RCPT -> rcpts += s.reply().isPresent() ? 1 : 0;
                case MESSAGE -> message |= s.reply().isPresent();
                default -> { }
            }
        }
        boolean dataDue = c.sendData && r.steps().stream().anyMatch(s -> s.phase() == SmtpPhase.RCPT
                && s.reply().map(SmtpReply::isPositive).orElse(false));
        boolean dataRefused = r.steps().stream().anyMatch(s -> s.phase() == SmtpPhase.DATA
                && s.reply().map(rep -> rep.code() != 354).orElse(false));
        return banner && greeting && mail && rcpts == c.recipients && (!dataDue || message || dataRefused)
                && (!c.useAuth || r.authenticated());
    }

    private static String phasesOf(SessionResult r) {
        StringBuilder sb = new StringBuilder();
        for (Step s : r.steps()) {
            sb.append(s.phase()).append(s.reply().map(rep -> "=" + rep.code()).orElse("=none")).append(' ');
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------- the cases

    enum Action {
        RANDOM_BYTES, WRONG_CODE, NO_SEPARATOR, NULS, HUGE_LINE, HUGE_LINE_NO_LF, MANY_CONTINUATIONS, CR_WITHOUT_LF,
        SPLIT_VALID, CLOSE_MID_LINE, STALL, BARE_LF, NON_UTF8, EXTRA_REPLIES, TERMINAL_ESCAPES, CODE_421
    }

    enum Tail { CONTINUE, STALL, SHUTDOWN_OUTPUT, RESET }

    /** What the server does after STARTTLS when the hostile phase is the TLS upgrade. */
    enum TlsAction { PLAINTEXT_REPLY, RANDOM_BYTES, FAKE_RECORD, CLOSE, STALL }

    static final class FuzzCase {
        final int index;
        final String hostilePhase;
        final Action action;
        final TlsAction tlsAction;
        final byte[] payload;
        final Tail tail;
        final int splitEvery;
        final boolean offerStartTls;
        final boolean sendData;
        final boolean useAuth;
        final int recipients;
        final Duration overall;

        private FuzzCase(int index, String hostilePhase, Action action, TlsAction tlsAction, byte[] payload, Tail tail,
                         int splitEvery, boolean offerStartTls, boolean sendData, int recipients, Duration overall,
                         boolean useAuth) {
            this.index = index;
            this.hostilePhase = hostilePhase;
            this.action = action;
            this.tlsAction = tlsAction;
            this.payload = payload;
            this.tail = tail;
            this.splitEvery = splitEvery;
            this.offerStartTls = offerStartTls;
            this.sendData = sendData;
            this.useAuth = useAuth;
            this.recipients = recipients;
            this.overall = overall;
        }

        static final String[] PHASES = {"BANNER", "EHLO", "STARTTLS", "TLS", "AUTH", "MAIL", "RCPT", "DATA", ".", "RSET",
            "QUIT"};

        static FuzzCase generate(int index, Random rnd) {
            String phase = PHASES[rnd.nextInt(PHASES.length)];
            boolean offerStartTls = phase.equals("STARTTLS") || phase.equals("TLS") || rnd.nextInt(4) == 0;
            boolean sendData = phase.equals("DATA") || phase.equals(".") || rnd.nextInt(3) == 0;
            int recipients = 1 + rnd.nextInt(2);
            Duration overall = rnd.nextInt(5) == 0 ? Duration.ofMillis(450) : Duration.ofMillis(1500);
            boolean useAuth = phase.equals("AUTH") || rnd.nextInt(4) == 0;
            if (phase.equals("TLS")) {
                TlsAction t = TlsAction.values()[rnd.nextInt(TlsAction.values().length)];
                byte[] bytes = switch (t) {
                    case PLAINTEXT_REPLY -> ascii(new String[] {"250 injected\r\n", "250-AUTH PLAIN\r\n250 ok\r\n",
                            "535 5.7.8 no\r\n", "220\r\n"}[rnd.nextInt(4)]);
                    case RANDOM_BYTES -> randomNonDigitStart(rnd, 1 + rnd.nextInt(600));
                    case FAKE_RECORD -> fakeTlsRecord(rnd);
                    default -> new byte[0];
                };
                Tail tail = t == TlsAction.CLOSE ? Tail.SHUTDOWN_OUTPUT
                        : t == TlsAction.STALL ? Tail.STALL : rnd.nextBoolean() ? Tail.STALL : Tail.SHUTDOWN_OUTPUT;
                return new FuzzCase(index, phase, null, t, bytes, tail, rnd.nextInt(3) == 0 ? 1 : 0, true, sendData,
                        recipients, overall, useAuth);
            }
            Action action = Action.values()[rnd.nextInt(Action.values().length)];
            byte[] payload = payload(action, phase, rnd);
            Tail tail = switch (action) {
                case STALL -> Tail.STALL;
                case CLOSE_MID_LINE -> rnd.nextBoolean() ? Tail.SHUTDOWN_OUTPUT : Tail.RESET;
                default -> Tail.values()[rnd.nextInt(Tail.values().length)];
            };
            int split = action == Action.SPLIT_VALID ? 1 + rnd.nextInt(3)
                    : rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(7) : 0;
            return new FuzzCase(index, phase, action, null, payload, tail, split, offerStartTls, sendData, recipients,
                    overall, useAuth);
        }

        private static byte[] payload(Action action, String phase, Random rnd) {
            String valid = validReply(phase);
            switch (action) {
                case RANDOM_BYTES: {
                    byte[] b = new byte[1 + rnd.nextInt(3000)];
                    rnd.nextBytes(b);
                    if (rnd.nextBoolean()) {
                        b[b.length - 1] = '\n';
                    }
                    return b;
                }
                case WRONG_CODE: {
                    int[] pool = {0, 1, 99, 100, 150, 199, 211, 300, 334, 354, 399, 600, 666, 700, 999, 550, 554, 452};
                    int code = rnd.nextBoolean() ? pool[rnd.nextInt(pool.length)] : rnd.nextInt(1000);
                    String line = String.format(Locale.ROOT, "%03d wrong code here", code);
                    return ascii(rnd.nextBoolean() ? line + "\r\n"
                            : String.format(Locale.ROOT, "%03d-first\r\n", rnd.nextInt(1000)) + line + "\r\n");
                }
                case NO_SEPARATOR:
                    return ascii(new String[] {"250ok\r\n", "25\r\n", "2500 x\r\n", "250\r\n", "250x-y\r\n",
                            "250\t tab\r\n", "\r\n", "   \r\n"}[rnd.nextInt(8)]);
                case NULS:
                    return new String[] {"250 \0ok\0\r\n", "\0\0\0 nul code\r\n", "2\0" + "0 x\r\n",
                            "\0".repeat(500)}[rnd.nextInt(4)].getBytes(StandardCharsets.ISO_8859_1);
                case HUGE_LINE:
                    return ascii(valid.substring(0, 4) + "x".repeat(8_000 + rnd.nextInt(200_000)) + "\r\n");
                case HUGE_LINE_NO_LF:
                    return ascii(valid.substring(0, 4) + "y".repeat(9_000 + rnd.nextInt(300_000)));
                case MANY_CONTINUATIONS: {
                    StringBuilder sb = new StringBuilder();
                    int n = 50 + rnd.nextInt(5000);
                    String code = valid.substring(0, 3);
                    for (int i = 0; i < n; i++) {
                        sb.append(code).append("-continuation ").append(i).append("\r\n");
                    }
                    if (rnd.nextBoolean()) {
                        sb.append(code).append(" end\r\n");
                    }
                    return ascii(sb.toString());
                }
                case CR_WITHOUT_LF:
                    return ascii(rnd.nextBoolean() ? valid.replace("\r\n", "\r") : valid.replace("\r\n", "\r") + "250 ok\r");
                case SPLIT_VALID:
                    return ascii(valid);
                case CLOSE_MID_LINE:
                    return ascii(valid.substring(0, Math.max(1, rnd.nextInt(valid.length() - 1))));
                case STALL:
                    return new byte[0];
                case BARE_LF:
                    return ascii(valid.replace("\r\n", "\n"));
                case NON_UTF8:
                    return new byte[] {'2', '5', '0', ' ', (byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, (byte) 0x80, '\r', '\n'};
                case EXTRA_REPLIES:
                    return ascii(valid + "250 extra unsolicited\r\n" + (rnd.nextBoolean() ? "garbage\r\n" : ""));
                case TERMINAL_ESCAPES:
                    return ascii(valid.substring(0, 4) + "\u001b[2J\u001b]0;owned\u0007 \u0008\u0008 text\r\n");
                case CODE_421:
                    return ascii("421 4.3.2 closing, try later\r\n");
                default:
                    throw new IllegalStateException(action.name());
            }
        }

        /** The reply a well-behaved server would give at this phase. */
        static String validReply(String phase) {
            return switch (phase) {
                case "BANNER" -> "220 fuzz.test ESMTP\r\n";
                case "EHLO" -> "250-fuzz.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
                case "STARTTLS" -> "454 4.7.0 TLS not available\r\n";
                case "DATA" -> "354 go ahead\r\n";
                case "." -> "250 2.0.0 queued as FUZZ1\r\n";
                case "QUIT" -> "221 2.0.0 bye\r\n";
                case "AUTH" -> "235 2.7.0 Authentication successful\r\n";
                default -> "250 2.1.0 ok\r\n";
            };
        }

        /** Outcomes some cases must have, so the classification itself is fuzzed too, not only survival. */
        Optional<Set<String>> expectedFailure() {
            if (tlsAction == TlsAction.PLAINTEXT_REPLY) {
                return Optional.of(Set.of(ProbeStatus.STARTTLS_INJECTION.name()));
            }
            if (tlsAction == TlsAction.RANDOM_BYTES) {
                // Garbage that happens to parse as the start of an SSLv2 header makes the handshake wait: TIMEOUT.
                return Optional.of(Set.of(ProbeStatus.TLS_HANDSHAKE_FAILED.name(), ProbeStatus.TIMEOUT.name(),
                        ProbeStatus.DEADLINE_EXCEEDED.name()));
            }
            return Optional.empty();
        }

        SessionRequest request(InetSocketAddress address) {
            Duration tls = Duration.ofMillis(400);
            return SessionRequest.builder("localhost", address)
                    .credential(useAuth ? new dev.smtpprobe.model.Credential.Password("fuzz", "s3cret-" + index) : null)
                    .allowPlaintextAuth(useAuth)
                    .ehloName("case-" + index + ".fuzz.test")
                    .mailFrom("sender@fuzz.test")
                    .recipients(recipients == 1 ? List.of("a@fuzz.test") : List.of("a@fuzz.test", "b@fuzz.test"))
                    .message(sendData ? "Subject: fuzz\r\n\r\nhello\r\n.leading dot\r\n" : null)
                    .startTls(StartTlsPolicy.AUTO)
                    .timeouts(new Timeouts(Duration.ofSeconds(2), PHASE, PHASE, tls, PHASE, overall))
                    .build();
        }

        @Override
        public String toString() {
            return "[phase " + hostilePhase + ", " + (action != null ? action : "TLS " + tlsAction)
                    + ", " + payload.length + " bytes, tail " + tail + ", split " + splitEvery
                    + (offerStartTls ? ", STARTTLS offered" : "") + (sendData ? ", DATA" : "") + (useAuth ? ", AUTH" : "")
                    + ", " + recipients + " rcpt, overall " + overall.toMillis() + " ms]";
        }

        private static byte[] randomNonDigitStart(Random rnd, int n) {
            byte[] b = new byte[n];
            rnd.nextBytes(b);
            // A TLS record starts with 20..24; an SMTP-looking reply with a digit. Neither: plain garbage.
            b[0] = (byte) ("!#%&*ZzxqHTTP<".charAt(rnd.nextInt(14)));
            return b;
        }

        private static byte[] fakeTlsRecord(Random rnd) {
            int len = rnd.nextInt(3) == 0 ? 0xffff : rnd.nextInt(300);
            byte[] body = new byte[Math.min(len, 300)];
            rnd.nextBytes(body);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(20 + rnd.nextInt(5));
            out.write(3);
            out.write(rnd.nextInt(5));
            out.write(len >> 8);
            out.write(len & 0xff);
            out.writeBytes(body);
            return out.toByteArray();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------------------------------- the server

    /** A blocking scripted server for one connection; returns whether it saw the client close its side. */
    private static final class ScriptedServer {
        private final FuzzCase c;
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private boolean hostileDone;

        ScriptedServer(FuzzCase c, Socket socket) throws IOException {
            this.c = c;
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        boolean serve() throws IOException {
            try {
                if (c.hostilePhase.equals("BANNER")) {
                    return hostile(FuzzCase.validReply("BANNER"));
                }
                write(ascii(FuzzCase.validReply("BANNER")), 0);
                while (true) {
                    byte[] line = readLine();
                    if (line == null) {
                        return true;
                    }
                    String text = new String(line, StandardCharsets.ISO_8859_1).strip();
                    String verb = text.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                    if (verb.equals("STARTTLS") && c.hostilePhase.equals("TLS") && !hostileDone) {
                        hostileDone = true;
                        write(ascii("220 2.0.0 go ahead\r\n"), 0);
                        return tls();
                    }
                    if (!hostileDone && verb.equals(c.hostilePhase)) {
                        hostileDone = true;
                        Optional<Boolean> end = hostileThenMaybeContinue(verb);
                        if (end.isPresent()) {
                            return end.get();
                        }
                        continue;
                    }
                    String reply = verb.equals("EHLO") ? ehlo() : FuzzCase.validReply(verb.equals("HELO") ? "RSET"
                            : verb.equals("RCPT") || verb.equals("MAIL") || verb.equals("RSET") || verb.equals("DATA")
                            || verb.equals("QUIT") || verb.equals("STARTTLS") || verb.equals("AUTH") ? verb : "NOOP");
                    if (!verb.matches("EHLO|HELO|MAIL|RCPT|RSET|DATA|QUIT|STARTTLS|AUTH")) {
                        reply = "500 5.5.2 what?\r\n";
                    }
                    write(ascii(reply), 0);
                    if (verb.equals("QUIT")) {
                        return readUntilEof();
                    }
                    if (verb.equals("DATA") && !readBodyAndAnswer()) {
                        return true;
                    }
                    if (verb.equals("DATA") && hostileDone && c.hostilePhase.equals(".") && c.tail != Tail.CONTINUE) {
                        return tail();
                    }
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset by the client: it closed
            }
        }

        /** Reads the message body; answers the end of data (hostile when that is the phase). False on EOF. */
        private boolean readBodyAndAnswer() throws IOException {
            while (true) {
                byte[] line = readLine();
                if (line == null) {
                    return false;
                }
                if (new String(line, StandardCharsets.ISO_8859_1).strip().equals(".")) {
                    break;
                }
            }
            if (!hostileDone && c.hostilePhase.equals(".")) {
                hostileDone = true;
                write(c.payload, c.splitEvery);
                return true;
            }
            write(ascii(FuzzCase.validReply(".")), 0);
            return true;
        }

        private Optional<Boolean> hostileThenMaybeContinue(String verb) throws IOException {
            write(c.payload, c.splitEvery);
            if (c.tail != Tail.CONTINUE) {
                return Optional.of(tail());
            }
            if (verb.equals("DATA") && startsWith(c.payload, "354")) {
                if (!readBodyAndAnswer()) {
                    return Optional.of(true);
                }
            }
            if (verb.equals("QUIT")) {
                return Optional.of(readUntilEof());
            }
            return Optional.empty();
        }

        private boolean hostile(String valid) throws IOException {
            hostileDone = true;
            write(c.payload, c.splitEvery);
            if (c.tail != Tail.CONTINUE) {
                return tail();
            }
            // Continue as a normal server would; the client may or may not have understood.
            return serveAfterBanner();
        }

        private boolean serveAfterBanner() throws IOException {
            while (true) {
                byte[] line = readLine();
                if (line == null) {
                    return true;
                }
                String verb = new String(line, StandardCharsets.ISO_8859_1).strip().split(" ", 2)[0]
                        .toUpperCase(Locale.ROOT);
                write(ascii(verb.equals("EHLO") ? ehlo() : verb.equals("QUIT") ? "221 bye\r\n"
                        : verb.equals("DATA") ? "554 no\r\n" : "250 ok\r\n"), 0);
                if (verb.equals("QUIT")) {
                    return readUntilEof();
                }
            }
        }

        private boolean tls() throws IOException {
            byte[] hello = new byte[5];
            if (c.tlsAction != TlsAction.PLAINTEXT_REPLY || c.index % 2 == 0) {
                // Wait for the client's hello, so the bytes below arrive in their own segment, after it.
                if (in.read(hello) < 0) {
                    return true;
                }
            }
            if (c.payload.length > 0) {
                write(c.payload, c.splitEvery);
            }
            return tail();
        }

        private boolean tail() throws IOException {
            switch (c.tail) {
                case RESET:
                    socket.setSoLinger(true, 0);
                    socket.close();
                    return true; // the server ended it; there is no client close left to see
                case SHUTDOWN_OUTPUT:
                    socket.shutdownOutput();
                    return readUntilEof();
                default:
                    return readUntilEof();
            }
        }

        private boolean readUntilEof() throws IOException {
            byte[] buf = new byte[8192];
            try {
                while (in.read(buf) >= 0) {
                    // drain
                }
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        private String ehlo() {
            return "250-fuzz.test\r\n250-PIPELINING\r\n" + (c.offerStartTls ? "250-STARTTLS\r\n" : "")
                    + (c.useAuth ? "250-AUTH PLAIN LOGIN\r\n" : "") + "250 8BITMIME\r\n";
        }

        private byte[] readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    return line.toByteArray();
                }
                if (line.size() < SERVER_READ_CAP) {
                    line.write(b);
                }
            }
            return line.size() == 0 ? null : line.toByteArray();
        }

        private void write(byte[] bytes, int chunk) throws IOException {
            if (chunk <= 0 || chunk >= bytes.length) {
                out.write(bytes);
                out.flush();
                return;
            }
            for (int i = 0; i < bytes.length; i += chunk) {
                out.write(bytes, i, Math.min(chunk, bytes.length - i));
                out.flush();
            }
        }

        private static boolean startsWith(byte[] bytes, String prefix) {
            return new String(bytes, 0, Math.min(bytes.length, prefix.length()), StandardCharsets.ISO_8859_1)
                    .equals(prefix);
        }
    }

    // ------------------------------------------------------------------------------------------- the listener

    /**
     * Checks that every phase start is paired with exactly one end or failure and every session ends once; throws
     * from its callbacks for some sessions, which must change nothing.
     */
    static final class PairingListener extends ProbeEventListener {
        private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> ends = new ConcurrentHashMap<>();

        private static String key(SessionRequest r) {
            return r.options().ehloName();
        }

        private static void maybeThrow(SessionRequest r) {
            String name = r.options().ehloName();
            int index = Integer.parseInt(name.substring(5, name.indexOf('.')));
            if (index % 7 == 3) {
                throw new IllegalStateException("listener bug in case " + index);
            }
            if (index % 11 == 5) {
                throw new AssertionError("listener assertion in case " + index);
            }
        }

        @Override
        public void sessionStart(SessionRequest r) {
            open.put(key(r), new AtomicInteger());
            maybeThrow(r);
        }

        @Override
        public void sessionEnd(SessionRequest r, SessionResult s) {
            ends.computeIfAbsent(key(r), k -> new AtomicInteger()).incrementAndGet();
            maybeThrow(r);
        }

        @Override
        public void phaseStart(SessionRequest r, SmtpPhase p, Optional<String> c) {
            open.get(key(r)).incrementAndGet();
            maybeThrow(r);
        }

        @Override
        public void phaseEnd(SessionRequest r, SmtpPhase p, Optional<SmtpReply> rep, Duration d) {
            open.get(key(r)).decrementAndGet();
            maybeThrow(r);
        }

        @Override
        public void phaseFailed(SessionRequest r, SmtpPhase p, ProbeStatus k, Duration d) {
            open.get(key(r)).decrementAndGet();
            maybeThrow(r);
        }

        @Override
        public void tlsEstablished(SessionRequest r, TlsSessionInfo t) {
            maybeThrow(r);
        }

        List<String> unpaired() {
            List<String> out = new ArrayList<>();
            open.forEach((k, v) -> {
                if (v.get() != 0) {
                    out.add(k + " open phases " + v.get());
                }
                AtomicInteger e = ends.get(k);
                if (e == null || e.get() != 1) {
                    out.add(k + " sessionEnd calls " + (e == null ? 0 : e.get()));
                }
            });
            return out;
        }
    }
}
