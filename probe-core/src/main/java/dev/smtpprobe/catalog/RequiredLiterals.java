package dev.smtpprobe.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Literal text that every match of a reply-pattern regex must contain, read from the pattern's source so that a
 * plain {@code contains} can rule a rule out before its regex runs: a failing reply otherwise runs all 83
 * patterns (ClassifierBenchmark: up to 0.9 ms a reply). One string per top-level alternative: a text can match
 * only if it contains at least one of them, lower-cased (the patterns fold ASCII case).
 *
 * <p>Conservative by construction: a group, a character class, an escape that is not plain punctuation, a dot
 * or an anchor ends a literal run (a group that every match passes through, neither optional nor a lookaround,
 * can give its own alternatives' literals instead); a quantifier that allows zero takes back the atom before it; anything it does
 * not understand ({@code \Q}, inline flags such as {@code (?x)}) gives no literals at all, and the rule always runs.
 */
final class RequiredLiterals {
    /** Shorter runs rule out too little to pay for the check. */
    static final int MIN_LENGTH = 3;

    private RequiredLiterals() {
    }

    /** The any-of literals of the pattern, or empty when some alternative has none (the rule must always run). */
    static Optional<List<String>> of(String regex) {
        if (regex.contains("\\Q") || regex.matches("(?s).*\\(\\?[a-zA-Z-]*x.*")) {
            return Optional.empty();
        }
        return anyOf(regex);
    }

    /** For an alternation: one requirement per alternative, joined; empty when one alternative has none. */
    private static Optional<List<String>> anyOf(String alternation) {
        List<String> alternatives = topLevelAlternatives(alternation);
        if (alternatives == null) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (String alternative : alternatives) {
            Optional<List<String>> required = requirement(alternative);
            if (required.isEmpty()) {
                return Optional.empty();
            }
            out.addAll(required.get());
        }
        return Optional.of(List.copyOf(out));
    }

    /**
     * What one alternative (a sequence) requires: its longest literal run, or one of the literals of a group it
     * must pass through (not optional, not a lookaround), whichever has the longer shortest literal.
     */
    private static Optional<List<String>> requirement(String sequence) {
        Optional<List<String>> best = longestRun(sequence).map(List::of);
        for (int i = 0; i < sequence.length(); i++) {
            char c = sequence.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                i = classEnd(sequence, i);
                if (i < 0) {
                    return Optional.empty();
                }
            } else if (c == '(') {
                int end = groupEnd(sequence, i);
                if (end < 0) {
                    return Optional.empty();
                }
                boolean optional = end + 1 < sequence.length() && "?*{".indexOf(sequence.charAt(end + 1)) >= 0;
                Optional<String> body = groupBody(sequence.substring(i + 1, end));
                if (!optional && body.isPresent()) {
                    Optional<List<String>> inner = anyOf(body.get());
                    if (inner.isPresent() && shortest(inner.get()) > best.map(RequiredLiterals::shortest).orElse(0)) {
                        best = inner;
                    }
                }
                i = end;
            }
        }
        return best.filter(literals -> shortest(literals) >= MIN_LENGTH);
    }

    /** The pattern inside a group's parentheses, or empty for a lookaround or an inline-flags group. */
    private static Optional<String> groupBody(String inside) {
        if (!inside.startsWith("?")) {
            return Optional.of(inside);
        }
        if (inside.startsWith("?:")) {
            return Optional.of(inside.substring(2));
        }
        if (inside.startsWith("?<") && !inside.startsWith("?<=") && !inside.startsWith("?<!")) {
            int close = inside.indexOf('>');
            return close < 0 ? Optional.empty() : Optional.of(inside.substring(close + 1));
        }
        return Optional.empty();
    }

    private static int shortest(List<String> literals) {
        return literals.stream().mapToInt(String::length).min().orElse(0);
    }

    /** The pattern split at '|' outside groups and classes; null when the brackets do not balance. */
    private static List<String> topLevelAlternatives(String regex) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                i = classEnd(regex, i);
                if (i < 0) {
                    return null;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '|' && depth == 0) {
                out.add(regex.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) {
            return null;
        }
        out.add(regex.substring(start));
        return out;
    }

    /** The index of the ']' that closes the class opened at {@code open}, or -1 (nested classes are not read). */
    private static int classEnd(String regex, int open) {
        int i = open + 1;
        if (i < regex.length() && regex.charAt(i) == '^') {
            i++;
        }
        if (i < regex.length() && regex.charAt(i) == ']') {
            i++; // a ']' first in a class is a literal
        }
        for (; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                return -1;
            } else if (c == ']') {
                return i;
            }
        }
        return -1;
    }

    /** The longest run of literal characters that any match of this alternative must contain, lower-cased. */
    private static Optional<String> longestRun(String alternative) {
        Runs runs = new Runs();
        for (int i = 0; i < alternative.length(); i++) {
            char c = alternative.charAt(i);
            switch (c) {
                case '\\' -> {
                    if (i + 1 >= alternative.length()) {
                        return Optional.empty();
                    }
                    char e = alternative.charAt(++i);
                    if (Character.isLetterOrDigit(e)) {
                        runs.end();
                    } else if (!runs.append(e)) {
                        return Optional.empty();
                    }
                }
                case '[', '(' -> {
                    i = c == '[' ? classEnd(alternative, i) : groupEnd(alternative, i);
                    if (i < 0) {
                        return Optional.empty();
                    }
                    runs.end();
                }
                case '?', '*', '{' -> {
                    runs.dropLastAtom(); // the atom may be absent
                    if (c == '{') {
                        i = alternative.indexOf('}', i);
                        if (i < 0) {
                            return Optional.empty();
                        }
                    }
                    i = skipQuantifierModifier(alternative, i);
                }
                case '+' -> {
                    // The atom is there at least once; what follows may not be right after it.
                    runs.end();
                    i = skipQuantifierModifier(alternative, i);
                }
                case '.', '^', '$', ')', '|' -> runs.end();
                default -> {
                    if (!runs.append(c)) {
                        return Optional.empty();
                    }
                }
            }
        }
        return runs.longest();
    }

    /** The literal run being read and the longest one so far. */
    private static final class Runs {
        private final StringBuilder run = new StringBuilder();
        private String best = "";
        private boolean lastWasLiteral;

        /** False for a character outside ASCII, which the patterns' case folding would not cover. */
        boolean append(char c) {
            if (c > 0x7f) {
                return false;
            }
            run.append(Character.toLowerCase(c));
            lastWasLiteral = true;
            return true;
        }

        void end() {
            if (run.length() > best.length()) {
                best = run.toString();
            }
            run.setLength(0);
            lastWasLiteral = false;
        }

        void dropLastAtom() {
            if (lastWasLiteral && run.length() > 0) {
                run.setLength(run.length() - 1);
            }
            end();
        }

        Optional<String> longest() {
            end();
            return best.length() >= MIN_LENGTH ? Optional.of(best.toLowerCase(Locale.ROOT)) : Optional.empty();
        }
    }

    private static int skipQuantifierModifier(String s, int i) {
        return i + 1 < s.length() && (s.charAt(i + 1) == '?' || s.charAt(i + 1) == '+') ? i + 1 : i;
    }

    /** The index of the ')' that closes the group opened at {@code open}, or -1. */
    private static int groupEnd(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                i = classEnd(s, i);
                if (i < 0) {
                    return -1;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

}
