package dev.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeConfigTest {

    private static final String GOOD = """
            listen: 127.0.0.1:0
            concurrency: 2
            jitter: 0s
            modules:
              starttls:
                starttls: require
                rcpt: [postmaster@example.test, bob@example.test]
                timeout: 20
                all-mx: true
            targets:
              - name: primary
                domain: example.test
                module: starttls
                schedule: 15m
                labels: { team: mail }
              - name: relay
                server: "127.0.0.1:2525"
                module: starttls
                schedule: "30 3 * * *"
            allow: [ example.org ]
            """;

    @TempDir
    Path dir;

    @Test
    void aGoodConfigGivesModulesAsProbeArgumentsAndValidatedRequests() {
        ServeConfig config = ServeConfig.parse("probes.yaml", GOOD);

        assertThat(config.concurrency()).isEqualTo(2);
        assertThat(config.modules().get("starttls").args()).containsExactly("--starttls", "require",
                "--rcpt", "postmaster@example.test", "--rcpt", "bob@example.test", "--timeout", "20", "--all-mx");
        assertThat(config.targets()).extracting(ServeConfig.Target::name).containsExactly("primary", "relay");
        assertThat(config.targets().get(0).request().target().domain()).isEqualTo("example.test");
        assertThat(config.targets().get(0).schedule().interval()).contains(Duration.ofMinutes(15));
        assertThat(config.labelKeys()).containsExactly("team");
        assertThat(config.allow()).containsExactly("example.org");
        ZonedDateTime at = ZonedDateTime.of(2026, 1, 1, 3, 0, 0, 0, ZoneOffset.UTC);
        assertThat(config.targets().get(1).schedule().next(at)).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void errorsAreOneLineNamingTheFileTheLineAndTheKey() {
        assertError(GOOD.replace("starttls: require", "startls: require"),
                "probes.yaml:6: modules.starttls.startls: 'startls' is not a probe option");
        assertError(GOOD.replace("timeout: 20", "timeout: soon"), "probes.yaml:8: modules.starttls.timeout:");
        assertError(GOOD.replace("schedule: 15m", "schedule: every day"),
                "probes.yaml:14: targets[0].schedule: 'every day' is neither an interval");
        assertError(GOOD.replace("module: starttls\n    schedule: 15m", "module: nope\n    schedule: 15m"),
                "probes.yaml:13: targets[0].module: no module 'nope'");
        assertError(GOOD.replace("  - name: relay", "  - name: primary"), "targets[1].name: target name 'primary' is used twice");
        assertError(GOOD.replace("jitter: 0s", "jiter: 0s"), "probes.yaml:3: jiter: unknown key 'jiter'");
        assertError(GOOD.replace("labels: { team: mail }", "labels: { phase: x }"), "targets[0].labels.phase:");
        assertError(GOOD.replace("all-mx: true", "all-mx: yes please"), "modules.starttls.all-mx: 'all-mx' is a switch");
        assertError(GOOD.replace("    domain: example.test\n", ""), "target 'primary' needs exactly one of domain and server");
        assertError("modules: [\n", "probes.yaml:");
        assertError(GOOD.replace("format: x", "").replace("timeout: 20", "format: json"), "'format' is not a probe option");
    }

    @Test
    void aModuleMayGoThroughASocksProxy() {
        ServeConfig config = ServeConfig.parse("probes.yaml", """
                modules:
                  egress:
                    proxy: "socks5://127.0.0.1:1080"
                targets:
                  - { name: relay, server: "127.0.0.1:2525", module: egress, schedule: 15m }
                """);
        assertThat(config.targets().get(0).request().session().proxy())
                .hasValueSatisfying(p -> assertThat(p.hostPort()).isEqualTo("127.0.0.1:1080"));
        assertError("""
                modules:
                  egress:
                    proxy: "http://127.0.0.1:3128"
                targets:
                  - { name: relay, server: "127.0.0.1:2525", module: egress, schedule: 15m }
                """, "only socks5://");
    }

    private static void assertError(String yaml, String expected) {
        assertThatThrownBy(() -> ServeConfig.parse("probes.yaml", yaml))
                .isInstanceOf(ServeConfig.ConfigException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void checkConfigSaysValidOrGivesOneLineAndExitThree() throws Exception {
        Path good = dir.resolve("probes.yaml");
        Files.writeString(good, GOOD);
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, GOOD.replace("schedule: 15m", "schedule: 1s"));

        CliRun ok = CliRun.of("serve", "--check-config", good.toString());
        CliRun broken = CliRun.of("serve", "--check-config", bad.toString());
        CliRun missing = CliRun.of("serve", "--check-config", dir.resolve("none.yaml").toString());

        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).contains("is valid: 2 target(s), 1 module(s)");
        assertThat(broken.exitCode()).isEqualTo(3);
        assertThat(broken.err().strip()).contains("bad.yaml:14: targets[0].schedule: an interval of at least 10s")
                .doesNotContain("\n");
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err().strip()).contains("cannot be read").doesNotContain("\n");

        CliRun byName = CliRun.of("serve", "--check-config", good.toString(), "--listen", "localhost:9465");
        assertThat(byName.exitCode()).isEqualTo(3);
        assertThat(byName.err().strip()).contains("listen on an IP address").doesNotContain("\n");
        CliRun badPort = CliRun.of("serve", "--check-config", good.toString(), "--listen", "127.0.0.1:99999");
        assertThat(badPort.exitCode()).isEqualTo(3);
        assertThat(badPort.err()).contains("out of range");
    }
}
