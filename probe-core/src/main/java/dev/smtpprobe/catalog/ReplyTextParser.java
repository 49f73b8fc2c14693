package dev.smtpprobe.catalog;

import dev.smtpprobe.model.EnhancedStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds an SMTP reply in free text: wire lines ("550-5.7.26 ...", several lines of one reply) or a reply quoted
 * inside a longer mail-log line ("host mx[192.0.2.1] said: 550 5.1.1 ...", Exim's "SMTP error ...: 550 ...").
 */
final class ReplyTextParser {

    /** A reply found in text: its code, enhanced code when present, and the text after the code. */
    record Found(int code, Optional<EnhancedStatus> enhanced, String text) {
    }

    private static final Pattern WIRE_LINE = Pattern.compile("^\\s*([2-5]\\d\\d)(?:([ -])(.*))?$");
    // Log formats: Postfix "said:", Sendmail "reply:", Exchange "Remote server returned '550 ...'", OpenSMTPD "stat=451 ...".
    private static final Pattern AFTER_KEYWORD = Pattern.compile(
            "(?i)\\b(?:said|repl(?:y|ied)|response|responded|answered|returned|answer|stat)\\s*[:=]?\\s*['\"(\\[]?\\s*"
                    + "([2-5]\\d\\d)(?=[ -]|$|['\")\\]])");
    // Exchange NDRs write the remote reply as "host.example #550 5.1.1 ...": a '#' after a space may lead the code.
    private static final Pattern CODE_WITH_ENHANCED = Pattern.compile(
            "(?:(?<=\\s)#|(?<![\\w.:/=#+-]))([2-5]\\d\\d)[ -]+\\(?#?([245]\\.\\d{1,3}\\.\\d{1,3})(?!\\.?\\d)");
    // Client libraries log the reply as a (code, text) tuple: Python smtplib "(535, b'5.7.8 Username ...')".
    private static final Pattern CODE_IN_TUPLE = Pattern.compile("\\(([2-5]\\d\\d),\\s*b?['\"]");
    private static final Pattern CODE_BEFORE_WORD = Pattern.compile(
            "(?<![\\w.:/=#+\\-\\[])([2-5]\\d\\d)[ -](?=\\s*[<\\[(A-Za-z#'\"])");
    private static final Pattern ENHANCED_ANYWHERE = Pattern.compile(
            "(?<![\\w.])([245])\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d]|\\.\\d)");

    // Mail logs say which command the reply answered: Exim "after MAIL FROM:<x>", Postfix "(in reply to MAIL FROM
    // command)". A refusal of MAIL FROM is about the sender, even when its words sound like a recipient's.
    private static final Pattern ANSWERS_MAIL_FROM = Pattern.compile(
            "(?i)\\bafter (?:pipelined )?MAIL FROM\\b|\\bin reply to MAIL FROM command\\b");

    private ReplyTextParser() {
    }

    /** Whether a mail-log line says the quoted reply answered the MAIL FROM command. */
    static boolean answersMailFrom(String input) {
        return input != null && ANSWERS_MAIL_FROM.matcher(input).find();
    }

    static Optional<Found> find(String input) {
        if (input == null || input.isBlank()) {
            return Optional.empty();
        }
        String[] lines = input.strip().split("\\r\\n|\\n|\\r");
        Matcher first = WIRE_LINE.matcher(lines[0]);
        if (first.matches()) {
            return Optional.of(fromWireLines(lines));
        }
        String joined = String.join(" ", lines);
        Matcher m = AFTER_KEYWORD.matcher(joined);
        if (m.find()) {
            return Optional.of(fromPosition(joined, m.group(1), m.end(1)));
        }
        m = CODE_WITH_ENHANCED.matcher(joined);
        if (m.find()) {
            return Optional.of(fromPosition(joined, m.group(1), m.end(1)));
        }
        m = CODE_IN_TUPLE.matcher(joined);
        if (m.find()) {
            return Optional.of(fromPosition(joined, m.group(1), m.end()));
        }
        m = CODE_BEFORE_WORD.matcher(joined);
        if (m.find()) {
            return Optional.of(fromPosition(joined, m.group(1), m.end(1)));
        }
        return Optional.empty();
    }

    private static Found fromWireLines(String[] lines) {
        int code = 0;
        List<String> texts = new ArrayList<>();
        for (String line : lines) {
            Matcher m = WIRE_LINE.matcher(line);
            if (m.matches()) {
                code = Integer.parseInt(m.group(1));
                texts.add(m.group(3) == null ? "" : m.group(3).strip());
            } else if (!line.isBlank()) {
                texts.add(line.strip());
            }
        }
        String text = String.join(" ", texts).strip();
        return new Found(code, enhancedIn(texts.isEmpty() ? "" : texts.get(0), text, code), text);
    }

    private static Found fromPosition(String joined, String codeText, int end) {
        int code = Integer.parseInt(codeText);
        String rest = joined.substring(end);
        if (rest.startsWith(" ") || rest.startsWith("-")) {
            rest = rest.substring(1);
        }
        rest = rest.strip();
        return new Found(code, enhancedIn(rest, rest, code), rest);
    }

    /** The enhanced code at the start of the text (RFC 2034's place), else the first one of the right class. */
    static Optional<EnhancedStatus> enhancedIn(String firstLine, String text, int code) {
        String lead = firstLine.startsWith("(") || firstLine.startsWith("#") ? firstLine.substring(1) : firstLine;
        Optional<EnhancedStatus> leading = EnhancedStatus.parseLeading(lead);
        if (leading.isPresent()) {
            return leading;
        }
        Matcher m = ENHANCED_ANYWHERE.matcher(text);
        while (m.find()) {
            int cls = Integer.parseInt(m.group(1));
            if (cls == code / 100) {
                try {
                    return Optional.of(new EnhancedStatus(cls, Integer.parseInt(m.group(2)),
                            Integer.parseInt(m.group(3))));
                } catch (IllegalArgumentException ignored) {
                    // out-of-range subject or detail: keep looking
                }
            }
        }
        return Optional.empty();
    }
}
