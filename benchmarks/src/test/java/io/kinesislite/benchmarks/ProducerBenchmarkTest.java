package io.kinesislite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.kpl.RecordResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs each benchmark operation a few times outside JMH, so that a broken benchmark fails the build
 * instead of the next person who wants numbers. It measures nothing.
 */
class ProducerBenchmarkTest {

  @ParameterizedTest
  @ValueSource(strings = {"on", "off"})
  void everyOperationDeliversItsWholeBatch(String aggregation) {
    ProducerBenchmark benchmark = new ProducerBenchmark();
    benchmark.aggregation = aggregation;
    benchmark.open();
    try {
      ProducerBenchmark.Writer writer = new ProducerBenchmark.Writer();
      writer.prepare();
      for (IterationType type : IterationType.values()) {
        benchmark.startIteration(new IterationParams(type, 1, TimeValue.seconds(1), 1));
        for (int i = 0; i < 3; i++) {
          assertDelivered(benchmark.add1Thread(writer), aggregation);
          assertDelivered(benchmark.add4Threads(writer), aggregation);
        }
        benchmark.endIteration();
      }
    } finally {
      benchmark.close();
    }
  }

  private static void assertDelivered(RecordResult result, String aggregation) {
    assertThat(result.shardId()).startsWith("shardId-");
    assertThat(result.attempts()).isNotEmpty();
    if (aggregation.equals("off")) {
      assertThat(result.subSequenceNumber()).isZero();
    }
  }
}
