package dev.smtpprobe;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the dependencies of probe-core pointing one way: values at the bottom, services above them, the engine
 * and the orchestration above those, the public API on top. No exceptions are listed on purpose: a feature that
 * needs one should change the design instead.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.smtpprobe");
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.smtpprobe.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void layersOnlyLookDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("api").definedBy("dev.smtpprobe")
                .layer("report").definedBy("dev.smtpprobe.report..")
                .layer("drift").definedBy("dev.smtpprobe.drift..")
                .layer("metrics").definedBy("dev.smtpprobe.metrics..")
                .layer("diagnosis").definedBy("dev.smtpprobe.diagnosis..")
                .layer("dispatch").definedBy("dev.smtpprobe.dispatch..")
                .layer("probe").definedBy("dev.smtpprobe.probe..")
                .layer("session").definedBy("dev.smtpprobe.session..")
                .layer("mtasts").definedBy("dev.smtpprobe.mtasts..")
                .layer("smtp").definedBy("dev.smtpprobe.smtp..")
                .layer("tls").definedBy("dev.smtpprobe.tls..")
                .layer("auth").definedBy("dev.smtpprobe.auth..")
                .layer("dns").definedBy("dev.smtpprobe.dns..")
                .layer("catalog").definedBy("dev.smtpprobe.catalog..")
                .layer("event").definedBy("dev.smtpprobe.event..")
                .layer("model").definedBy("dev.smtpprobe.model..")
                .whereLayer("api").mayNotBeAccessedByAnyLayer()
                .whereLayer("report").mayOnlyBeAccessedByLayers("api")
                .whereLayer("drift").mayOnlyBeAccessedByLayers("api")
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("api")
                .whereLayer("diagnosis").mayOnlyBeAccessedByLayers("api", "report", "metrics", "drift")
                .whereLayer("dispatch").mayOnlyBeAccessedByLayers("api")
                .whereLayer("probe").mayOnlyBeAccessedByLayers("api", "dispatch")
                .whereLayer("session").mayOnlyBeAccessedByLayers("api", "probe")
                .whereLayer("mtasts").mayOnlyBeAccessedByLayers("api", "probe")
                .whereLayer("smtp").mayOnlyBeAccessedByLayers("api", "session")
                .whereLayer("tls").mayOnlyBeAccessedByLayers("api", "session", "probe", "mtasts")
                .whereLayer("auth").mayOnlyBeAccessedByLayers("api", "session", "diagnosis")
                .whereLayer("dns").mayOnlyBeAccessedByLayers("api", "probe")
                .whereLayer("catalog").mayOnlyBeAccessedByLayers("api", "diagnosis", "report", "metrics", "drift")
                .whereLayer("event").mayOnlyBeAccessedByLayers("api", "probe", "session", "dns", "metrics")
                .check(classes);
    }
}
