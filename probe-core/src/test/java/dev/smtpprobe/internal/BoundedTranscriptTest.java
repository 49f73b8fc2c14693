package dev.smtpprobe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.probe.TranscriptLine;
import dev.smtpprobe.probe.TranscriptLine.Direction;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedTranscriptTest {

    @Test
    void stopsAtTheCapAndSaysSo() {
        BoundedTranscript t = new BoundedTranscript(10);
        for (int i = 0; i < 25; i++) {
            t.add(Direction.RECEIVED, "250-line " + i);
        }
        List<TranscriptLine> lines = t.snapshot();
        assertThat(lines).hasSize(11);
        assertThat(lines.get(9).line()).isEqualTo("250-line 9");
        assertThat(lines.get(10).direction()).isEqualTo(Direction.INFO);
        assertThat(lines.get(10).line()).contains("truncated at 10 lines; 15 more");
    }

    @Test
    void longLinesAreShortened() {
        BoundedTranscript t = new BoundedTranscript(10);
        t.add(Direction.RECEIVED, "x".repeat(20_000));
        assertThat(t.snapshot().get(0).line()).hasSizeLessThan(9_000).endsWith("[truncated]");
    }
}
