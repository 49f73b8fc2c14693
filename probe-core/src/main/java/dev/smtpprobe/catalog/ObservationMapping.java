package dev.smtpprobe.catalog;

/** How one client-observed failure maps onto the catalog (loaded from client-observations.tsv). */
record ObservationMapping(
        ClientObservation observation, int code, Category category, Actor actor, boolean retryable, String remedy) {
}
