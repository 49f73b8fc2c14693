package dev.smtpprobe.dns;

import dev.smtpprobe.model.DnssecResult;
import dev.smtpprobe.model.TransportSecurityOptions.DnssecMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * Gives each answer a {@link DnssecResult}. In {@link DnssecMode#VALIDATE} it runs dnsjava's
 * {@link ValidatingResolver} over the probe's own resolvers, from a trust anchor (the IANA root's, shipped as the
 * resource {@code root-anchors.txt}, or a file the user gives), so DANE can be judged behind a resolver that does
 * not validate. In {@link DnssecMode#RESOLVER_AD} it trusts the resolver's AD bit, for users who run a validating
 * resolver on a trusted path.
 *
 * <p>dnsjava's README advises against a standalone ValidatingResolver as the system's resolver; here it only judges
 * answers the probe reports on, and every other lookup keeps using the plain resolvers.
 */
final class DnssecValidator {
    /** The resource holding the IANA root trust anchor. */
    static final String ROOT_ANCHOR_RESOURCE = "root-anchors.txt";
    /**
     * The start of dnsjava's reason when the upstream answer could not be classified (SERVFAIL, REFUSED): a lookup
     * error, not a validation failure. A test pins this wording to the dnsjava version.
     */
    private static final String UPSTREAM_FAILURE_REASON = "Response subtype is";

    private final DnssecMode mode;
    private final Optional<ValidatingResolver> validator;
    private final Optional<String> loadProblem;

    private DnssecValidator(DnssecMode mode, ValidatingResolver validator, String loadProblem) {
        this.mode = mode;
        this.validator = Optional.ofNullable(validator);
        this.loadProblem = Optional.ofNullable(loadProblem);
    }

    /**
     * @param head the resolver the validator sends its questions to (with CD and DO set)
     * @param trustAnchorFile DS/DNSKEY records to trust instead of the root's; read here, on the caller's thread
     */
    static DnssecValidator create(DnssecMode mode, Resolver head, Optional<Path> trustAnchorFile) {
        if (mode == DnssecMode.RESOLVER_AD) {
            return new DnssecValidator(mode, null, null);
        }
        ValidatingResolver v = new ValidatingResolver(head);
        try (InputStream in = trustAnchorFile.isPresent() ? Files.newInputStream(trustAnchorFile.get())
                : Objects.requireNonNull(DnssecValidator.class.getResourceAsStream(ROOT_ANCHOR_RESOURCE),
                        ROOT_ANCHOR_RESOURCE)) {
            v.loadTrustAnchors(in);
        } catch (IOException | RuntimeException e) {
            String what = trustAnchorFile.map(p -> "trust anchor file " + p).orElse("the shipped root trust anchor");
            return new DnssecValidator(mode, null, "cannot read " + what + ": " + e.getMessage());
        }
        if (v.getTrustAnchors().items().isEmpty()) {
            String what = trustAnchorFile.map(Path::toString).orElse(ROOT_ANCHOR_RESOURCE);
            return new DnssecValidator(mode, null, what + " holds no DS or DNSKEY record");
        }
        return new DnssecValidator(mode, v, null);
    }

    /** Checks that a trust anchor file holds at least one DS or DNSKEY record; the message says what is wrong. */
    static Optional<String> checkTrustAnchorFile(Path file) {
        DnssecValidator v = create(DnssecMode.VALIDATE, new org.xbill.DNS.SimpleResolver(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 53)), Optional.of(file));
        return v.loadProblem;
    }

    /** One question and the DNSSEC status of its answer. */
    record Exchange(Message response, DnssecResult dnssec) {
    }

    /**
     * Sends {@code query} validated. {@code plain} sends it without validation (the probe's retrying resolvers),
     * used in RESOLVER_AD mode and when no trust anchor could be loaded.
     */
    CompletableFuture<Exchange> send(Message query, Function<Message, CompletableFuture<Message>> plain) {
        Name qname = query.getQuestion().getName();
        if (mode == DnssecMode.RESOLVER_AD) {
            return plain.apply(query).thenApply(m -> new Exchange(m, m.getHeader().getFlag(Flags.AD)
                    ? new DnssecResult(DnssecResult.Status.SECURE, "the resolver set the AD bit")
                    : new DnssecResult(DnssecResult.Status.INDETERMINATE, m.getRcode() == Rcode.SERVFAIL
                            ? "the resolver answered SERVFAIL (a validating resolver does so for bogus data)"
                            : "the resolver did not set the AD bit: the zone is unsigned or the resolver does "
                                    + "not validate")));
        }
        if (validator.isEmpty()) {
            return plain.apply(query).thenApply(m -> new Exchange(m,
                    new DnssecResult(DnssecResult.Status.INDETERMINATE, loadProblem.orElse("no validator"))));
        }
        ValidatingResolver v = validator.get();
        if (v.getTrustAnchors().find(qname, DClass.IN) == null) {
            return plain.apply(query).thenApply(m -> new Exchange(m, new DnssecResult(
                    DnssecResult.Status.INDETERMINATE, "no trust anchor covers " + DnsClient.display(qname))));
        }
        return v.sendAsync(query).toCompletableFuture().thenApply(DnssecValidator::judge).thenCompose(e -> {
            Optional<String> anchor = brokenAnchor(v, e.dnssec());
            if (anchor.isEmpty()) {
                return CompletableFuture.completedFuture(e);
            }
            // The chain breaks at the trust anchor itself: this resolver gives no valid DNSKEY for the anchor
            // (it strips DNSSEC data, or the network path does). That is about the path, not the domain: report
            // the data unvalidated rather than call every answer bogus.
            return plain.apply(query).thenApply(m -> new Exchange(m, new DnssecResult(
                    DnssecResult.Status.INDETERMINATE, "DNSSEC cannot be validated through this resolver: it gives no "
                            + "valid DNSKEY for the trust anchor " + anchor.get() + " (" + e.dnssec().reason() + ")")));
        });
    }

    /** The trust anchor whose own DNSKEY failed, when a bogus result is that failure. */
    private static Optional<String> brokenAnchor(ValidatingResolver v, DnssecResult result) {
        if (result.status() != DnssecResult.Status.BOGUS) {
            return Optional.empty();
        }
        for (org.xbill.DNS.RRset anchor : v.getTrustAnchors().items()) {
            String name = anchor.getName().toString();
            if (result.reason().contains("DNSKEY query for " + name + ".")
                    || result.reason().contains("keys for [" + name + "]")) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private static Exchange judge(Message m) {
        Optional<String> reason = m.getSection(Section.ADDITIONAL).stream()
                .filter(r -> r.getType() == Type.TXT && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS)
                .map(r -> String.join("", ((TXTRecord) r).getStrings()))
                .findFirst();
        if (m.getHeader().getFlag(Flags.AD)) {
            return new Exchange(m, new DnssecResult(DnssecResult.Status.SECURE,
                    "signatures verified up to the trust anchor"));
        }
        if (m.getRcode() == Rcode.SERVFAIL) {
            String why = reason.orElse("validation failed");
            if (why.startsWith(UPSTREAM_FAILURE_REASON)) {
                return new Exchange(m, new DnssecResult(DnssecResult.Status.INDETERMINATE,
                        "the resolver gave no answer to validate (SERVFAIL)"));
            }
            return new Exchange(m, new DnssecResult(DnssecResult.Status.BOGUS, why));
        }
        return new Exchange(m, new DnssecResult(DnssecResult.Status.INSECURE,
                reason.map(r -> "provably unsigned: " + r).orElse("provably unsigned")));
    }
}
