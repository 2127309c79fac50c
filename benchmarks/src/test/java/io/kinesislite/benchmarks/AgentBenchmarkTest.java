package io.kinesislite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the agent benchmark outside JMH on a 1 MiB file, so that a broken benchmark fails the build;
 * it measures nothing.
 */
class AgentBenchmarkTest {
  @ParameterizedTest
  @ValueSource(strings = {"raw", "json"})
  void everyLineOfTheFileIsShippedIntoTheStream(String mode) throws Exception {
    AgentBenchmark benchmark = new AgentBenchmark();
    benchmark.mode = mode;
    benchmark.sizeMiB = 1;
    benchmark.writeFile();
    try {
      assertThat(benchmark.lines()).isEqualTo((1 << 20) / AgentBenchmark.LINE_BYTES);
      for (int i = 0; i < 2; i++) {
        benchmark.startAgent();
        assertThat(benchmark.ship()).isEqualTo(benchmark.lines());
        assertThat(benchmark.storedRecords()).isEqualTo(benchmark.lines());
        benchmark.stopAgent();
      }
    } finally {
      benchmark.deleteFile();
    }
  }
}
