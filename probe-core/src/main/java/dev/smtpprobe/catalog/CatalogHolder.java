package dev.smtpprobe.catalog;

/** Lazy holder: the catalog resources are parsed once, on first use. */
final class CatalogHolder {
    private CatalogHolder() {
    }

    // Replaced by the resource-backed classifier when the catalog data lands.
    static final ReplyClassifier CLASSIFIER = null;
}
