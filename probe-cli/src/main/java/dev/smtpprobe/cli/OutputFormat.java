package dev.smtpprobe.cli;

/** Output formats of the probe and demo commands. */
public enum OutputFormat {
    text, json, nagios, html
}
