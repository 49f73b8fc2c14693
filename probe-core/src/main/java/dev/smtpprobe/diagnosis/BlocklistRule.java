package dev.smtpprobe.diagnosis;

import dev.smtpprobe.catalog.Actor;
import dev.smtpprobe.catalog.Category;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.model.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Findings from the DNS blocklist checks. A listed MX address is at most a warning: mail to the domain still
 * flows, but what the host sends (bounces, forwards) is refused. The user's own sending address listed where
 * receivers refuse mail from it (Spamhaus SBL, XBL, CSS, DROP) is critical: that mail will not arrive. A query the
 * zone refused, or that could not be made, is a note: it says nothing about the address.
 */
final class BlocklistRule implements Rule {
    static final String MX_ID = "dnsbl";
    static final String SENDER_ID = "dnsbl-sender";

    static boolean isBlocklistCheck(PostureCheck check) {
        return check.id().equals(MX_ID) || check.id().equals(SENDER_ID);
    }

    @Override
    public List<Finding> apply(ProbeResult result) {
        List<Finding> out = new ArrayList<>();
        for (PostureCheck check : result.posture()) {
            if (!isBlocklistCheck(check)) {
                continue;
            }
            boolean sender = check.id().equals(SENDER_ID);
            switch (check.status()) {
                case FAIL, WARN -> {
                    Severity severity = sender && check.status() == PostureCheck.Status.FAIL
                            ? Severity.CRITICAL : Severity.WARNING;
                    out.add(new Finding(sender ? "sender-blocklisted" : "mx-blocklisted", severity,
                            Category.BLOCKLISTED, Optional.empty(), Optional.empty(),
                            sender ? "Your sending address is on a blocklist" : "MX address is on a blocklist",
                            check.summary(), check.remedy(), sender ? Actor.SENDING_ADMIN : Actor.RECEIVING_ADMIN,
                            Optional.empty(), Optional.empty()));
                }
                case ERROR, INFO -> out.add(new Finding("blocklist-not-checked", Severity.INFO, Category.DNS_FAILURE,
                        Optional.empty(), Optional.empty(), "Blocklist not checked", check.summary(),
                        check.remedy().isBlank() ? "Nothing to do." : check.remedy(), Actor.NOBODY, Optional.empty(),
                        Optional.empty()));
                default -> {
                    // PASS and MISSING: nothing to report
                }
            }
        }
        return out;
    }
}
