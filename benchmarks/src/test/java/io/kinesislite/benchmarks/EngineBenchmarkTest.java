package io.kinesislite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs each benchmark operation a few times outside JMH, so that a broken benchmark fails the build
 * instead of the next person who wants numbers. It measures nothing.
 */
class EngineBenchmarkTest {

  @ParameterizedTest
  @ValueSource(strings = {"memory", "interval", "always"})
  void everyOperationRunsAndDoesWhatItCounts(String storage) throws IOException {
    EngineBenchmark benchmark = new EngineBenchmark();
    benchmark.storage = storage;
    benchmark.open();
    try {
      benchmark.createWriteStream();
      EngineBenchmark.Writer writer = new EngineBenchmark.Writer();
      writer.prepare();
      assertThat(benchmark.putRecords1Thread(writer).failedCount()).isZero();
      assertThat(benchmark.putRecords4Threads(writer).entries()).hasSize(EngineBenchmark.PUT_BATCH);
      benchmark.deleteWriteStream();
      EngineBenchmark.Reader reader = new EngineBenchmark.Reader();
      // Twice round the shard: every call returns exactly GET_LIMIT records, wrapping included.
      for (int i = 0;
          i < 2 * EngineBenchmark.READ_RECORDS_PER_SHARD / EngineBenchmark.GET_LIMIT;
          i++) {
        assertThat(benchmark.getRecords1Thread(reader).records())
            .hasSize(EngineBenchmark.GET_LIMIT);
      }
    } finally {
      benchmark.close();
    }
  }
}
