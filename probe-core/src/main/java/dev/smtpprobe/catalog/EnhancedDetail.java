package dev.smtpprobe.catalog;

import java.util.Optional;

/**
 * One row of the enhanced status table: a registered subject.detail (or a subject's catch-all row).
 *
 * @param subjectDetail "1.1"; for a subject's own row "1.*"
 * @param title the short registry name
 * @param meaning what it means, in our words
 * @param transientCategory category when the class is 4 (empty: let the basic code decide)
 * @param permanentCategory category when the class is 5 (empty: let the basic code decide)
 * @param decisive whether this detail is specific enough to outrank vague reply text
 * @param basicCodes the registry's associated basic codes, as text
 * @param reference the defining document
 */
record EnhancedDetail(
        String subjectDetail,
        String title,
        String meaning,
        Optional<Category> transientCategory,
        Optional<Category> permanentCategory,
        boolean decisive,
        String basicCodes,
        String reference) {

    Optional<Category> categoryFor(int statusClass) {
        return statusClass == 4 ? transientCategory : statusClass == 5 ? permanentCategory : Optional.of(Category.OK);
    }
}
