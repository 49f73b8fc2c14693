package dev.smtpprobe.diagnosis;

import static dev.smtpprobe.diagnosis.Observed.NOW;
import static dev.smtpprobe.diagnosis.Observed.address;
import static dev.smtpprobe.diagnosis.Observed.domain;
import static dev.smtpprobe.diagnosis.Observed.failedPlan;
import static dev.smtpprobe.diagnosis.Observed.mx;
import static dev.smtpprobe.diagnosis.Observed.mxPlan;
import static dev.smtpprobe.diagnosis.Observed.nullMx;
import static dev.smtpprobe.diagnosis.Observed.probe;
import static dev.smtpprobe.diagnosis.Observed.session;
import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.catalog.Actor;
import dev.smtpprobe.catalog.Category;
import dev.smtpprobe.catalog.ReplyClassifier;
import dev.smtpprobe.model.DnsFailure;
import dev.smtpprobe.model.MxHost;
import dev.smtpprobe.model.MxPlan;
import dev.smtpprobe.model.PostureCheck;
import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.ProbeResult;
import dev.smtpprobe.model.SessionResult;
import dev.smtpprobe.model.ReplyFlag;
import dev.smtpprobe.model.SmtpReply;
import dev.smtpprobe.model.CertificateSummary;
import dev.smtpprobe.model.TlsSessionInfo;
import dev.smtpprobe.model.TrustCheck;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiagnosisEngineTest {

    private static final MxPlan TWO_MX = mxPlan("example.com",
            mx(10, "mx1.example.com", "192.0.2.1"), mx(20, "mx2.example.com", "192.0.2.2"));
    private static final MxPlan ONE_MX = mxPlan("example.com", mx(10, "mx1.example.com", "192.0.2.1"));

    private final DiagnosisEngine engine = new DiagnosisEngine(ReplyClassifier.standard());

    private static Finding only(Diagnosis d, String id) {
        List<Finding> matching = d.findings().stream().filter(f -> f.id().equals(id)).toList();
        assertThat(matching).as("findings with id %s in %s", id, ids(d)).hasSize(1);
        return matching.get(0);
    }

    private static List<String> ids(Diagnosis d) {
        return d.findings().stream().map(Finding::id).toList();
    }

    @Test
    void cleanProbeIsOkWithAOneSentenceSummary() {
        Diagnosis d = engine.diagnose(probe(domain("example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1").accepted().build()));

        assertThat(d.verdict()).isEqualTo(Verdict.OK);
        assertThat(d.findings()).isEmpty();
        assertThat(d.summary()).isEqualTo("mx1.example.com accepted the probe; TLSv1.3, certificate valid 87 days");
    }

    @Test
    void deadBackupMxIsAWarningWhenThePrimaryAccepted() {
        Diagnosis d = engine.diagnose(probe(domain("example.com"), TWO_MX,
                session("mx1.example.com", "192.0.2.1").accepted().build(),
                session("mx2.example.com", "192.0.2.2").refused()));

        assertThat(d.verdict()).isEqualTo(Verdict.WARNING);
        Finding refused = only(d, "connection-refused");
        assertThat(refused.severity()).isEqualTo(Severity.WARNING);
        assertThat(refused.category()).isEqualTo(Category.CONNECTION_FAILED);
        assertThat(refused.code()).contains(111);
        assertThat(refused.host()).contains("mx2.example.com [192.0.2.2]");
        assertThat(refused.phase()).contains(SmtpPhase.CONNECT);
        assertThat(refused.detail()).contains("mx2.example.com").contains("mx1.example.com [192.0.2.1] accepted");
        assertThat(d.summary()).contains("mx2.example.com").contains("mx1.example.com [192.0.2.1] accepted the probe");
    }

    @Test
    void deadPrimaryWithWorkingBackupIsAWarningToo() {
        Diagnosis d = engine.diagnose(probe(domain("example.com"), TWO_MX,
                session("mx1.example.com", "192.0.2.1").refused(),
                session("mx2.example.com", "192.0.2.2").accepted().build()));

        assertThat(d.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(only(d, "connection-refused").host()).contains("mx1.example.com [192.0.2.1]");
        assertThat(d.summary()).endsWith("mx2.example.com [192.0.2.2] accepted the probe");
    }

    @Test
    void everyMxDeadIsCritical() {
        Diagnosis d = engine.diagnose(probe(domain("example.com"), TWO_MX,
                session("mx1.example.com", "192.0.2.1").refused(),
                session("mx2.example.com", "192.0.2.2").refused()));

        assertThat(d.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(d.findings()).extracting(Finding::severity).containsOnly(Severity.CRITICAL);
        assertThat(d.findings()).hasSize(2);
    }

    @Test
    void greylistedRecipientIsATransientWarning() {
        SmtpReply greylisted = SmtpReply.of(450,
                "4.2.0 <bob@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/");
        Diagnosis d = engine.diagnose(probe(address("bob@example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1").opening().mailAndRcpt("bob@example.com", greylisted)
                        .quit().build()));

        assertThat(d.verdict()).isEqualTo(Verdict.WARNING);
        Finding f = only(d, "rcpt-deferred");
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.category()).isEqualTo(Category.GREYLISTED);
        assertThat(f.code()).contains(450);
        assertThat(f.enhancedCode()).contains("4.2.0");
        assertThat(f.detail()).contains("mx1.example.com").contains("RCPT TO:<bob@example.com>");
        assertThat(d.summary()).doesNotContain("\n");
    }

    @Test
    void whenNoMxAcceptsWhatAServerSaidHeadsTheSummaryBeforeADeadHost() {
        Diagnosis d = engine.diagnose(probe(domain("example.com"), TWO_MX,
                session("mx1.example.com", "192.0.2.1").refused(),
                session("mx2.example.com", "192.0.2.2").opening()
                        .mailAndRcpt("postmaster@example.com", SmtpReply.of(554, "5.7.1 <postmaster@example.com>: Relay access denied"))
                        .quit().build()));

        assertThat(d.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(d.findings().get(0).id()).isEqualTo("rcpt-rejected");
        assertThat(d.findings().get(0).category()).isEqualTo(Category.RELAY_DENIED);
        assertThat(d.summary()).startsWith(d.findings().get(0).title() + " on mx2.example.com");
        assertThat(only(d, "connection-refused").severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void unknownRecipientIsCriticalPerRecipient() {
        Diagnosis d = engine.diagnose(probe(address("nobody@example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1").opening()
                        .mailAndRcpt("nobody@example.com", SmtpReply.of(550, "5.1.1 <nobody@example.com>: User unknown"))
                        .quit().build()));

        assertThat(d.verdict()).isEqualTo(Verdict.CRITICAL);
        Finding f = only(d, "rcpt-rejected");
        assertThat(f.category()).isEqualTo(Category.RECIPIENT_UNKNOWN);
        assertThat(f.detail()).contains("nobody@example.com");
        assertThat(f.remedy()).isNotBlank();
    }

    @Test
    void starttlsMissingIsAWarningAndPlaintextAuthIsFlagged() {
        Diagnosis d = engine.diagnose(probe(domain("example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1").noStartTls()
                        .step(SmtpPhase.BANNER, null, SmtpReply.of(220, "ready"))
                        .step(SmtpPhase.EHLO, "EHLO probe.example.net", SmtpReply.of(250, "mx1"))
                        .mailAndRcpt("postmaster@example.com", SmtpReply.of(250, "2.1.5 Ok")).quit().build()));

        assertThat(d.verdict()).isEqualTo(Verdict.WARNING);
        Finding f = only(d, "starttls-not-offered");
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.detail()).contains("clear text");
        assertThat(only(d, "auth-offered-plaintext").severity()).isEqualTo(Severity.WARNING);
        assertThat(d.summary()).startsWith("STARTTLS not offered on mx1.example.com");
    }

    @Test
    void starttlsRequiredButMissingIsCriticalAndNotReportedTwice() {
        Diagnosis d = engine.diagnose(probe(domain("example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1").noStartTls()
                        .step(SmtpPhase.BANNER, null, SmtpReply.of(220, "ready"))
                        .step(SmtpPhase.EHLO, "EHLO probe.example.net", SmtpReply.of(250, "mx1"))
                        .failed(ProbeStatus.STARTTLS_NOT_OFFERED, SmtpPhase.EHLO, "STARTTLS not in EHLO reply")
                        .build()));

        assertThat(d.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(only(d, "starttls-required-not-offered").category()).isEqualTo(Category.ENCRYPTION_REQUIRED);
        assertThat(ids(d)).doesNotContain("starttls-not-offered");
    }

    @Test
    void authRequiredAtMailIsOneCriticalFinding() {
        SmtpReply authRequired = SmtpReply.of(530, "5.7.0 Authentication required");
        Diagnosis d = engine.diagnose(probe(address("bob@example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1").opening()
                        .step(SmtpPhase.MAIL, "MAIL FROM:<probe@example.net>", authRequired).quit()
                        .failed(ProbeStatus.REJECTED, SmtpPhase.MAIL, authRequired).build()));

        assertThat(d.verdict()).isEqualTo(Verdict.CRITICAL);
        Finding f = only(d, "mail-rejected");
        assertThat(f.category()).isEqualTo(Category.AUTH_REQUIRED);
        assertThat(f.enhancedCode()).contains("5.7.0");
        assertThat(f.phase()).contains(SmtpPhase.MAIL);
        assertThat(d.findings()).hasSize(1);
    }

    @Test
    void expiredCertificateIsCriticalForOpportunisticTlsAndWhenVerificationWasRequired() {
        TrustCheck expired = new TrustCheck(false, Optional.of("certificate expired"), true, true, false);
        TlsSessionInfo tls = Observed.tls("mx1.example.com", NOW.minus(Duration.ofDays(3)), expired);

        Diagnosis opportunistic = engine.diagnose(probe(domain("example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1").tls(tls).accepted().build()));
        // Below any --cert-crit-days: a certificate two days from expiry is already critical.
        assertThat(opportunistic.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(only(opportunistic, "certificate-expired").severity()).isEqualTo(Severity.CRITICAL);
        assertThat(ids(opportunistic)).doesNotContain("certificate-untrusted", "certificate-expiring");

        Diagnosis required = engine.diagnose(probe(domain("example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1").tls(tls).opening()
                        .failed(ProbeStatus.CERTIFICATE_REJECTED, SmtpPhase.TLS_HANDSHAKE, "certificate expired")
                        .build()));
        assertThat(required.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(only(required, "certificate-expired").severity()).isEqualTo(Severity.CRITICAL);
        assertThat(ids(required)).doesNotContain("certificate-rejected");
    }

    @Test
    void nameMismatchAndUntrustedChainAreSeparateFindings() {
        TrustCheck bad = new TrustCheck(false, Optional.of("self-signed certificate"), false, false, false);
        Diagnosis d = engine.diagnose(probe(domain("example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1")
                        .tls(Observed.tls("mx1.example.com", NOW.plus(Duration.ofDays(200)), bad)).accepted().build()));
        assertThat(only(d, "certificate-untrusted").detail()).contains("self-signed");
        assertThat(only(d, "certificate-name-mismatch").severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void certificateExpiryWarnsWithinFourteenDaysAndNotesWithinThirty() {
        Diagnosis soon = engine.diagnose(probe(domain("example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1")
                        .tls(Observed.tls("mx1.example.com", NOW.plus(Duration.ofDays(10)), Observed.trusted()))
                        .accepted().build()));
        assertThat(soon.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(only(soon, "certificate-expiring").title()).isEqualTo("Certificate expires in 10 days");

        Diagnosis later = engine.diagnose(probe(domain("example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1")
                        .tls(Observed.tls("mx1.example.com", NOW.plus(Duration.ofDays(20)), Observed.trusted()))
                        .accepted().build()));
        assertThat(later.verdict()).isEqualTo(Verdict.OK);
        assertThat(only(later, "certificate-expiring").severity()).isEqualTo(Severity.INFO);
        assertThat(later.summary()).contains("certificate valid 20 days");
    }

    @Test
    void legacyProtocolAndWeakKeyAreWarnings() {
        CertificateSummary weak = new CertificateSummary("CN=mx1.example.com", "CN=CA", List.of("mx1.example.com"),
                NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(300)), "RSA", 1024, "SHA256withRSA",
                "00", false);
        TlsSessionInfo tls = new TlsSessionInfo("TLSv1", "TLS_RSA_WITH_AES_128_CBC_SHA", "mx1.example.com",
                List.of(), List.of(weak), Observed.trusted());
        Diagnosis d = engine.diagnose(probe(domain("example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1").tls(tls).accepted().build()));
        assertThat(only(d, "tls-legacy-protocol").severity()).isEqualTo(Severity.WARNING);
        assertThat(only(d, "weak-key").detail()).contains("1024-bit");
    }

    @Test
    void nullMxIsCriticalNoMailService() {
        Diagnosis d = engine.diagnose(probe(address("bob@example.com"), nullMx("example.com")));
        assertThat(d.verdict()).isEqualTo(Verdict.CRITICAL);
        Finding f = only(d, "null-mx");
        assertThat(f.category()).isEqualTo(Category.NO_MAIL_SERVICE);
        assertThat(f.code()).isPresent();
        assertThat(f.host()).isEmpty();
        assertThat(d.summary()).startsWith("Domain accepts no mail (null MX)");
    }

    @Test
    void nxdomainIsDomainNotFoundAndServfailIsDnsFailure() {
        Diagnosis nx = engine.diagnose(probe(domain("nope.example"), failedPlan("nope.example", DnsFailure.Kind.NXDOMAIN)));
        assertThat(nx.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(only(nx, "domain-not-found").category()).isEqualTo(Category.DOMAIN_NOT_FOUND);

        Diagnosis servfail = engine.diagnose(probe(domain("broken.example"),
                failedPlan("broken.example", DnsFailure.Kind.SERVFAIL)));
        assertThat(only(servfail, "dns-failure").category()).isEqualTo(Category.DNS_FAILURE);
        Diagnosis timeout = engine.diagnose(probe(domain("slow.example"),
                failedPlan("slow.example", DnsFailure.Kind.TIMEOUT)));
        assertThat(only(timeout, "dns-failure").title()).contains("timed out");
    }

    @Test
    void implicitMxAndMxRecordProblemsAreWarnings() {
        MxPlan implicit = new MxPlan("example.com", MxPlan.Kind.IMPLICIT,
                List.of(mx(0, "example.com", "192.0.2.9")), Optional.empty());
        Diagnosis d = engine.diagnose(probe(domain("example.com"), implicit,
                session("example.com", "192.0.2.9").accepted().build()));
        assertThat(d.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(only(d, "implicit-mx").severity()).isEqualTo(Severity.WARNING);

        MxPlan odd = mxPlan("example.com",
                new MxHost(10, "alias.example.com", List.of(Observed.ip("192.0.2.1")), Optional.empty(),
                        List.of("the MX target is a CNAME")),
                new MxHost(20, "gone.example.com", List.of(), Optional.of(new DnsFailure(DnsFailure.Kind.NXDOMAIN,
                        "gone.example.com", "A", "no such name")), List.of()));
        Diagnosis d2 = engine.diagnose(probe(domain("example.com"), odd,
                session("alias.example.com", "192.0.2.1").accepted().build()));
        assertThat(only(d2, "mx-host-problem").detail()).contains("CNAME");
        assertThat(only(d2, "mx-host-unresolved").host()).contains("gone.example.com");
        assertThat(d2.verdict()).isEqualTo(Verdict.WARNING);
    }

    @Test
    void starttlsInjectionStaysCriticalEvenWhenAnotherMxAccepted() {
        SmtpReply goAhead = SmtpReply.of(220, "2.0.0 go ahead");
        Diagnosis d = engine.diagnose(probe(domain("example.com"), TWO_MX,
                session("mx1.example.com", "192.0.2.1").accepted().build(),
                session("mx2.example.com", "192.0.2.2").noStartTls()
                        .step(SmtpPhase.BANNER, null, SmtpReply.of(220, "ready"))
                        .step(SmtpPhase.STARTTLS, "STARTTLS", goAhead)
                        // The engine keeps the 220 as evidence on the failure; it must not hide the finding.
                        .failed(ProbeStatus.STARTTLS_INJECTION, SmtpPhase.STARTTLS, goAhead).build()));
        assertThat(d.verdict()).isEqualTo(Verdict.CRITICAL);
        Finding f = only(d, "starttls-injection");
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.category()).isEqualTo(Category.TLS_FAILURE);
        assertThat(d.findings().get(0).id()).isEqualTo("starttls-injection");
    }

    @Test
    void sessionFailuresMapToClientObservations() {
        record Case(ProbeStatus kind, SmtpPhase phase, String id, Category category) {
        }
        List<Case> cases = List.of(
                new Case(ProbeStatus.TIMEOUT, SmtpPhase.BANNER, "banner-timeout", Category.TIMEOUT),
                new Case(ProbeStatus.TIMEOUT, SmtpPhase.RCPT, "reply-timeout", Category.TIMEOUT),
                new Case(ProbeStatus.CONNECTION_CLOSED, SmtpPhase.EHLO, "connection-lost", Category.CONNECTION_LOST),
                new Case(ProbeStatus.TLS_HANDSHAKE_FAILED, SmtpPhase.TLS_HANDSHAKE, "tls-handshake-failed",
                        Category.TLS_FAILURE),
                new Case(ProbeStatus.PROTOCOL_ERROR, SmtpPhase.BANNER, "protocol-error", Category.PROTOCOL_ERROR),
                new Case(ProbeStatus.AUTH_REFUSED_PLAINTEXT, SmtpPhase.AUTH, "auth-refused-plaintext",
                        Category.ENCRYPTION_REQUIRED),
                new Case(ProbeStatus.DEADLINE_EXCEEDED, SmtpPhase.DATA, "deadline-exceeded", Category.TIMEOUT),
                new Case(ProbeStatus.UNREACHABLE, SmtpPhase.CONNECT, "host-unreachable", Category.CONNECTION_FAILED),
                new Case(ProbeStatus.CERTIFICATE_REJECTED, SmtpPhase.TLS_HANDSHAKE, "certificate-rejected",
                        Category.TLS_FAILURE));
        for (Case c : cases) {
            Diagnosis d = engine.diagnose(probe(domain("example.com"), ONE_MX,
                    session("mx1.example.com", "192.0.2.1").noStartTls()
                            .step(SmtpPhase.BANNER, null, SmtpReply.of(220, "ready"))
                            .failed(c.kind(), c.phase(), "observed").build()));
            assertThat(d.verdict()).as(c.toString()).isEqualTo(Verdict.CRITICAL);
            Finding f = only(d, c.id());
            assertThat(f.category()).as(c.toString()).isEqualTo(c.category());
            assertThat(f.detail()).as(c.toString()).contains("mx1.example.com").contains(c.phase().id());
        }
    }

    @Test
    void internalErrorAloneGivesUnknown() {
        Diagnosis d = engine.diagnose(probe(domain("example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1").noStartTls()
                        .failed(ProbeStatus.INTERNAL_ERROR, SmtpPhase.EHLO, "NullPointerException").build()));
        assertThat(d.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(only(d, "internal-error").actor()).isEqualTo(Actor.NOBODY);
    }

    @Test
    void protocolIrregularitiesHeloFallbackAndAuthOutcomes() {
        SmtpReply bareLf = new SmtpReply(220, Optional.empty(), List.of("ready"), Set.of(ReplyFlag.BARE_LF), 0, 0);
        SmtpReply overlong = new SmtpReply(250, Optional.empty(), List.of("x".repeat(600)),
                Set.of(ReplyFlag.OVERLONG_LINE), 0, 0);
        SessionResult s = session("mx1.example.com", "192.0.2.1").noStartTls()
                .step(SmtpPhase.BANNER, null, bareLf)
                .step(SmtpPhase.EHLO, "EHLO probe.example.net", SmtpReply.of(502, "5.5.1 Command not implemented"))
                .step(SmtpPhase.HELO, "HELO probe.example.net", overlong)
                .step(SmtpPhase.AUTH, "AUTH PLAIN <redacted>", SmtpReply.of(535, "5.7.8 Authentication credentials invalid"))
                .failed(ProbeStatus.REJECTED, SmtpPhase.AUTH, SmtpReply.of(535, "5.7.8 Authentication credentials invalid"))
                .build();
        SessionResult withFallback = new SessionResult(s.request(), s.steps(), s.capabilitiesBeforeTls(),
                s.capabilities(), true, s.tls(), Optional.empty(), s.recipients(), s.delivery(), s.roundTrips(),
                s.pipelinedCommands(), s.notes(), s.failure(), s.politeEnd(), s.transcript(), s.startNanos(),
                s.elapsed());
        Diagnosis d = engine.diagnose(probe(domain("example.com"), ONE_MX, withFallback));

        assertThat(only(d, "protocol-bare-lf").severity()).isEqualTo(Severity.WARNING);
        assertThat(only(d, "protocol-overlong-line").severity()).isEqualTo(Severity.INFO);
        assertThat(only(d, "helo-fallback").severity()).isEqualTo(Severity.INFO);
        assertThat(ids(d)).doesNotContain("ehlo-rejected");
        Finding auth = only(d, "auth-rejected");
        assertThat(auth.category()).isEqualTo(Category.AUTH_FAILED);
        assertThat(auth.severity()).isEqualTo(Severity.CRITICAL);

        Diagnosis ok = engine.diagnose(probe(domain("example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1").authenticated().accepted().build()));
        assertThat(only(ok, "auth-succeeded").severity()).isEqualTo(Severity.INFO);
        assertThat(ok.verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void postureStatusesMapToSeverities() {
        List<PostureCheck> posture = List.of(
                new PostureCheck("spf", "example.com", PostureCheck.Status.PASS, "SPF ok", List.of("v=spf1 -all"), ""),
                new PostureCheck("dmarc", "_dmarc.example.com", PostureCheck.Status.MISSING, "No DMARC record",
                        List.of(), "Publish a DMARC record."),
                new PostureCheck("mta-sts", "_mta-sts.example.com", PostureCheck.Status.INFO, "No MTA-STS", List.of(),
                        ""),
                new PostureCheck("tlsa", "_25._tcp.mx1.example.com", PostureCheck.Status.FAIL,
                        "TLSA does not match the certificate", List.of("3 1 1 abcd"), "Update the TLSA record."));
        Diagnosis d = engine.diagnose(probe(domain("example.com"), Optional.of(ONE_MX),
                List.of(session("mx1.example.com", "192.0.2.1").accepted().build()), posture));

        assertThat(only(d, "posture-dmarc-missing").severity()).isEqualTo(Severity.WARNING);
        assertThat(only(d, "posture-dmarc-missing").category()).isEqualTo(Category.SENDER_UNAUTHENTICATED);
        assertThat(only(d, "posture-mta-sts-info").severity()).isEqualTo(Severity.INFO);
        assertThat(only(d, "posture-tlsa-fail").severity()).isEqualTo(Severity.CRITICAL);
        assertThat(ids(d)).noneMatch(id -> id.startsWith("posture-spf"));
        assertThat(d.verdict()).isEqualTo(Verdict.CRITICAL);
    }

    @Test
    void findingsAreWorstFirstWithKebabCaseIds() {
        ProbeResult result = probe(domain("example.com"), Optional.of(TWO_MX), List.of(
                session("mx1.example.com", "192.0.2.1").noStartTls()
                        .step(SmtpPhase.BANNER, null, SmtpReply.of(220, "ready"))
                        .step(SmtpPhase.EHLO, "EHLO x", SmtpReply.of(250, "mx1"))
                        .mailAndRcpt("bob@example.com", SmtpReply.of(550, "5.1.1 User unknown")).build(),
                session("mx2.example.com", "192.0.2.2").refused()), List.of());
        Diagnosis d = engine.diagnose(result);
        List<Severity> severities = d.findings().stream().map(Finding::severity).toList();
        assertThat(severities).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(d.findings()).allSatisfy(f -> assertThat(f.id()).matches("[a-z0-9]+(-[a-z0-9]+)*"));
        assertThat(d.findings()).allSatisfy(f -> assertThat(f.title()).isNotBlank());
        assertThat(d.findings()).allSatisfy(f -> assertThat(f.remedy()).isNotBlank());
    }

    @Test
    void aResolverThatCannotBeReachedMakesTheVerdictUnknownWithOneLocalFinding() {
        Diagnosis d = engine.diagnose(probe(domain("example.com"), failedPlan("example.com",
                DnsFailure.Kind.RESOLVER_UNREACHABLE)));

        assertThat(d.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(d.findings()).hasSize(1);
        Finding f = d.findings().get(0);
        assertThat(f.id()).isEqualTo("resolver-unreachable");
        assertThat(f.category()).isEqualTo(Category.LOCAL_ERROR);
        assertThat(f.actor()).isEqualTo(Actor.LOCAL_ADMIN);
        assertThat(f.replyCode()).isEmpty();
        assertThat(f.remedy()).contains("--resolver").doesNotContain("domain's owner");
    }

    @Test
    void theDomainsServersFailingStaysCriticalAndItsCodeIsMarkedObserved() {
        Diagnosis d = engine.diagnose(probe(domain("example.com"), failedPlan("example.com", DnsFailure.Kind.SERVFAIL)));

        assertThat(d.verdict()).isEqualTo(Verdict.CRITICAL);
        Finding f = d.findings().get(0);
        assertThat(f.observed()).isTrue();
        assertThat(f.code()).contains(449);
        assertThat(f.replyCode()).isEmpty();
        assertThat(d.summary()).contains("(no server reply; catalog 449)").doesNotContain("(449)");
    }

    @Test
    void anUnknownAddressInAnswerToMailFromIsAboutTheSender() {
        SmtpReply noSuchUser = SmtpReply.of(550, "5.1.1 <probe@example.net>: no such user here");
        Diagnosis d = engine.diagnose(probe(address("bob@example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1").opening()
                        .step(SmtpPhase.MAIL, "MAIL FROM:<probe@example.net>", noSuchUser).quit()
                        .failed(ProbeStatus.REJECTED, SmtpPhase.MAIL, noSuchUser).build()));

        assertThat(only(d, "mail-rejected").category()).isEqualTo(Category.SENDER_REJECTED);
    }

    @Test
    void aRefusalAtTheGreetingSpeaksOfTheClientNotOfAMessage() {
        SmtpReply refused = SmtpReply.of(554, "mx1.example.com ESMTP not accepting messages");
        Diagnosis d = engine.diagnose(probe(address("bob@example.com"), ONE_MX,
                session("mx1.example.com", "192.0.2.1").step(SmtpPhase.BANNER, null, refused).quit()
                        .failed(ProbeStatus.REJECTED, SmtpPhase.BANNER, refused).build()));

        Finding f = only(d, "banner-rejected");
        assertThat(f.title()).isEqualTo("Server refuses this client at its greeting");
        assertThat(f.detail()).contains("no sender, recipient or message had been offered yet");
        assertThat(f.category()).isEqualTo(Category.POLICY_REJECTED);
    }
}
