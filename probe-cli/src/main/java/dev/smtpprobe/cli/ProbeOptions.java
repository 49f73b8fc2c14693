package dev.smtpprobe.cli;

import dev.smtpprobe.diagnosis.TimeThresholds;

import dev.smtpprobe.model.ProbeRequest;
import java.nio.file.Path;

/**
 * The probe command's arguments after validation: the request (whose session options the model validates, in
 * the one place they are declared) and how to show the result.
 */
record ProbeOptions(
        ProbeRequest request,
        boolean transcript,
        OutputFormat format,
        boolean color,
        boolean quiet,
        boolean verbose,
        Path metricsFile,
        TimeThresholds thresholds,
        Path stateDir) {

    ProbeOptions withRequest(ProbeRequest other) {
        return new ProbeOptions(other, transcript, format, color, quiet, verbose, metricsFile, thresholds, stateDir);
    }
}
