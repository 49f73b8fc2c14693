package dev.smtpprobe.catalog;

import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.ProbeStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CatalogCoverageTest {

    /** The 56 codes of the seed list the issue names (typed in here on purpose: tests never read ../shared). */
    static final List<Integer> SEED_CODES = List.of(
            101, 111, 221, 250, 420, 421, 422, 431, 432, 441, 442, 446, 447, 449, 450, 451, 452, 453, 454, 455,
            458, 459, 471, 500, 501, 502, 503, 504, 510, 511, 512, 513, 515, 517, 521, 522, 523, 530, 531, 533,
            534, 535, 538, 540, 541, 542, 543, 546, 547, 550, 551, 552, 553, 554, 555, 556);

    /** Every code RFC 5321, RFC 3207, RFC 4954 and RFC 7504 define. */
    static final List<Integer> RFC_CODES = List.of(
            211, 214, 220, 221, 235, 250, 251, 252, 334, 354, 421, 432, 450, 451, 452, 454, 455,
            500, 501, 502, 503, 504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556);

    /** Seed codes with no standard meaning: vendor (mostly Exchange-style) readings of enhanced codes. */
    static final List<Integer> VENDOR_CODES = List.of(
            420, 422, 431, 441, 442, 446, 447, 449, 471, 510, 511, 512, 513, 515, 517, 522, 531, 533,
            540, 541, 542, 543, 546, 547);

    private final ReplyCatalog catalog = ReplyClassifier.standard().catalog();

    static IntStream allCodes() {
        return IntStream.concat(SEED_CODES.stream().mapToInt(Integer::intValue),
                RFC_CODES.stream().mapToInt(Integer::intValue)).distinct();
    }

    @Test
    void seedListHas56Codes() {
        assertThat(SEED_CODES).hasSize(56).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @MethodSource("allCodes")
    void everySeedAndRfcCodeHasACompleteEntry(int code) {
        CatalogEntry e = catalog.entry(code).orElseThrow(() -> new AssertionError("no entry for " + code));
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.title()).isNotBlank();
        assertThat(e.explanation()).hasSizeGreaterThan(30);
        assertThat(e.likelyCauses()).isNotEmpty().allSatisfy(c -> assertThat(c).isNotBlank());
        assertThat(e.remedy()).isNotBlank();
        assertThat(e.standard()).isNotBlank();
    }

    @ParameterizedTest
    @MethodSource("allCodes")
    void classMatchesTheFirstDigitUnlessClientObserved(int code) {
        CatalogEntry e = catalog.entry(code).orElseThrow();
        if (e.clientObserved()) {
            return;
        }
        ReplyClass expected = switch (code / 100) {
            case 2 -> ReplyClass.POSITIVE;
            case 3 -> ReplyClass.INTERMEDIATE;
            case 4 -> ReplyClass.TRANSIENT;
            default -> ReplyClass.PERMANENT;
        };
        assertThat(e.replyClass()).isEqualTo(expected);
        // 4yz says "may succeed later"; the exceptions are transient codes a retry cannot fix by itself:
        // 453 (nothing queued), 446 (a routing loop) and 459 (ETRN node not allowed).
        boolean expectRetry = code / 100 == 4 && !List.of(446, 453, 459).contains(code);
        assertThat(e.retryable()).as("retryable for %d", code).isEqualTo(expectRetry);
    }

    @Test
    void socketLevelCodesAreClientObserved() {
        for (int code : List.of(101, 111, 441, 442, 447, 449)) {
            assertThat(catalog.entry(code).orElseThrow().replyClass()).as("%d", code)
                    .isEqualTo(ReplyClass.CLIENT_OBSERVED);
        }
        assertThat(catalog.entry(101).orElseThrow().category()).isEqualTo(Category.TLS_FAILURE);
        assertThat(catalog.entry(111).orElseThrow().category()).isEqualTo(Category.CONNECTION_FAILED);
    }

    @Test
    void vendorCodesSayTheyAreNotStandard() {
        for (int code : VENDOR_CODES) {
            assertThat(catalog.entry(code).orElseThrow().standard()).as("%d", code).startsWith("none");
        }
    }

    @Test
    void standardReadingComesFirstAndTheSeedReadingIsKeptAsAlternative() {
        CatalogEntry weak = catalog.entry(534).orElseThrow();
        assertThat(weak.title().toLowerCase(Locale.ROOT)).contains("too weak");
        assertThat(weak.standard()).contains("RFC 4954");
        assertThat(weak.alternativeReading()).hasValueSatisfying(a -> assertThat(a).contains("message too big"));

        CatalogEntry creds = catalog.entry(535).orElseThrow();
        assertThat(creds.title().toLowerCase(Locale.ROOT)).contains("credentials invalid");
        assertThat(creds.alternativeReading()).hasValueSatisfying(a -> assertThat(a).contains("same IP"));

        for (int code : List.of(432, 454, 523, 555, 556)) {
            assertThat(catalog.entry(code).orElseThrow().alternativeReading()).as("%d", code).isPresent();
        }
        assertThat(catalog.entry(550).orElseThrow().alternativeReading()).isEmpty();
    }

    @Test
    void entriesAreOrderedByCode() {
        List<Integer> codes = catalog.entries().stream().map(CatalogEntry::code).toList();
        assertThat(codes).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void explanationsAreOurOwnWordsNotTheSeedLists() {
        // A few of the seed list's short descriptions, verbatim: none may appear as a title or explanation.
        List<String> seedPhrases = List.of("Recipient's firewall/filter blocking mail",
                "Intermittent network connection, the server has not yet responded",
                "Email address has no DNS Server", "Multiple servers using same IP");
        for (CatalogEntry e : catalog.entries()) {
            for (String phrase : seedPhrases) {
                assertThat(e.title() + " " + e.explanation()).doesNotContainIgnoringCase(phrase);
            }
        }
    }

    @Test
    void everyObservationMapsToAnEntryOfItsCategoryFamily() {
        ReplyClassifier classifier = ReplyClassifier.standard();
        assertThat(classifier.classify(ProbeStatus.CONNECT_TIMEOUT, SmtpPhase.CONNECT).category()).isEqualTo(Category.TIMEOUT);
        assertThat(classifier.classify(ProbeStatus.TIMEOUT, SmtpPhase.BANNER).category()).isEqualTo(Category.TIMEOUT);
        assertThat(classifier.classify(ProbeStatus.TIMEOUT, SmtpPhase.RCPT).category()).isEqualTo(Category.TIMEOUT);
        assertThat(classifier.classify(ProbeStatus.UNREACHABLE, SmtpPhase.CONNECT).code()).isEqualTo(113);
        assertThat(classifier.classify(ProbeStatus.CONNECTION_REFUSED, SmtpPhase.CONNECT).code()).isEqualTo(111);
        assertThat(classifier.classify(ProbeStatus.DNS_TIMEOUT, SmtpPhase.DNS_MX).code()).isEqualTo(449);
        assertThat(classifier.classify(ProbeStatus.DNS_NXDOMAIN, SmtpPhase.DNS_MX).code()).isEqualTo(512);
        assertThat(classifier.classify(ProbeStatus.DNS_NO_RECORDS, SmtpPhase.DNS_MX).category())
                .isEqualTo(Category.NO_MAIL_SERVICE);
        assertThat(classifier.classify(ProbeStatus.NULL_MX, SmtpPhase.DNS_MX).retryable()).isFalse();
        assertThat(classifier.classify(ProbeStatus.CONNECTION_CLOSED, SmtpPhase.RCPT).retryable()).isTrue();
    }
}
