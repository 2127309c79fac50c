package io.kinesislite.examples.quickstart;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The figures of one quickstart run, and the table they print as.
 *
 * @param linesWritten lines the generator wrote (and flushed)
 * @param rotations times the log file was rotated
 * @param userRecordsSent records the agent had acknowledged by the stream
 * @param kinesisRecords distinct Kinesis records (aggregates) the consumers received them in
 * @param deliveries records handed to processors, duplicates included
 * @param distinctConsumed distinct generated lines consumed
 * @param lost lines written that were never consumed, plus records that were not generated lines
 * @param elapsed from start until the consumers caught up (or the drain timed out)
 * @param shardsHeldAtEnd shards each worker held at the end
 * @param shardsProcessed shards each worker processed at some point
 */
public record Summary(
    long linesWritten,
    int rotations,
    long userRecordsSent,
    long kinesisRecords,
    long deliveries,
    long distinctConsumed,
    long lost,
    Duration elapsed,
    Map<String, Integer> shardsHeldAtEnd,
    Map<String, Set<String>> shardsProcessed) {

  /** Deliveries beyond the first of each line: what a restart or a re-send repeated. */
  public long duplicates() {
    return deliveries - distinctConsumed;
  }

  /** Prints the summary table. */
  public void print(PrintStream out) {
    double seconds = Math.max(1, elapsed.toMillis()) / 1000.0;
    out.println();
    out.println("  summary");
    row(out, "lines written", String.format("%,d (log rotated %d times)", linesWritten, rotations));
    row(out, "user records sent", String.format("%,d", userRecordsSent));
    row(
        out,
        "Kinesis records (aggregates)",
        String.format(
            "%,d (%.1f user records each)",
            kinesisRecords,
            kinesisRecords == 0 ? 0.0 : (double) distinctConsumed / kinesisRecords));
    row(
        out,
        "records consumed",
        String.format("%,d (%,d distinct lines)", deliveries, distinctConsumed));
    row(out, "lost", String.format("%,d", lost));
    row(out, "duplicates", String.format("%,d", duplicates()));
    row(
        out,
        "throughput",
        String.format(
            "%,.0f lines/s end to end, over %.1f s", distinctConsumed / seconds, seconds));
    for (Map.Entry<String, Integer> worker : shardsHeldAtEnd.entrySet()) {
      Set<String> processed = shardsProcessed.getOrDefault(worker.getKey(), Set.of());
      row(
          out,
          worker.getKey(),
          String.format(
              "%d shards at the end, %d processed during the run",
              worker.getValue(), processed.size()));
    }
    out.println();
    out.println(
        lost == 0 ? "  OK: every line written was consumed." : "  FAILED: lines were lost.");
  }

  private static void row(PrintStream out, String name, String value) {
    out.printf("  %-30s %s%n", name, value);
  }
}
