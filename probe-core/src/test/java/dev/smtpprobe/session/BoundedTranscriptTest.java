package dev.smtpprobe.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpprobe.model.TranscriptLine;
import dev.smtpprobe.model.TranscriptLine.Direction;
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

    @Test
    void controlCharactersAreEscapedSoNoTerminalEscapeReachesAReport() {
        BoundedTranscript t = new BoundedTranscript(10);
        t.add(Direction.RECEIVED, "220 \u001b[2J\u001b]0;owned\u0007 \0 \u009b31m \u202egnp.exe\tend\r");
        String line = t.snapshot().get(0).line();
        // The one rule of every format (Printable): a tab is written as \t too.
        assertThat(line).isEqualTo("220 \\x1b[2J\\x1b]0;owned\\x07 \\x00 \\x9b31m \\u202egnp.exe\\tend\\r");
        assertThat(line.chars()).noneMatch(c -> c < 0x20);
    }

    @Test
    void plainLinesAreKeptAsTheyAre() {
        BoundedTranscript t = new BoundedTranscript(10);
        t.add(Direction.RECEIVED, "250 2.1.0 <a@b> ok: caf\u00e9 \\ back");
        assertThat(t.snapshot().get(0).line()).isEqualTo("250 2.1.0 <a@b> ok: caf\u00e9 \\ back");
    }

    @Test
    void characterBudgetBoundsTheTranscriptButNotesAboutTheEndSurvive() {
        BoundedTranscript t = new BoundedTranscript(1000, 20_000);
        for (int i = 0; i < 100; i++) {
            t.add(Direction.RECEIVED, "250-" + "z".repeat(8_000));
        }
        t.add(Direction.INFO, "PROTOCOL_ERROR at ehlo: reply has more than 100 lines");
        List<TranscriptLine> lines = t.snapshot();
        long chars = lines.stream().mapToLong(l -> l.line().length()).sum();
        assertThat(chars).isLessThan(21_000);
        assertThat(lines.get(lines.size() - 2).line()).startsWith("PROTOCOL_ERROR at ehlo");
        assertThat(lines.get(lines.size() - 1).line()).contains("98 more not kept");
    }
}
