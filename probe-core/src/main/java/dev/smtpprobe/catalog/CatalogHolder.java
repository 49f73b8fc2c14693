package dev.smtpprobe.catalog;

/** Lazy holder: the catalog resources are parsed once, on first use (class initialisation is the lock). */
final class CatalogHolder {
    private CatalogHolder() {
    }

    static final ReplyClassifier CLASSIFIER = StandardReplyClassifier.loadFromClasspath();
}
