package dev.smtpprobe.mtasts;

import dev.smtpprobe.model.MtaStsPolicy;
import dev.smtpprobe.model.MtaStsResult;
import dev.smtpprobe.model.PostureCheck;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The posture check "mta-sts-policy": what a sender makes of the fetched policy. */
public final class MtaStsChecks {
    private MtaStsChecks() {
    }

    /** Empty when no policy is announced (the "mta-sts" record check already says so). */
    public static Optional<PostureCheck> policyCheck(MtaStsResult r) {
        String id = r.recordId().map(i -> " (record id " + i + "; a sender holding a cached policy under another id "
                + "fetches this one)").orElse("");
        return switch (r.fetch()) {
            case NOT_ANNOUNCED -> Optional.empty();
            case FETCH_FAILED -> Optional.of(new PostureCheck("mta-sts-policy", r.url(), PostureCheck.Status.WARN,
                    "The MTA-STS policy cannot be fetched: " + String.join("; ", r.problems()) + ". Senders without "
                            + "a cached copy act as if the domain had no MTA-STS (sts-policy-fetch-error).",
                    List.of(), "Serve the policy over HTTPS at " + r.url() + " with a valid certificate for mta-sts."
                            + r.domain() + ", status 200 and Content-Type text/plain, without redirects."));
            case INVALID -> Optional.of(new PostureCheck("mta-sts-policy", r.url(), PostureCheck.Status.FAIL,
                    "The MTA-STS policy is invalid, so senders ignore it (sts-policy-invalid): "
                            + String.join("; ", r.problems()) + ".", List.of(),
                    "Fix the policy file (RFC 8461 §3.2): \"version: STSv1\", \"mode: enforce\", one \"mx:\" line "
                            + "per MX host pattern, \"max_age: 1209600\"."));
            case FETCHED -> Optional.of(fetched(r, r.policy().orElseThrow(), id));
        };
    }

    private static PostureCheck fetched(MtaStsResult r, MtaStsPolicy p, String id) {
        List<String> lines = p.mx().stream().map(m -> "mx: " + m).toList();
        String mode = p.mode().name().toLowerCase(Locale.ROOT);
        String what = "Policy mode " + mode + ", mx " + String.join(", ", p.mx()) + ", max_age " + p.maxAgeSeconds()
                + " s" + id + ".";
        if (!r.problems().isEmpty()) {
            return new PostureCheck("mta-sts-policy", r.url(), PostureCheck.Status.WARN,
                    what + " Note: " + String.join("; ", r.problems()) + ".", lines,
                    "Raise max_age to a few weeks (for example 1209600) once the policy is stable.");
        }
        return switch (p.mode()) {
            case ENFORCE -> new PostureCheck("mta-sts-policy", r.url(), PostureCheck.Status.PASS, what, lines, "");
            case TESTING -> new PostureCheck("mta-sts-policy", r.url(), PostureCheck.Status.INFO, what
                    + " In testing mode failures are only reported, never enforced.", lines,
                    "When TLS-RPT reports show no failures, switch to mode: enforce.");
            case NONE -> new PostureCheck("mta-sts-policy", r.url(), PostureCheck.Status.INFO, what
                    + " Mode none retires MTA-STS: senders act as if there were no policy.", lines, "");
        };
    }
}
