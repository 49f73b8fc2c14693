package dev.smtpprobe.model;

import java.util.Optional;

/**
 * Trust judged after the chain was captured (never instead of capturing it).
 *
 * @param chainValid the chain builds to a trust anchor and every certificate is within its validity
 * @param chainProblem why not, in words (expired, self-signed, unknown issuer...)
 * @param nameMatches the leaf's names cover the host name dialled (RFC 6125 rules, one left-most wildcard)
 * @param expired the leaf's notAfter is in the past
 * @param notYetValid the leaf's notBefore is in the future
 */
public record TrustCheck(
        boolean chainValid, Optional<String> chainProblem, boolean nameMatches, boolean expired, boolean notYetValid) {

    public boolean trusted() {
        return chainValid && nameMatches;
    }
}
