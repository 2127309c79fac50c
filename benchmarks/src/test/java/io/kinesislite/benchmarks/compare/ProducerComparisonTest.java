package io.kinesislite.benchmarks.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The producer comparison's arithmetic and command line, without starting anything. */
class ProducerComparisonTest {
  @Test
  void percentileIsTheNearestRank() {
    long[] sorted = new long[100];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = i + 1;
    }
    assertThat(ProducerSideMain.percentile(sorted, 0.50)).isEqualTo(50);
    assertThat(ProducerSideMain.percentile(sorted, 0.99)).isEqualTo(99);
    assertThat(ProducerSideMain.percentile(new long[] {7}, 0.99)).isEqualTo(7);
    assertThat(ProducerSideMain.percentile(new long[0], 0.5)).isEqualTo(-1);
  }

  @Test
  void bothSidesGetTheSameKeys() {
    String[] keys = ProducerSideMain.keys();
    assertThat(keys).hasSize(ProducerSideMain.KEYS).isEqualTo(ProducerSideMain.keys());
    assertThat(java.util.Set.of(keys)).hasSizeGreaterThan(ProducerSideMain.KEYS - 10);
  }

  @Test
  void aSideNeedsEitherACountOrARate() {
    String[] common = {
      "--impl",
      "kpl-lite",
      "--port",
      "1",
      "--stream",
      "s",
      "--result",
      "r",
      "--work",
      "w",
      "--warmup-records",
      "10"
    };
    assertThatThrownBy(() -> ProducerSideMain.Options.parse(common))
        .hasMessageContaining("--records or --rate");
    String[] both = concat(common, "--records", "5", "--rate", "5");
    assertThatThrownBy(() -> ProducerSideMain.Options.parse(both))
        .hasMessageContaining("--records or --rate");
    assertThat(ProducerSideMain.Options.parse(concat(common, "--records", "5")).records)
        .isEqualTo(5);
  }

  @Test
  void warmUpRunsAreAQuarterOfAMeasuredRunAndTheSettingsNameBothSides() {
    for (Mode mode : Mode.values()) {
      ProducerComparison.Workload w = ProducerComparison.Workload.of(mode);
      assertThat(ProducerComparison.warmupRunRecords(w))
          .isEqualTo(Math.max(w.warmupRecords(), w.records() / 4));
      assertThat(new ProducerComparison().settings(mode))
          .contains("KPL 1.0.7", "kpl-lite", "RateLimit=150", "VerifyCertificate=false")
          .contains(String.format(java.util.Locale.ROOT, "%,d records", w.records()));
    }
    assertThat(ProducerComparison.ceiling()).isGreaterThan(100_000);
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
