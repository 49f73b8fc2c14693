package dev.smtpprobe.drift;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One JSON file per target in a state directory ({@code --state-dir}), replaced atomically: a crash mid-write
 * leaves the previous state, never half a file. A file that cannot be read is treated as no previous run.
 * Blocking file I/O: call it from the caller's thread, never the event loop.
 */
public final class StateStore {
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.@-]");
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public StateStore(Path dir) {
        this.dir = dir;
    }

    /** The file for a target: its name with anything but letters, digits and {@code _.@-} replaced. */
    public Path fileOf(String target) {
        String safe = UNSAFE.matcher(target).replaceAll("_");
        if (safe.startsWith(".")) {
            safe = "_" + safe;
        }
        return dir.resolve(safe + ".json");
    }

    public Optional<Snapshot> read(String target) {
        Path file = fileOf(target);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Snapshot s = JSON.readValue(file.toFile(), Snapshot.class);
            return s.version() == Snapshot.VERSION ? Optional.of(s) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void write(Snapshot snapshot) throws IOException {
        Files.createDirectories(dir);
        Path file = fileOf(snapshot.target());
        Path tmp = Files.createTempFile(dir, ".state", ".tmp");
        try {
            Files.write(tmp, JSON.writeValueAsBytes(snapshot));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads the previous snapshot, writes this one, and returns the changes between them (none on a first run). */
    public java.util.List<DriftDetector.Change> record(Snapshot now) throws IOException {
        Optional<Snapshot> before = read(now.target());
        write(now);
        return before.map(b -> DriftDetector.compare(b, now)).orElse(java.util.List.of());
    }
}
