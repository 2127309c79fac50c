package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.testkit.StreamContents;
import io.kinesislite.transport.KinesisTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With strict ordering, each partition key's records land in the order they were added, even on a
 * shard that throttles and makes the producer retry; with or without aggregation.
 */
class ProducerOrderingIT {

  @ParameterizedTest(name = "aggregation {0}")
  @ValueSource(booleans = {true, false})
  void strictOrderingKeepsEveryKeysRecordsInOrderThroughThrottling(boolean aggregation) {
    // Without aggregation a shard takes one record per round trip in strict mode; keep it small.
    int perKey = aggregation ? 600 : 60;
    int keys = 8;
    try (ShardEngine engine = ShardEngine.open(EngineConfig.builder().build());
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      await(kinesis.createStream("ordered", 1));
      List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
      try (KinesisProducer producer =
          KinesisProducer.create(
              ProducerConfig.builder()
                  .strictOrdering(true)
                  .aggregationEnabled(aggregation)
                  .aggregationMaxSize(256 * 1024)
                  .rateLimit(10_000) // outrun the shard on purpose: it throttles, we retry
                  .recordTtl(Duration.ofMinutes(2))
                  .maxOutstandingBytes(1L << 30)
                  .build(),
              kinesis)) {
        for (int n = 0; n < perKey; n++) {
          for (int k = 0; k < keys; k++) {
            String value = "key-" + k + "#" + n + "#" + "p".repeat(400);
            futures.add(
                producer.add(
                    "ordered",
                    "key-" + k,
                    ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8))));
          }
        }
        producer.flushSync();
      }
      assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
      Map<String, Integer> next = new HashMap<>();
      for (StreamContents.Stored s : StreamContents.read(kinesis, "ordered")) {
        String[] parts = s.data().split("#");
        int expected = next.getOrDefault(parts[0], 0);
        assertThat(Integer.parseInt(parts[1]))
            .as("next record of %s", parts[0])
            .isEqualTo(expected);
        next.put(parts[0], expected + 1);
      }
      assertThat(next.values()).hasSize(keys).allMatch(count -> count == perKey);
    }
  }
}
