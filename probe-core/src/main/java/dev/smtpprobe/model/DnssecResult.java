package dev.smtpprobe.model;

import java.util.Objects;

/**
 * The DNSSEC status of one answer (RFC 4035 §4.3), with the validator's reason.
 *
 * @param status secure, insecure (provably unsigned), bogus (a validation failure) or indeterminate (no trust
 *        anchor, no validation, or the lookup itself failed)
 * @param reason why, in words; never empty
 */
public record DnssecResult(Status status, String reason) {

    public enum Status {
        /** Signatures verified up to a trust anchor. */
        SECURE,
        /** Provably unsigned: the parent proves there is no DS, so DNSSEC does not protect this answer. */
        INSECURE,
        /** Should be signed but does not verify (changed data, expired signatures, a broken chain). */
        BOGUS,
        /** Could not be judged: no trust anchor covers the name, no validation was done, or the lookup failed. */
        INDETERMINATE
    }

    /** Answers of lookups that were not asked to be validated (SPF, PTR...). */
    public static final DnssecResult NOT_VALIDATED = new DnssecResult(Status.INDETERMINATE, "not validated");

    public DnssecResult {
        Objects.requireNonNull(status);
        Objects.requireNonNull(reason);
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a DNSSEC result needs a reason");
        }
    }

    public boolean secure() {
        return status == Status.SECURE;
    }

    /** The worse of two results, for answers that took several queries (a CNAME chain): bogus beats indeterminate
     * beats insecure beats secure. */
    public DnssecResult worse(DnssecResult other) {
        return rank(other.status) > rank(status) ? other : this;
    }

    private static int rank(Status s) {
        return switch (s) {
            case SECURE -> 0;
            case INSECURE -> 1;
            case INDETERMINATE -> 2;
            case BOGUS -> 3;
        };
    }

    @Override
    public String toString() {
        return status.name().toLowerCase(java.util.Locale.ROOT) + " (" + reason + ")";
    }
}
