package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.StreamContents;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Transports;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Runs ProducerExample on the in-memory engine and reads back what it stored. */
class ProducerExampleTest {
  private static final Pattern COUNTS =
      Pattern.compile("sent (\\d+), failed (\\d+), dropped (\\d+) of (\\d+) records");
  private static final Pattern BUFFER_FULL = Pattern.compile("buffer full (\\d+) times");

  // Held open so that the engine the example writes to outlives the example's own transport.
  private static KinesisTransport kinesis;

  @BeforeAll
  static void openEngine() {
    kinesis = Transports.open("embedded:");
  }

  @AfterAll
  static void closeEngine() {
    kinesis.close();
  }

  private record Run(int exitCode, String out) {
    long count(Pattern pattern, int group) {
      Matcher m = pattern.matcher(out);
      assertThat(m.find()).as("output: %s", out).isTrue();
      return Long.parseLong(m.group(group));
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    int code =
        new CommandLine(new ProducerExample()).setOut(new PrintWriter(out, true)).execute(args);
    return new Run(code, out.toString());
  }

  private static List<Integer> storedIds(String stream) {
    return StreamContents.read(kinesis, stream).stream()
        .map(s -> s.data().replaceAll("^\\{\"id\":(\\d+),.*$", "$1"))
        .map(Integer::valueOf)
        .sorted()
        .toList();
  }

  @Test
  void createsTheStreamAndStoresEveryRecordOnce() {
    String stream = UniqueNames.stream("producer");
    Run run = run("--stream", stream, "--records", "500", "--rate", "5000");
    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).contains("sent 500, failed 0, dropped 0 of 500 records");
    assertThat(storedIds(stream)).isEqualTo(IntStream.range(0, 500).boxed().toList());
  }

  @Test
  void callbackStyleRetriesWhenTheBufferIsFullAndLosesNothing() {
    String stream = UniqueNames.stream("producer-retry");
    Run run =
        run(
            "--stream",
            stream,
            "--records",
            "300",
            "--style",
            "callback",
            "--max-outstanding-records",
            "10",
            "--buffer-full-wait",
            "0ms");
    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).contains("first record stored in shardId-");
    assertThat(run.count(COUNTS, 1)).isEqualTo(300);
    assertThat(run.count(BUFFER_FULL, 1)).as("BufferFullException seen and retried").isPositive();
    assertThat(storedIds(stream)).isEqualTo(IntStream.range(0, 300).boxed().toList());
  }

  @Test
  void droppingOnAFullBufferCountsTheDropsAndExitsNonZero() {
    String stream = UniqueNames.stream("producer-drop");
    Run run =
        run(
            "--stream",
            stream,
            "--records",
            "300",
            "--on-buffer-full",
            "drop",
            "--max-outstanding-records",
            "10",
            "--buffer-full-wait",
            "0ms");
    assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
    long sent = run.count(COUNTS, 1);
    long dropped = run.count(COUNTS, 3);
    assertThat(dropped).isPositive();
    assertThat(sent + dropped).isEqualTo(300);
    assertThat(storedIds(stream)).hasSize((int) sent).doesNotHaveDuplicates();
  }
}
