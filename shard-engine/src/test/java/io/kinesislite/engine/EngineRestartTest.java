package io.kinesislite.engine;

import static io.kinesislite.testkit.TransportAssertions.assertFailsWith;
import static io.kinesislite.testkit.TransportAssertions.await;
import static io.kinesislite.testkit.TransportAssertions.bytes;
import static io.kinesislite.testkit.TransportAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamConsumer;
import io.kinesislite.transport.StreamDescription;
import io.kinesislite.transport.ThrottledException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a durable engine brings back after a clean restart: everything. */
class EngineRestartTest {
  @TempDir Path directory;

  private EngineConfig config() {
    return EngineConfig.builder().directory(directory).shardLimit(4).build();
  }

  @Test
  void streamsShardsLineageConsumersRetentionAndRecordsSurviveARestart() {
    List<Shard> shardsBefore;
    StreamConsumer consumerBefore;
    PutResult before;
    try (ShardEngine engine = ShardEngine.open(config());
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      await(kinesis.createStream("kept", 2));
      before = await(kinesis.putRecord("kept", PutEntry.of("k", bytes("before the split"))));
      await(
          kinesis.splitShard(
              "kept",
              before.shardId(),
              middle(await(kinesis.listShards("kept")), before.shardId())));
      await(kinesis.increaseRetention("kept", Duration.ofHours(48)));
      consumerBefore = await(kinesis.registerConsumer("kept", "reader"));
      shardsBefore = await(kinesis.listShards("kept"));
    }

    try (ShardEngine engine = ShardEngine.open(config());
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      StreamDescription description = await(kinesis.describeStream("kept"));
      assertThat(description.retention()).isEqualTo(Duration.ofHours(48));
      assertThat(description.openShardCount()).isEqualTo(3);
      assertThat(description.consumerCount()).isEqualTo(1);
      assertThat(await(kinesis.describeConsumer("kept", "reader"))).isEqualTo(consumerBefore);
      assertThat(await(kinesis.listShards("kept")))
          .containsExactlyInAnyOrderElementsOf(shardsBefore);

      String iterator =
          await(
              kinesis.getShardIterator(
                  "kept",
                  before.shardId(),
                  StartingPosition.atSequenceNumber(before.sequenceNumber())));
      var page = await(kinesis.getRecords(iterator, 10));
      assertThat(page.records()).extracting(r -> text(r)).containsExactly("before the split");
      assertThat(page.isShardEnd()).as("the parent is still closed").isTrue();
      assertThat(page.childShards()).hasSize(2);

      // New shards continue the ordinals; the shard budget counts the three open shards again.
      assertFailsWith(kinesis.createStream("another", 2), ThrottledException.class);
      await(kinesis.createStream("another", 1));
      PutResult after = await(kinesis.putRecord("kept", PutEntry.of("k", bytes("after"))));
      assertThat(shardsBefore).extracting(Shard::shardId).doesNotContain("shardId-000000000004");
      assertThat(after.shardId()).isNotEqualTo(before.shardId());
    }
  }

  private static BigInteger middle(List<Shard> shards, String shardId) {
    HashKeyRange range =
        shards.stream()
            .filter(s -> s.shardId().equals(shardId))
            .findFirst()
            .orElseThrow()
            .hashKeyRange();
    return range.start().add(range.end()).add(BigInteger.ONE).shiftRight(1);
  }
}
