package dev.smtpprobe.report;

/** The tool's name and version as reports state them. */
public final class ToolInfo {
    public static final String NAME = "smtp-probe";

    /** Bumped when a key is renamed or removed or its meaning changes; adding keys does not bump it. */
    public static final String SCHEMA_VERSION = "2";

    private ToolInfo() {
    }

    /** The jar's Implementation-Version; "dev" when running from classes (tests, IDE). */
    public static String version() {
        String v = ToolInfo.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }
}
