package dev.smtpprobe.auth;

import dev.smtpprobe.model.Credential;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The registry of mechanisms we implement, and the choice between them and what a server offers. */
public final class SaslMechanisms {
    private static final List<SaslClientFactory> ALL = Arrays.stream(StandardMechanism.values())
            .sorted(Comparator.comparingInt(StandardMechanism::strength).reversed())
            .collect(Collectors.toUnmodifiableList());

    /** See {@link #weakOnly}. */
    private static final Set<String> WEAK = Set.of("PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "NTLM");

    private SaslMechanisms() {
    }

    /** Strongest first. */
    public static List<SaslClientFactory> all() {
        return ALL;
    }

    public static Optional<SaslClientFactory> byName(String name) {
        String wanted = name.trim().toUpperCase(Locale.ROOT);
        return ALL.stream().filter(f -> f.mechanism().equals(wanted)).findFirst();
    }

    /** As {@link #choose(List, Credential, Optional, boolean)}, leaving the in-clear rule to the caller. */
    public static SaslChoice choose(List<String> offered, Credential credential, Optional<String> forced) {
        return choose(offered, credential, forced, true);
    }

    /**
     * The strongest mechanism both sides support, or the forced one (as swaks {@code -a}) if the server offers it
     * and it can use the credential.
     *
     * @param secretInClearAllowed false on a connection without TLS: PLAIN and LOGIN are then passed over unless
     *                             forced, so a CRAM-MD5 or SCRAM offer is still used
     */
    public static SaslChoice choose(List<String> offered, Credential credential, Optional<String> forced,
                                    boolean secretInClearAllowed) {
        Objects.requireNonNull(credential);
        Set<String> names = normalize(offered);
        if (forced.isPresent()) {
            String name = Printable.shorten(forced.get().trim().toUpperCase(Locale.ROOT), 40);
            Optional<SaslClientFactory> factory = byName(forced.get());
            if (factory.isEmpty()) {
                return new SaslChoice.NotChosen(SaslChoice.Reason.FORCED_UNSUPPORTED,
                        "the forced mechanism " + name + " is not one we implement; we implement " + known());
            }
            if (!names.contains(factory.get().mechanism())) {
                return new SaslChoice.NotChosen(SaslChoice.Reason.FORCED_NOT_OFFERED,
                        "the server does not offer the forced mechanism " + name + "; it offers " + shown(names));
            }
            if (!factory.get().supports(credential)) {
                return new SaslChoice.NotChosen(SaslChoice.Reason.FORCED_CANNOT_USE_CREDENTIAL, "the forced mechanism "
                        + name + " cannot use this credential: " + ((StandardMechanism) factory.get()).whyNot(credential));
            }
            return new SaslChoice.Chosen(factory.get(), true);
        }
        if (names.isEmpty()) {
            return new SaslChoice.NotChosen(SaslChoice.Reason.NONE_OFFERED, "the server offers no AUTH mechanisms");
        }
        List<SaslClientFactory> usable = ALL.stream()
                .filter(f -> names.contains(f.mechanism()) && f.supports(credential))
                .collect(Collectors.toList());
        if (usable.isEmpty()) {
            String kind = credential instanceof Credential.Password ? "a password" : "a bearer token";
            return new SaslChoice.NotChosen(SaslChoice.Reason.NO_MECHANISM_FOR_CREDENTIAL,
                    "the server offers " + shown(names) + ", none of which we can use with " + kind);
        }
        Optional<SaslClientFactory> best = usable.stream()
                .filter(f -> secretInClearAllowed || !f.sendsSecretInClear())
                .findFirst();
        if (best.isEmpty()) {
            return new SaslChoice.NotChosen(SaslChoice.Reason.ONLY_SECRET_IN_CLEAR, "the server offers only "
                    + shown(names) + " here, which would send the secret without encryption");
        }
        return new SaslChoice.Chosen(best.get(), false);
    }

    /**
     * Whether every mechanism the server offers is weak, which deserves a finding. Weak means the password, or
     * something as good, reaches an eavesdropper or must be kept recoverable by the server: PLAIN and LOGIN send
     * it (safe only inside TLS); CRAM-MD5 and DIGEST-MD5 (historic since RFC 6331) send an MD5-based digest that an
     * eavesdropper can brute-force offline, make the server store the password in a recoverable form, and
     * authenticate only the client; NTLM has the same offline-cracking and storage problems. SCRAM, GSSAPI,
     * EXTERNAL and the OAuth mechanisms are not weak in this sense. Names we do not know do not count as weak, so
     * the finding is raised only when we are sure. False when nothing is offered: that is a different finding.
     */
    public static boolean weakOnly(List<String> offered) {
        Set<String> names = normalize(offered);
        return !names.isEmpty() && WEAK.containsAll(names);
    }

    private static Set<String> normalize(List<String> offered) {
        return offered.stream()
                .map(name -> name.trim().toUpperCase(Locale.ROOT))
                .filter(name -> !name.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static String shown(Set<String> names) {
        return names.isEmpty() ? "nothing" : Printable.shorten(String.join(" ", names), 200);
    }

    private static String known() {
        return ALL.stream().map(SaslClientFactory::mechanism).collect(Collectors.joining(" "));
    }
}
