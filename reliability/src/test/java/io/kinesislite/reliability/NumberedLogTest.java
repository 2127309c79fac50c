package io.kinesislite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.Eventually;
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

class NumberedLogTest {
  @TempDir Path dir;

  @Test
  void aLineNumberIsReadBackOnlyFromTheExactTextWritten() {
    assertThat(NumberedLog.number(NumberedLog.text(123))).isEqualTo(123);
    assertThat(NumberedLog.text(123)).startsWith("line-000000123 ");
    assertThat(NumberedLog.number(NumberedLog.text(123) + "x")).isEqualTo(-1);
    assertThat(NumberedLog.number("line-00000012")).isEqualTo(-1);
    assertThat(NumberedLog.number("something else entirely")).isEqualTo(-1);
  }

  @Test
  void everyLineWrittenIsInTheRotatedFilesOrTheCurrentOneExactlyOnce() throws Exception {
    Path file = dir.resolve("app.log");
    NumberedLog log = new NumberedLog(file, 2_000);
    try {
      log.start();
      List<Path> rotated = new ArrayList<>();
      for (NumberedLog.Rotation how :
          List.of(
              NumberedLog.Rotation.RENAME,
              NumberedLog.Rotation.COPYTRUNCATE,
              NumberedLog.Rotation.COPYTRUNCATE,
              NumberedLog.Rotation.RENAME)) {
        long before = log.written();
        Eventually.within(Duration.ofSeconds(10), "more lines", () -> log.written() > before + 50);
        rotated.add(log.rotate(how).get(10, TimeUnit.SECONDS));
      }
      long written = log.stop();

      assertThat(rotated)
          .extracting(p -> p.getFileName().toString())
          .containsExactly("app.log.001", "app.log.002", "app.log.003", "app.log.004");
      assertThat(log.rotations()).isEqualTo(4);
      List<Long> numbers = new ArrayList<>();
      for (Path p : rotated) {
        numbers.addAll(numbers(p));
      }
      numbers.addAll(numbers(file));
      assertThat(numbers).hasSize((int) written);
      for (int i = 0; i < numbers.size(); i++) {
        assertThat(numbers.get(i)).as("line %d in file order", i).isEqualTo(i);
      }
    } finally {
      log.close();
    }
  }

  private static List<Long> numbers(Path p) throws Exception {
    try (Stream<String> lines = Files.lines(p, StandardCharsets.UTF_8)) {
      return lines.map(NumberedLog::number).toList();
    }
  }
}
