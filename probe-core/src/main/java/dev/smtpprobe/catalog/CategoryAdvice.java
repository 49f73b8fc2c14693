package dev.smtpprobe.catalog;

/** Who acts and what to do for a category, used when neither a pattern nor the code's own entry says more. */
record CategoryAdvice(Category category, Actor actor, String remedy) {
}
