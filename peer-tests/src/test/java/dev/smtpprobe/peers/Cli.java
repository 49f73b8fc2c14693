package dev.smtpprobe.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpprobe.cli.SmtpProbeCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/** One in-process run of the real {@code smtp-probe} command line, output captured. */
record Cli(List<String> args, int exitCode, String out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Cli run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SmtpProbeCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        return new Cli(List.copyOf(args), exit, out.toString(), err.toString());
    }

    /** {@code probe --server SERVER} with short limits, a fixed EHLO name and no colour, then {@code more}. */
    static Cli probe(String server, String... more) {
        List<String> args = new ArrayList<>(List.of("probe", "--server", server, "--ehlo", "probe.test",
                "--timeout", "5", "--no-color"));
        args.addAll(List.of(more));
        return run(args);
    }

    JsonNode json() {
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON (exit " + exitCode + ", stderr: " + err + "):\n" + out, e);
        }
    }

    /** The first finding that is not informational, as JSON. */
    JsonNode firstProblem() {
        return StreamSupport.stream(json().at("/findings").spliterator(), false)
                .filter(f -> !f.at("/severity").asText().equals("info"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no WARNING or CRITICAL finding in:\n" + out));
    }

    /** The steps of the first host as "phase command -> code" lines, for messages and assertions. */
    List<String> steps() {
        List<String> steps = new ArrayList<>();
        for (JsonNode s : json().at("/hosts/0/steps")) {
            steps.add(s.at("/phase").asText() + " " + (s.at("/command").isNull() ? "" : s.at("/command").asText() + " ")
                    + "-> " + (s.at("/reply").isNull() ? "-" : s.at("/reply/code").asText()));
        }
        return steps;
    }

    @Override
    public String toString() {
        return "smtp-probe " + String.join(" ", args) + " -> exit " + exitCode + "\n" + out + (err.isEmpty() ? "" : "\nstderr: " + err);
    }
}
