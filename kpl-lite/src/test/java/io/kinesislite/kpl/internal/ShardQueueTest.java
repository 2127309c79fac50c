package io.kinesislite.kpl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.testkit.ManualClock;
import io.kinesislite.transport.HashKeys;
import io.kinesislite.transport.PutEntry;
import org.junit.jupiter.api.Test;

class ShardQueueTest {
  private final ManualClock clock = new ManualClock();

  @Test
  void throttlingSlowsTheShardDownAndSuccessLetsItClimbBack() {
    ShardQueue queue = new ShardQueue("shardId-000000000000", ProducerConfig.defaults(), clock);
    assertThat(queue.rateFactor()).isEqualTo(1.0);
    queue.throttled();
    queue.throttled();
    assertThat(queue.rateFactor()).isCloseTo(0.49, org.assertj.core.data.Offset.offset(1e-9));
    for (int i = 0; i < 100; i++) {
      queue.throttled();
    }
    assertThat(queue.rateFactor()).as("never below a tenth").isEqualTo(0.1);
    for (int i = 0; i < 100; i++) {
      queue.succeeded();
    }
    assertThat(queue.rateFactor()).isEqualTo(1.0);
  }

  @Test
  void aSlowedShardLetsFewerRecordsOutPerSecond() {
    ProducerConfig config =
        ProducerConfig.builder().aggregationEnabled(false).rateLimit(100).build();
    ShardQueue full = new ShardQueue("shardId-000000000000", config, clock);
    ShardQueue slowed = new ShardQueue("shardId-000000000000", config, clock);
    for (int i = 0; i < 20; i++) {
      slowed.throttled();
    }
    for (int i = 0; i < 2_000; i++) {
      full.add(record(i), clock.millis());
      slowed.add(record(i), clock.millis());
    }
    assertThat(sent(full)).isEqualTo(1_000); // one second's worth of tokens
    assertThat(sent(slowed)).isEqualTo(100); // a tenth of it
  }

  private int sent(ShardQueue queue) {
    int total = 0;
    while (true) {
      Batch batch = new Batch(null, 500, 5L << 20);
      queue.collect(batch, clock.millis(), false);
      if (batch.isEmpty()) {
        return total;
      }
      total += batch.records.size();
    }
  }

  private UserRecord record(int i) {
    PutEntry entry = PutEntry.of("k" + i, new byte[1]);
    return new UserRecord(i, "s", entry, HashKeys.of("k" + i), clock.millis(), Long.MAX_VALUE);
  }
}
