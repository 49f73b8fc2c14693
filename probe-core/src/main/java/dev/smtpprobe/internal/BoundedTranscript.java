package dev.smtpprobe.internal;

import dev.smtpprobe.probe.TranscriptLine;
import java.util.ArrayList;
import java.util.List;

/** A transcript that stops growing at a cap, so a chatty or hostile server cannot exhaust memory. */
public final class BoundedTranscript {
    public static final int DEFAULT_CAP = 1000;
    /** Longest text kept per line; the decoder already caps lines at 8 KiB, this keeps reports readable too. */
    private static final int MAX_LINE_CHARS = 8 * 1024;

    private final int cap;
    private final List<TranscriptLine> lines = new ArrayList<>();
    private long dropped;

    public BoundedTranscript(int cap) {
        this.cap = cap;
    }

    public void add(TranscriptLine.Direction direction, String line) {
        if (lines.size() >= cap) {
            dropped++;
            return;
        }
        String text = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "...[truncated]" : line;
        lines.add(new TranscriptLine(direction, System.nanoTime(), text));
    }

    public List<TranscriptLine> snapshot() {
        if (dropped == 0) {
            return List.copyOf(lines);
        }
        List<TranscriptLine> out = new ArrayList<>(lines);
        out.add(new TranscriptLine(TranscriptLine.Direction.INFO, System.nanoTime(),
                "transcript truncated at " + cap + " lines; " + dropped + " more not kept"));
        return List.copyOf(out);
    }
}
