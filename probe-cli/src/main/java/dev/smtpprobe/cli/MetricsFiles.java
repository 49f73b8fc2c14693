package dev.smtpprobe.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes node_exporter textfile-collector files: atomically (a scraper never reads half a file) and world-readable
 * (0644), since node_exporter usually runs as another user and {@code createTempFile} makes files 0600.
 */
final class MetricsFiles {
    private MetricsFiles() {
    }

    /** Checked before probing, so a typo in the path costs no probe: throws with a one-line reason. */
    static void checkWritable(Path file) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("--metrics-file " + file + " is a directory");
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--metrics-file " + file + ": directory " + dir + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("--metrics-file " + file + ": directory " + dir + " is not writable");
        }
    }

    static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        // The leading dot keeps node_exporter's *.prom glob away from the temporary file.
        Path tmp = Files.createTempFile(dir, ".smtp-probe-metrics", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
