package io.kinesislite.benchmarks.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer comparison in smoke mode: kcl-lite and the real KCL 3.5.1, 2 worker processes each,
 * on serve and DynamoDB Local, a 10,000-record backlog and shortened timings on both sides. It
 * proves that every phase runs and gives a figure for both sides; it asserts no speed.
 */
class ConsumerComparisonIT {
  @Test
  void smokeRunGivesEveryRowAFigureForBothSides(@TempDir Path work) throws Exception {
    Path peerLib = Path.of(System.getProperty("basedir", "."), "target", "peer-lib");
    Workspace workspace = new Workspace(work, Optional.of(peerLib));

    List<Row> rows = new ConsumerComparison().run(Mode.SMOKE, workspace);

    Report report = new Report(Mode.SMOKE, "ConsumerComparisonIT");
    report.add(new ConsumerComparison(), rows);
    report.print(System.out);
    assertThat(rows).hasSize(6);
    for (Row row : rows) {
      assertThat(row.comparison()).isEqualTo("consumer");
      assertThat(row.kinesisLite()).as("kcl-lite: %s", row.metric()).isFinite().isNotNegative();
      assertThat(row.peer()).as("KCL: %s", row.metric()).isFinite().isNotNegative();
    }
  }
}
