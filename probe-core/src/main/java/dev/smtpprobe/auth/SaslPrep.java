package dev.smtpprobe.auth;

import java.text.Normalizer;
import java.util.Optional;

/**
 * SASLprep (RFC 4013) for SCRAM passwords, as far as the JDK allows. Both sides must prepare the password the
 * same way or the proofs differ, so a password that RFC 4013 forbids is reported as unusable for SCRAM rather
 * than sent unprepared.
 *
 * <p>Known gaps: the JDK normalises with its own Unicode version, not Unicode 3.2 as stringprep demands, and
 * "unassigned" means unassigned in that version; bidirectional categories come from the same tables. For
 * passwords in scripts encoded since 3.2 this can differ from a strict implementation; for everything else the
 * result is the same.
 */
final class SaslPrep {
    private SaslPrep() {
    }

    /** The prepared string, or the reason (plain words, never the offending character) it cannot be prepared. */
    static Prepared prepare(String input) {
        StringBuilder mapped = new StringBuilder(input.length());
        input.codePoints().forEach(cp -> {
            if (isNonAsciiSpace(cp)) {
                mapped.append(' ');
            } else if (!isMappedToNothing(cp)) {
                mapped.appendCodePoint(cp);
            }
        });
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        if (normalized.isEmpty()) {
            return Prepared.refused("it is empty after preparation");
        }
        boolean randAl = false;
        boolean leftToRight = false;
        int[] codePoints = normalized.codePoints().toArray();
        for (int cp : codePoints) {
            Optional<String> prohibited = prohibition(cp);
            if (prohibited.isPresent()) {
                return Prepared.refused("it contains " + prohibited.get());
            }
            if (!Character.isDefined(cp)) {
                return Prepared.refused("it contains an unassigned code point");
            }
            randAl |= isRandAl(cp);
            leftToRight |= Character.getDirectionality(cp) == Character.DIRECTIONALITY_LEFT_TO_RIGHT;
        }
        if (randAl && (leftToRight || !isRandAl(codePoints[0]) || !isRandAl(codePoints[codePoints.length - 1]))) {
            return Prepared.refused("it mixes right-to-left and left-to-right text in a way RFC 3454 §6 forbids");
        }
        return new Prepared(Optional.of(normalized), Optional.empty());
    }

    record Prepared(Optional<String> value, Optional<String> refusal) {
        static Prepared refused(String why) {
            return new Prepared(Optional.empty(), Optional.of(why));
        }
    }

    private static boolean isRandAl(int cp) {
        byte d = Character.getDirectionality(cp);
        return d == Character.DIRECTIONALITY_RIGHT_TO_LEFT || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    }

    /** RFC 3454 table C.1.2. */
    private static boolean isNonAsciiSpace(int cp) {
        return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** RFC 3454 table B.1. */
    private static boolean isMappedToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D)
                || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F)
                || cp == 0xFEFF;
    }

    /** RFC 4013 §2.3 (RFC 3454 tables C.1.2 to C.9), described by kind so the message reveals nothing more. */
    private static Optional<String> prohibition(int cp) {
        if (isNonAsciiSpace(cp)) {
            return Optional.of("a non-ASCII space");
        }
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x06DD || cp == 0x070F
                || cp == 0x180E || cp == 0x200C || cp == 0x200D || cp == 0x2028 || cp == 0x2029
                || (cp >= 0x2060 && cp <= 0x2063) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFC)
                || (cp >= 0x1D173 && cp <= 0x1D17A)) {
            return Optional.of("a control character");
        }
        if ((cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && cp <= 0xFFFFD) || (cp >= 0x100000 && cp <= 0x10FFFD)) {
            return Optional.of("a private-use character");
        }
        if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
            return Optional.of("a non-character code point");
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            return Optional.of("an unpaired surrogate");
        }
        if (cp == 0xFFFD || (cp >= 0x2FF0 && cp <= 0x2FFB)) {
            return Optional.of("a character inappropriate for plain text");
        }
        if (cp == 0x0340 || cp == 0x0341 || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x206A && cp <= 0x206F)) {
            return Optional.of("a display-changing or deprecated character");
        }
        if (cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F)) {
            return Optional.of("a tagging character");
        }
        return Optional.empty();
    }
}
