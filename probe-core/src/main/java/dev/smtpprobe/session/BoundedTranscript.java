package dev.smtpprobe.session;

import dev.smtpprobe.model.Printable;
import dev.smtpprobe.model.TranscriptLine;
import java.util.ArrayList;
import java.util.List;

/**
 * A transcript that stops growing at a line cap and a character budget, so a chatty or hostile server cannot
 * exhaust memory, and whose lines carry no control characters, so a server cannot smuggle terminal escapes
 * (screen clearing, title setting, cursor moves) into a report that a user reads in a terminal.
 */
public final class BoundedTranscript {
    public static final int DEFAULT_CAP = 1000;
    /** Total characters kept; the decoder allows 100 lines of 8 KiB per reply, far more than a report can use. */
    public static final int DEFAULT_CHAR_BUDGET = 64 * 1024;
    /** Longest text kept per line; the decoder already caps lines at 8 KiB, this keeps reports readable too. */
    private static final int MAX_LINE_CHARS = 8 * 1024;
    /**
     * Notes about what the session decided (failures, aborts) are kept even after a flood has used up the cap,
     * a few of them: they explain the end of the transcript.
     */
    private static final int INFO_RESERVE_LINES = 32;

    private final int cap;
    private final int charBudget;
    private final List<TranscriptLine> lines = new ArrayList<>();
    private long chars;
    private int infoReserveUsed;
    private long dropped;

    public BoundedTranscript(int cap) {
        this(cap, DEFAULT_CHAR_BUDGET);
    }

    public BoundedTranscript(int cap, int charBudget) {
        this.cap = cap;
        this.charBudget = charBudget;
    }

    public void add(TranscriptLine.Direction direction, String line) {
        String text = printable(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) : line);
        if (line.length() > MAX_LINE_CHARS) {
            text += "...[truncated]";
        }
        boolean full = lines.size() >= cap || chars + text.length() > charBudget;
        if (full) {
            if (direction != TranscriptLine.Direction.INFO || infoReserveUsed >= INFO_RESERVE_LINES) {
                dropped++;
                return;
            }
            infoReserveUsed++;
            if (text.length() > 512) {
                text = text.substring(0, 512) + "...[truncated]";
            }
        }
        chars += text.length();
        lines.add(new TranscriptLine(direction, System.nanoTime(), text));
    }

    public List<TranscriptLine> snapshot() {
        if (dropped == 0) {
            return List.copyOf(lines);
        }
        List<TranscriptLine> out = new ArrayList<>(lines);
        out.add(new TranscriptLine(TranscriptLine.Direction.INFO, System.nanoTime(),
                "transcript truncated at " + lines.size() + " lines; " + dropped + " more not kept (caps: " + cap
                        + " lines, " + charBudget + " characters)"));
        return List.copyOf(out);
    }

    /** The line escaped by the one rule every format uses ({@link Printable}), so a transcript shows what a report shows. */
    static String printable(String line) {
        return Printable.escape(line);
    }
}
