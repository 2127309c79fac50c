package io.kinesislite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryTallyTest {
  @TempDir Path dir;

  private static String line(String shard, String seq, long arrival, long processed, long n) {
    return new ProcessedRecord(shard, seq, 0, arrival, processed, "w", NumberedLog.text(n)).format()
        + "\n";
  }

  private void append(Path file, String text) throws Exception {
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Test
  void theUnionOfTheFilesCountsLostLinesAndTellsRereadsFromResends() throws Exception {
    Path a = dir.resolve("a.out");
    Path b = dir.resolve("b.out");
    append(a, line("s0", "1", 100, 110, 0) + line("s0", "2", 100, 110, 1));
    // b re-read line 1 at the same position, and got line 0 again at a new one (a re-send)
    append(
        b,
        line("s0", "2", 100, 150, 1)
            + line("s1", "9", 120, 160, 0)
            + line("s1", "10", 120, 160, 3));
    DeliveryTally tally = new DeliveryTally(List.of(a, b));
    tally.poll();

    assertThat(tally.records()).isEqualTo(5);
    assertThat(tally.distinct()).isEqualTo(3);
    assertThat(tally.duplicates()).isEqualTo(2);
    assertThat(tally.reprocessed()).isEqualTo(1);
    assertThat(tally.missing(4)).isEqualTo(1);
    assertThat(tally.firstMissing(4, 10)).containsExactly(2L);
    assertThat(tally.beyond(3)).isEqualTo(1);
    assertThat(tally.foreign()).isEmpty();
  }

  @Test
  void aHalfWrittenLineCountsOnlyOnceItEnds() throws Exception {
    Path a = dir.resolve("a.out");
    String whole = line("s0", "1", 100, 110, 7);
    append(a, whole.substring(0, 20));
    DeliveryTally tally = new DeliveryTally(List.of(a, dir.resolve("not-yet.out")));
    tally.poll();
    assertThat(tally.records()).isZero();

    append(a, whole.substring(20));
    tally.poll();
    assertThat(tally.records()).isEqualTo(1);
    assertThat(tally.missing(8)).isEqualTo(7);
  }

  @Test
  void theLongestUnprocessedStretchStartsAtArrivalOrThePreviousProcessingOfTheShard()
      throws Exception {
    Path a = dir.resolve("a.out");
    // s0: processed at 110; then records arriving at 120 and 130 wait until 2,130 (a dead worker):
    // the shard went unprocessed from 120 (the later of arrival and last processing) to 2,130.
    append(
        a,
        line("s0", "1", 100, 110, 0)
            + line("s0", "2", 120, 2_130, 1)
            + line("s0", "3", 130, 2_130, 2)
            // s1: a record arriving long after the last one is not a stretch without processing
            + line("s1", "4", 100, 105, 3)
            + line("s1", "5", 5_000, 5_010, 4));
    DeliveryTally tally = new DeliveryTally(List.of(a));
    tally.poll();

    DeliveryTally.Gap gap = tally.longestUnprocessed();
    assertThat(gap.shardId()).isEqualTo("s0");
    assertThat(gap.millis()).isEqualTo(2_010);
    assertThat(gap.endedAtMillis()).isEqualTo(2_130);
    assertThat(tally.worstLagMillis()).isEqualTo(2_010);
  }

  @Test
  void linesThatAreNotNumberedLinesAreKeptAsForeign() throws Exception {
    Path a = dir.resolve("a.out");
    append(a, "garbage\n" + "s0 1 0 1 2 w line-000000001 tampered\n");
    DeliveryTally tally = new DeliveryTally(List.of(a));
    tally.poll();
    assertThat(tally.foreign()).hasSize(2);
    assertThat(tally.records()).isZero();
  }
}
