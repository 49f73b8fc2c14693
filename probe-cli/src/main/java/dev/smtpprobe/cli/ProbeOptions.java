package dev.smtpprobe.cli;

import dev.smtpprobe.model.Blocklists;
import dev.smtpprobe.model.Credentials;
import dev.smtpprobe.model.ProbeTarget;
import dev.smtpprobe.model.QuitAfter;
import dev.smtpprobe.model.StartTlsPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The probe command's arguments after validation: every field is already checked; {@code dataTimeout} may be null. */
record ProbeOptions(
        ProbeTarget target,
        StartTlsPolicy startTls,
        boolean implicitTls,
        String from,
        List<String> recipients,
        String ehloName,
        Credentials credentials,
        boolean allowPlaintextAuth,
        Path caFile,
        List<String> resolvers,
        boolean allMx,
        boolean ipv4Only,
        boolean ipv6Only,
        Duration phaseTimeout,
        Duration dataTimeout,
        Duration dnsTimeout,
        int dnsRetries,
        Long mxSeed,
        QuitAfter quitAfter,
        boolean send,
        boolean posture,
        Blocklists blocklists,
        boolean transcript,
        OutputFormat format,
        boolean color,
        boolean quiet,
        boolean verbose,
        Path metricsFile) {
}
