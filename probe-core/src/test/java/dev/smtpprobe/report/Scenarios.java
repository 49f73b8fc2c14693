package dev.smtpprobe.report;

import static dev.smtpprobe.diagnosis.Observed.NOW;
import static dev.smtpprobe.diagnosis.Observed.SECRET;
import static dev.smtpprobe.diagnosis.Observed.address;
import static dev.smtpprobe.diagnosis.Observed.domain;
import static dev.smtpprobe.diagnosis.Observed.mx;
import static dev.smtpprobe.diagnosis.Observed.mxPlan;
import static dev.smtpprobe.diagnosis.Observed.nullMx;
import static dev.smtpprobe.diagnosis.Observed.probe;
import static dev.smtpprobe.diagnosis.Observed.session;

import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.diagnosis.Observed;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.TranscriptLine.Direction;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.TrustCheck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Composed probe results covering the report's main shapes. */
final class Scenarios {
    static final String SECRET_BASE64 = Base64.getEncoder()
            .encodeToString(("\0probe\0" + SECRET).getBytes(StandardCharsets.UTF_8));

    private Scenarios() {
    }

    static ProbeResult ok() {
        return probe(address("postmaster@example.com"), Optional.of(mxPlan("example.com",
                        mx(10, "mx1.example.com", "192.0.2.1"))),
                List.of(session("mx1.example.com", "192.0.2.1").opening()
                        .step(SmtpPhase.AUTH, "AUTH PLAIN <redacted>", SmtpReply.of(235, "2.7.0 Authentication successful"))
                        .mailAndRcpt("postmaster@example.com", SmtpReply.of(250, "2.1.5 Ok")).quit().authenticated()
                        .transcript(Direction.RECEIVED, "220 mx1.example.com ESMTP")
                        .transcript(Direction.SENT, "EHLO probe.example.net")
                        // Deliberately unredacted: the report must redact it anyway.
                        .transcript(Direction.SENT, "AUTH PLAIN " + SECRET_BASE64)
                        .transcript(Direction.RECEIVED, "235 2.7.0 Authentication successful")
                        .transcript(Direction.SENT, "AUTH LOGIN")
                        .transcript(Direction.RECEIVED, "334 UGFzc3dvcmQ6")
                        .transcript(Direction.SENT, SECRET)
                        .transcript(Direction.RECEIVED, "235 ok")
                        .build()),
                List.of(new PostureCheck("spf", "example.com", PostureCheck.Status.PASS, "SPF record is valid",
                        List.of("v=spf1 mx -all"), "")));
    }

    static ProbeResult greylisted() {
        return probe(address("bob@example.com"), mxPlan("example.com", mx(10, "mx1.example.com", "192.0.2.1")),
                session("mx1.example.com", "192.0.2.1").opening()
                        .mailAndRcpt("bob@example.com", SmtpReply.of(450,
                                "4.2.0 <bob@example.com>: Recipient address rejected: Greylisted"))
                        .quit().build());
    }

    static ProbeResult deadBackupMx() {
        return probe(domain("example.com"), mxPlan("example.com",
                        mx(10, "mx1.example.com", "192.0.2.1"), mx(20, "mx2.example.com", "192.0.2.2")),
                session("mx1.example.com", "192.0.2.1").accepted().build(),
                session("mx2.example.com", "192.0.2.2").refused());
    }

    static ProbeResult nullMxDomain() {
        return probe(domain("example.org"), nullMx("example.org"));
    }

    static ProbeResult tlsExpired() {
        TrustCheck expired = new TrustCheck(false, Optional.of("certificate expired"), true, true, false);
        return probe(domain("example.com"), mxPlan("example.com", mx(10, "mx1.example.com", "192.0.2.1")),
                session("mx1.example.com", "192.0.2.1")
                        .tls(Observed.tls("mx1.example.com", NOW.minus(Duration.ofDays(5)), expired))
                        .accepted().build());
    }

    static Map<String, ProbeResult> all() {
        Map<String, ProbeResult> all = new LinkedHashMap<>();
        all.put("ok", ok());
        all.put("greylisted", greylisted());
        all.put("dead-backup-mx", deadBackupMx());
        all.put("null-mx", nullMxDomain());
        all.put("tls-expired", tlsExpired());
        return all;
    }
}
