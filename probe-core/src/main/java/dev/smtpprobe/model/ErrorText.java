package dev.smtpprobe.model;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Errors in words a mail administrator reads, never Java class names: "TLS handshake failed: the connection was
 * closed", not "TLS handshake failed: StacklessClosedChannelException". {@link #describe(Throwable)} is for code
 * that words an exception; {@link #plain(String)} rewrites a message that already carries a class name (from a
 * library's {@code toString}, or from code that used {@code getSimpleName()}), which the reports apply to every
 * failure message as a second line of defence.
 */
public final class ErrorText {
    /** A Java exception or error class name, qualified or not: "javax.net.ssl.SSLHandshakeException". */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:[a-z][a-z0-9_]*\\.)*([A-Z][A-Za-z0-9_$]*(?:Exception|Error))\\b(:\\s*)?");
    /** A package prefix that names the JDK: "java.", "javax.", "sun.", "jdk." (stack frames, class names). */
    private static final Pattern JDK_PACKAGE = Pattern.compile(
            "\\b(?:(?:java|javax|jdk|sun)\\.(?:base|lang|util|io|net|nio|security|internal)|io\\.netty)\\b[\\w.$/]*");

    private ErrorText() {
    }

    /** What went wrong, in plain words: the message when it says something, else the kind of failure. */
    public static String describe(Throwable t) {
        if (t == null) {
            return "an unknown error";
        }
        String message = t.getMessage();
        String kind = words(t.getClass().getSimpleName());
        if (message == null || message.isBlank() || message.equals(t.getClass().getName())) {
            return kind;
        }
        return plain(message);
    }

    /** The message with every Java class name replaced by what it means; the same text when there is none. */
    public static String plain(String message) {
        if (message == null || (message.indexOf("Exception") < 0 && message.indexOf("Error") < 0
                && message.indexOf('.') < 0)) {
            return message;
        }
        Matcher m = CLASS_NAME.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String word = words(m.group(1));
            boolean more = m.group(2) != null && m.end() < message.length();
            m.appendReplacement(out, Matcher.quoteReplacement(more ? word + ": " : word));
        }
        m.appendTail(out);
        String s = JDK_PACKAGE.matcher(out).replaceAll("");
        return s.replaceAll("\\s{2,}", " ").strip();
    }

    /** The meaning of an exception class, by its simple name. */
    static String words(String simpleName) {
        String n = simpleName.toLowerCase(Locale.ROOT);
        if (n.contains("closedchannel") || n.equals("eofexception") || n.contains("channelclosed")) {
            return "the connection was closed";
        }
        if (n.contains("handshake")) {
            return "TLS handshake failure";
        }
        if (n.contains("notsslrecord")) {
            return "the server did not answer in TLS";
        }
        if (n.contains("peerunverified")) {
            return "the server's certificate could not be verified";
        }
        if (n.startsWith("ssl") || n.contains("tls")) {
            return "TLS error";
        }
        if (n.contains("timeout")) {
            return "timed out";
        }
        if (n.contains("connect")) {
            return "the connection failed";
        }
        if (n.contains("noroutetohost")) {
            return "no route to the host";
        }
        if (n.contains("portunreachable")) {
            return "the port is unreachable";
        }
        if (n.contains("unknownhost") || n.contains("unresolvedaddress")) {
            return "the name does not resolve";
        }
        if (n.contains("toolongframe")) {
            return "data too long";
        }
        if (n.contains("decoder") || n.contains("corruptedframe")) {
            return "data that could not be decoded";
        }
        if (n.contains("socket") || n.contains("ioexception") || n.contains("uncheckedio")) {
            return "network error";
        }
        if (n.contains("certificate") || n.contains("certpath")) {
            return "certificate error";
        }
        if (n.contains("rejectedexecution")) {
            return "the prober was shutting down";
        }
        if (n.contains("outofmemory")) {
            return "out of memory";
        }
        return "an unexpected internal error";
    }
}
