package dev.smtpprobe.catalog;

import java.util.List;
import java.util.Optional;

/** Catalog entries by code, and the RFC 3463 enhanced status registry. */
public interface ReplyCatalog {

    Optional<CatalogEntry> entry(int code);

    /** Every entry, ordered by code. */
    List<CatalogEntry> entries();

    /** The meaning of an enhanced code: the registered detail, or its class and subject when unregistered. */
    Optional<String> enhancedMeaning(String enhancedCode);
}
