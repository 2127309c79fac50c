package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.transport.KinesisTransport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The producer's own per-shard rate limit keeps it under the shard's limit, aggregation or not, so
 * the stream never has to throttle it; the KPL's limiter did nothing with aggregation off.
 */
class ProducerRateLimitIT {

  @Test
  void atHalfTheShardLimitTheShardNeverThrottlesEvenWithoutAggregation() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (ShardEngine engine = ShardEngine.open(EngineConfig.builder().build());
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      await(kinesis.createStream("paced", 1));
      try (KinesisProducer producer =
          KinesisProducer.create(
              ProducerConfig.builder().aggregationEnabled(false).rateLimit(50).build(),
              kinesis,
              metrics)) {
        for (int i = 0; i < 1_200; i++) {
          producer.add("paced", "k" + i, ByteBuffer.wrap(new byte[10]));
        }
        producer.flushSync();
      }
      assertThat(counter(metrics, "KinesisProducerLibrary.UserRecordsPut")).isEqualTo(1_200);
      assertThat(counter(metrics, "KinesisProducerLibrary.AllErrors")).isZero();
    }
  }

  @Test
  void aProducerAllowedToOutrunTheShardIsThrottledAndStillDeliversEverything() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (ShardEngine engine = ShardEngine.open(EngineConfig.builder().build());
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      await(kinesis.createStream("rushed", 1));
      try (KinesisProducer producer =
          KinesisProducer.create(
              ProducerConfig.builder().aggregationEnabled(false).rateLimit(10_000).build(),
              kinesis,
              metrics)) {
        for (int i = 0; i < 2_500; i++) {
          producer.add("rushed", "k" + i, ByteBuffer.wrap(new byte[10]));
        }
        producer.flushSync();
      }
      assertThat(counter(metrics, "KinesisProducerLibrary.AllErrors")).isPositive();
      assertThat(counter(metrics, "KinesisProducerLibrary.UserRecordsPut")).isEqualTo(2_500);
    }
  }

  private static double counter(SimpleMeterRegistry registry, String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }
}
