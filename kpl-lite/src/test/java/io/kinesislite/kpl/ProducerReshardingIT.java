package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.testkit.StreamContents;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.HashKeys;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A split while the producer works: its shard map goes stale, aggregates meant for the parent land
 * on a child, and the producer must notice, refresh its map, and resend what a range-checking
 * consumer would drop, so that every record ends where its result says, on a shard that owns it.
 */
class ProducerReshardingIT {

  @Test
  void aSplitMidwayLeavesEveryRecordOnAShardThatOwnsIt() {
    try (ShardEngine engine =
            ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
        KinesisTransport kinesis = EmbeddedTransport.over(engine);
        KinesisProducer producer = KinesisProducer.create(ProducerConfig.defaults(), kinesis)) {
      await(kinesis.createStream("moving", 1));
      List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
      Map<Integer, String> keyOf = new HashMap<>();
      for (int i = 0; i < 500; i++) {
        keyOf.put(i, "key-" + i);
        futures.add(producer.add("moving", "key-" + i, bytes("before-" + i)));
      }
      producer.flushSync();
      Shard parent = await(kinesis.listShards("moving")).get(0);
      await(
          kinesis.splitShard("moving", parent.shardId(), HashKeyRange.MAX_HASH_KEY.shiftRight(1)));
      for (int i = 500; i < 2_000; i++) {
        keyOf.put(i, "key-" + i);
        futures.add(producer.add("moving", "key-" + i, bytes("after-" + i)));
      }
      producer.flushSync();

      // The stale map sent aggregates meant for the parent; some landed on a child that did not
      // own all their members, and those members went again.
      assertThat(futures)
          .anySatisfy(
              f ->
                  assertThat(f.join().attempts())
                      .anyMatch(a -> a.errorCode().equals(java.util.Optional.of("Wrong Shard"))));
      Map<String, HashKeyRange> ranges = new HashMap<>();
      for (Shard s : await(kinesis.listShards("moving"))) {
        ranges.put(s.shardId(), s.hashKeyRange());
      }
      Map<String, StreamContents.Stored> stored = new HashMap<>();
      for (StreamContents.Stored s : StreamContents.read(kinesis, "moving")) {
        stored.put(s.position(), s);
      }
      for (int i = 0; i < futures.size(); i++) {
        RecordResult r = futures.get(i).join();
        StreamContents.Stored s = stored.get(r.sequenceNumber() + "/" + r.subSequenceNumber());
        assertThat(s).as("record %d at its reported position", i).isNotNull();
        assertThat(s.partitionKey()).isEqualTo(keyOf.get(i));
        BigInteger hash = HashKeys.of(keyOf.get(i));
        assertThat(ranges.get(r.shardId()).contains(hash))
            .as("record %d is on a shard that owns its key", i)
            .isTrue();
        if (i >= 500) {
          assertThat(r.shardId()).as("after the split, a child").isNotEqualTo(parent.shardId());
        }
      }
    }
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }
}
