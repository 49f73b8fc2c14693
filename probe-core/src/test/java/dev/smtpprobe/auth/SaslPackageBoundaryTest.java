package dev.smtpprobe.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The SASL library is reused by the new engine and must not drag the old one along: auth may import only the model
 * package, the JDK and Bouncy Castle; model imports nothing of ours. There is no ArchUnit here, so the imports are
 * read from the sources (the test runs with the module directory as working directory).
 */
class SaslPackageBoundaryTest {
    /** The old enum, which the lead removes when the engine switches to SaslClient. */
    private static final String LEGACY = "AuthMechanism.java";

    private static List<String> imports(Path directory, String skip) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".java") && !f.getFileName().toString().equals(skip))
                    .flatMap(f -> {
                        try {
                            return Files.readAllLines(f).stream()
                                    .filter(line -> line.startsWith("import "))
                                    .map(line -> f.getFileName() + ": " + line);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .collect(Collectors.toList());
        }
    }

    @Test
    void authImportsOnlyModelJdkAndBouncyCastle() throws IOException {
        List<String> imports = imports(Path.of("src/main/java/dev/smtpprobe/auth"), LEGACY);

        assertThat(imports).isNotEmpty().allSatisfy(line -> assertThat(line)
                .matches(".*: import (static )?(java\\.|javax\\.|org\\.bouncycastle\\.|dev\\.smtpprobe\\.model\\.).*"));
    }

    @Test
    void modelImportsNothingOfOurs() throws IOException {
        List<String> imports = imports(Path.of("src/main/java/dev/smtpprobe/model"), "");

        assertThat(imports).allSatisfy(line -> assertThat(line).doesNotContain("dev.smtpprobe"));
    }
}
