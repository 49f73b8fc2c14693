package dev.smtpprobe.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EnhancedStatusMeaningTest {

    /** The IANA registry's enumerated details, X.0.0 through X.7.30 (RFC 3463, 3886, 4468, 4954, 5248, 6531, ...). */
    static List<String> registeredDetails() {
        List<String> out = new ArrayList<>();
        out.add("0.0");
        for (int d = 0; d <= 10; d++) {
            out.add("1." + d);
        }
        for (int d = 0; d <= 4; d++) {
            out.add("2." + d);
        }
        for (int d = 0; d <= 6; d++) {
            out.add("3." + d);
        }
        for (int d = 0; d <= 7; d++) {
            out.add("4." + d);
        }
        for (int d = 0; d <= 6; d++) {
            out.add("5." + d);
        }
        for (int d = 0; d <= 10; d++) {
            out.add("6." + d);
        }
        for (int d = 0; d <= 30; d++) {
            out.add("7." + d);
        }
        return out;
    }

    private final ReplyCatalog catalog = ReplyClassifier.standard().catalog();

    @ParameterizedTest
    @MethodSource("registeredDetails")
    void everyRegisteredDetailHasAMeaningInBothFailureClasses(String subjectDetail) {
        for (String cls : List.of("4.", "5.", "2.")) {
            String code = cls + subjectDetail;
            assertThat(catalog.enhancedMeaning(code)).as(code)
                    .hasValueSatisfying(m -> assertThat(m).startsWith(code).doesNotContain("unregistered"));
        }
    }

    @Test
    void registryHasExactlyTheEnumeratedDetails() {
        ResourceReplyCatalog c = (ResourceReplyCatalog) catalog;
        assertThat(c.registeredDetails()).containsExactlyInAnyOrderElementsOf(registeredDetails());
    }

    @Test
    void meaningsNameTheRegistryTitleAndTheDefiningDocument() {
        assertThat(catalog.enhancedMeaning("5.1.1")).hasValueSatisfying(m -> assertThat(m)
                .contains("Bad destination mailbox address").contains("permanent").contains("RFC 3463"));
        assertThat(catalog.enhancedMeaning("4.2.2")).hasValueSatisfying(m -> assertThat(m)
                .contains("Mailbox full").contains("transient"));
        assertThat(catalog.enhancedMeaning("5.7.26")).hasValueSatisfying(m -> assertThat(m)
                .contains("Multiple authentication checks failed").contains("RFC 7372"));
        assertThat(catalog.enhancedMeaning("5.7.30")).hasValueSatisfying(m -> assertThat(m).contains("REQUIRETLS"));
        assertThat(catalog.enhancedMeaning("5.1.10")).hasValueSatisfying(m -> assertThat(m).contains("null MX"));
    }

    @Test
    void unregisteredDetailIsExplainedByClassAndSubject() {
        assertThat(catalog.enhancedMeaning("5.1.99")).hasValueSatisfying(m -> assertThat(m)
                .contains("unregistered detail 99").contains("Addressing status").contains("5.1.0")
                .contains("permanent"));
        assertThat(catalog.enhancedMeaning("4.7.650")).hasValueSatisfying(m -> assertThat(m)
                .contains("Security or policy status").contains("transient"));
    }

    @Test
    void unknownSubjectIsExplainedByClassAlone() {
        assertThat(catalog.enhancedMeaning("5.9.99")).hasValueSatisfying(m -> assertThat(m)
                .contains("unregistered subject 9").contains("permanent"));
        assertThat(catalog.enhancedMeaning("4.8.1")).hasValueSatisfying(m -> assertThat(m).contains("transient"));
    }

    @Test
    void malformedCodesHaveNoMeaning() {
        assertThat(catalog.enhancedMeaning("6.1.1")).isEmpty();
        assertThat(catalog.enhancedMeaning("5.1")).isEmpty();
        assertThat(catalog.enhancedMeaning("hello")).isEmpty();
    }

    @Test
    void classificationCarriesTheMeaningOfAnUnregisteredCode() {
        Classification c = ReplyClassifier.standard().classify("550 5.9.99 something new");
        assertThat(c.enhancedCode()).contains("5.9.99");
        assertThat(c.enhancedMeaning()).hasValueSatisfying(m -> assertThat(m).contains("unregistered subject 9"));
    }
}
