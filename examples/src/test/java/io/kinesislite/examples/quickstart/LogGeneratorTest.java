package io.kinesislite.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogGeneratorTest {
  @TempDir Path dir;

  @Test
  void everyLineWrittenIsInTheFileOrARotatedOneExactlyOnceAndInOrder() throws Exception {
    LogGenerator generator = new LogGenerator(dir.resolve("app.log"), 5000, Duration.ofSeconds(1));
    generator.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((generator.rotations() < 2 || generator.written() < 1000)
        && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    generator.stop();

    assertThat(generator.rotations()).isGreaterThanOrEqualTo(2);
    List<Long> sequences = new ArrayList<>();
    for (int k = 1; k <= generator.rotations(); k++) {
      sequences.addAll(sequencesIn(dir.resolve("app.log." + k)));
    }
    sequences.addAll(sequencesIn(dir.resolve("app.log")));
    assertThat(sequences).hasSize((int) generator.written());
    for (int i = 0; i < sequences.size(); i++) {
      assertThat(sequences.get(i)).isEqualTo(i);
    }
  }

  @Test
  void aLineNumberIsReadFromTheStartOfALineOnly() {
    assertThat(sequenceOf("17 2026-12-03T10:00:00Z INFO")).isEqualTo(17);
    assertThat(sequenceOf("0")).isZero();
    assertThat(sequenceOf("x17 INFO")).isEqualTo(-1);
    assertThat(sequenceOf("17x INFO")).isEqualTo(-1);
    assertThat(sequenceOf("")).isEqualTo(-1);
  }

  @Test
  void aRateOutOfRangeIsRefused() {
    assertThatThrownBy(() -> new LogGenerator(dir.resolve("a.log"), 0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("linesPerSecond must be 1 to 1,000,000");
  }

  @Test
  void theTallyCountsMissingLinesAndDuplicates() {
    Tally tally = new Tally();
    tally.record(0, "s1");
    tally.record(1, "s1");
    tally.record(1, "s1");
    tally.record(3, "s2");
    tally.record(-1, "s3");

    assertThat(tally.distinct()).isEqualTo(3);
    assertThat(tally.missing(4)).isEqualTo(1); // line 2
    assertThat(tally.deliveries()).isEqualTo(5);
    assertThat(tally.unreadable()).isEqualTo(1);
    assertThat(tally.kinesisRecords()).isEqualTo(2);
  }

  private static long sequenceOf(String line) {
    return LogGenerator.sequenceOf(line.getBytes(StandardCharsets.UTF_8));
  }

  private static List<Long> sequencesIn(Path file) throws Exception {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.map(LogGeneratorTest::sequenceOf).toList();
    }
  }
}
