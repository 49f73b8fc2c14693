package dev.smtpprobe.auth;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * What mechanisms need from outside the credential: randomness (injected so tests can replay published vectors),
 * the server's name for OAUTHBEARER, and our limit on the work a server may make us do.
 */
public final class SaslContext {
    /** Far above any sane server (RFC 7677 recommends 4096) yet a few seconds of CPU at most. */
    public static final int DEFAULT_MAX_ITERATION_COUNT = 1_000_000;
    private static final int NONCE_BYTES = 24;

    private final Supplier<byte[]> nonceSource;
    private final Optional<String> host;
    private final OptionalInt port;
    private final int maxIterationCount;

    private SaslContext(Builder builder) {
        this.nonceSource = builder.nonceSource;
        this.host = builder.host;
        this.port = builder.port;
        this.maxIterationCount = builder.maxIterationCount;
    }

    /** Secure random nonces, no host or port, the default iteration limit. */
    public static SaslContext defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fresh nonce bytes; mechanisms base64-encode them, which keeps them within SCRAM's printable set. */
    byte[] newNonce() {
        byte[] nonce = nonceSource.get();
        if (nonce == null || nonce.length == 0) {
            throw new IllegalStateException("the nonce source returned no bytes");
        }
        return nonce.clone();
    }

    /** The host name the client connected to, sent by OAUTHBEARER so the server can check the token's audience. */
    public Optional<String> host() {
        return host;
    }

    public OptionalInt port() {
        return port;
    }

    public int maxIterationCount() {
        return maxIterationCount;
    }

    @Override
    public String toString() {
        return "SaslContext[host=" + host.orElse("-") + ", port=" + (port.isPresent() ? port.getAsInt() : "-")
                + ", maxIterationCount=" + maxIterationCount + "]";
    }

    public static final class Builder {
        private Supplier<byte[]> nonceSource = randomNonces(new SecureRandom());
        private Optional<String> host = Optional.empty();
        private OptionalInt port = OptionalInt.empty();
        private int maxIterationCount = DEFAULT_MAX_ITERATION_COUNT;

        private Builder() {
        }

        public Builder random(SecureRandom random) {
            this.nonceSource = randomNonces(Objects.requireNonNull(random));
            return this;
        }

        /** For tests that replay a published exchange: every nonce will be these bytes. */
        public Builder nonceSource(Supplier<byte[]> nonceSource) {
            this.nonceSource = Objects.requireNonNull(nonceSource);
            return this;
        }

        public Builder host(String host) {
            Objects.requireNonNull(host);
            if (host.isEmpty()) {
                throw new IllegalArgumentException("host must not be empty");
            }
            for (int i = 0; i < host.length(); i++) {
                if (Character.isISOControl(host.charAt(i))) {
                    throw new IllegalArgumentException("host must not contain control characters");
                }
            }
            this.host = Optional.of(host);
            return this;
        }

        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535, was " + port);
            }
            this.port = OptionalInt.of(port);
            return this;
        }

        public Builder maxIterationCount(int maxIterationCount) {
            if (maxIterationCount < 1) {
                throw new IllegalArgumentException("maxIterationCount must be positive, was " + maxIterationCount);
            }
            this.maxIterationCount = maxIterationCount;
            return this;
        }

        public SaslContext build() {
            return new SaslContext(this);
        }

        private static Supplier<byte[]> randomNonces(SecureRandom random) {
            return () -> {
                byte[] nonce = new byte[NONCE_BYTES];
                random.nextBytes(nonce);
                return nonce;
            };
        }
    }
}
