package dev.smtpprobe.catalog;

import dev.smtpprobe.model.EnhancedStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The catalog loaded from resources: entries by code and the enhanced status table. Immutable. */
final class ResourceReplyCatalog implements ReplyCatalog {

    private final Map<Integer, CatalogEntry> entries;
    private final Map<String, EnhancedDetail> enhanced;

    ResourceReplyCatalog(Map<Integer, CatalogEntry> entries, Map<String, EnhancedDetail> enhanced) {
        this.entries = Collections.unmodifiableMap(new TreeMap<>(entries));
        this.enhanced = Map.copyOf(enhanced);
    }

    @Override
    public Optional<CatalogEntry> entry(int code) {
        return Optional.ofNullable(entries.get(code));
    }

    @Override
    public List<CatalogEntry> entries() {
        return List.copyOf(new ArrayList<>(entries.values()));
    }

    @Override
    public Optional<String> enhancedMeaning(String enhancedCode) {
        return EnhancedStatus.parse(enhancedCode).map(this::describe);
    }

    /** The registered row for a code, when the registry has one. */
    Optional<EnhancedDetail> registered(EnhancedStatus status) {
        return Optional.ofNullable(enhanced.get(status.subjectDetail()));
    }

    /** The subject's catch-all row ("1.*"), when the subject is defined. */
    Optional<EnhancedDetail> subject(EnhancedStatus status) {
        return Optional.ofNullable(enhanced.get(status.subject() + ".*"));
    }

    /** All registered detail codes, as "subject.detail". */
    List<String> registeredDetails() {
        List<String> out = new ArrayList<>();
        for (String key : enhanced.keySet()) {
            if (!key.endsWith("*")) {
                out.add(key);
            }
        }
        Collections.sort(out);
        return out;
    }

    String describe(EnhancedStatus status) {
        String classText = switch (status.statusClass()) {
            case 2 -> "success";
            case 4 -> "persistent transient failure: the same request may succeed later";
            default -> "permanent failure: the request must change before it can succeed";
        };
        Optional<EnhancedDetail> detail = registered(status);
        if (detail.isPresent()) {
            EnhancedDetail d = detail.get();
            return status + " " + d.title() + ": " + d.meaning() + " (" + classText + "; " + d.reference() + ")";
        }
        Optional<EnhancedDetail> subject = subject(status);
        if (subject.isPresent()) {
            return status + " unregistered detail " + status.detail() + " of subject " + status.subject() + " ("
                    + subject.get().title() + "): " + subject.get().meaning() + " Read it as " + status.statusClass()
                    + "." + status.subject() + ".0 (" + classText + ").";
        }
        return status + " unregistered subject " + status.subject() + ": RFC 3463 defines subjects 0 to 7 only, so"
                + " only the class tells anything (" + classText + ").";
    }
}
