package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.testkit.Eventually;
import io.kinesislite.transport.AggregateDecoder;
import io.kinesislite.transport.HashKeys;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.UserRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kinesis records the producer hands to the transport, captured before they reach the engine:
 * the outer record of an aggregate and a record sent alone as the KPL makes them (reference/kpl.md
 * section 2), aggregates within AggregationMaxSize, and put-many calls within 5 MiB counting
 * partition keys.
 */
class ProducerKinesisRecordsTest {
  private static final long FIVE_MIB = 5L * 1024 * 1024;

  private ShardEngine engine;
  private FlakyTransport kinesis;

  @BeforeEach
  void open() {
    engine = ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
    kinesis = new FlakyTransport(EmbeddedTransport.over(engine));
    await(kinesis.createStream("s", 1));
  }

  @AfterEach
  void close() {
    kinesis.close();
    engine.close();
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private List<PutEntry> entriesPut() {
    List<PutEntry> all = new ArrayList<>();
    for (FlakyTransport.Put put : kinesis.puts) {
      all.addAll(put.entries());
    }
    return all;
  }

  @Test
  void anAggregateGoesWithPartitionKeyAAndTheHashKeyOfItsFirstRecord() throws Exception {
    ProducerConfig config =
        ProducerConfig.builder().recordMaxBufferedTime(Duration.ofHours(1)).build();
    try (KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
      primeShardMap(producer, "s");
      producer.add("s", "first", bytes("one"));
      producer.add("s", "second", "42", bytes("two"));
      producer.flushSync();
      // The first record names its own explicit hash key this time.
      producer.add("s", "third", "0340282366920938463463374607431768211", bytes("three"));
      producer.add("s", "fourth", bytes("four"));
      producer.flushSync();
    }

    List<PutEntry> entries = entriesPut();
    assertThat(entries).hasSize(2);
    PutEntry md5Keyed = entries.get(0);
    assertThat(md5Keyed.partitionKey()).isEqualTo("a");
    // MD5 of the first record's partition key, as an unsigned 128-bit number in decimal.
    assertThat(md5Keyed.explicitHashKey()).contains(HashKeys.of("first").toString());
    assertThat(AggregateDecoder.isAggregated(md5Keyed.data())).isTrue();
    assertThat(AggregateDecoder.decode(md5Keyed.data()))
        .extracting(UserRecord::partitionKey, r -> r.explicitHashKey().orElse(null))
        .containsExactly(tuple("first", null), tuple("second", "42"));

    PutEntry ehkKeyed = entries.get(1);
    assertThat(ehkKeyed.partitionKey()).isEqualTo("a");
    // The first record's explicit hash key, in canonical decimal.
    assertThat(ehkKeyed.explicitHashKey()).contains("340282366920938463463374607431768211");
    assertThat(AggregateDecoder.decode(ehkKeyed.data()))
        .extracting(UserRecord::partitionKey)
        .containsExactly("third", "fourth");
  }

  /**
   * A record alone carries its own partition key and its data as given, never the aggregate magic.
   * The KPL also always sets the explicit hash key, to MD5(pk) in decimal when the user gave none;
   * kinesis-lite sends none then, which routes the same, since Kinesis hashes the partition key
   * itself. The test holds to what routing sees: the effective hash key.
   */
  @Test
  void aRecordAloneCarriesItsOwnKeysAndItsRawData() throws Exception {
    ProducerConfig config =
        ProducerConfig.builder().recordMaxBufferedTime(Duration.ofHours(1)).build();
    try (KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
      primeShardMap(producer, "s");
      producer.add("s", "lonely", bytes("alone")); // alone in its aggregate: sent unaggregated
      producer.flushSync();
      producer.add("s", "pinned", "007", bytes("alone too"));
      producer.flushSync();
    }
    try (KinesisProducer producer =
        KinesisProducer.create(
            ProducerConfig.builder().aggregationEnabled(false).build(), kinesis)) {
      producer.add("s", "unaggregated", bytes("plain"));
      producer.flushSync();
    }

    List<PutEntry> entries = entriesPut();
    assertThat(entries)
        .extracting(PutEntry::partitionKey)
        .containsExactly("lonely", "pinned", "unaggregated");
    assertThat(entries)
        .extracting(e -> new String(e.data(), StandardCharsets.UTF_8))
        .containsExactly("alone", "alone too", "plain");
    assertThat(entries).noneMatch(e -> AggregateDecoder.isAggregated(e.data()));
    assertThat(entries.get(1).explicitHashKey()).contains("7");
    for (PutEntry e : List.of(entries.get(0), entries.get(2))) {
      assertThat(HashKeys.effective(e.partitionKey(), e.explicitHashKey().orElse(null)))
          .as("the hash key the KPL would send for %s", e.partitionKey())
          .isEqualTo(HashKeys.of(e.partitionKey()));
    }
  }

  /**
   * Sizes, partition keys (multi-byte ones too) and explicit hash keys vary, so that the encoder's
   * size estimate is tested at the limit from many sides; most aggregates come close to it.
   */
  @Test
  void noAggregateIsLargerThanAggregationMaxSize() throws Exception {
    int maxSize = 4096;
    ProducerConfig config =
        ProducerConfig.builder()
            .aggregationMaxSize(maxSize)
            .recordMaxBufferedTime(Duration.ofHours(1))
            .build();
    Random random = new Random(7);
    List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
    try (KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
      primeShardMap(producer, "s");
      for (int i = 0; i < 1_000; i++) {
        String pk = (i % 3 == 0 ? "ключ-" : "key-") + "x".repeat(random.nextInt(40)) + i;
        byte[] data = new byte[1 + random.nextInt(700)];
        random.nextBytes(data);
        futures.add(
            i % 4 == 0
                ? producer.add("s", pk, String.valueOf(i * 1_000_003L), ByteBuffer.wrap(data))
                : producer.add("s", pk, ByteBuffer.wrap(data)));
      }
      producer.flushSync();
    }
    for (CompletableFuture<RecordResult> f : futures) {
      f.get(10, TimeUnit.SECONDS);
    }

    int userRecords = 0;
    int aggregates = 0;
    int nearlyFull = 0;
    for (PutEntry e : entriesPut()) {
      if (AggregateDecoder.isAggregated(e.data())) {
        assertThat(e.data().length).as("aggregate size").isLessThanOrEqualTo(maxSize);
        userRecords += AggregateDecoder.decode(e.data()).size();
        aggregates++;
        nearlyFull += e.data().length > maxSize - 800 ? 1 : 0;
      } else {
        userRecords++;
      }
    }
    assertThat(userRecords).isEqualTo(1_000);
    assertThat(aggregates).isGreaterThan(50);
    // Each aggregate but the last was sealed because the next record did not fit.
    assertThat(nearlyFull)
        .as("aggregates within one record of the limit")
        .isGreaterThanOrEqualTo(aggregates - 1);
  }

  /**
   * 40 records of 128 KiB, each on a shard of its own, are exactly 5 MiB of data; their partition
   * keys take them over it, so they must not share one put-many call. Records near 1 MiB would not
   * test this: each alone passes the 256 KiB at which a shard sends early, and the shard's rate
   * limit lets about one through at a time, so they would rarely meet in a call. Here no shard
   * reaches 256 KiB and the buffering time is an hour, so nothing goes until all 40 are there and
   * the sender must split them.
   */
  @Test
  void aPutManyCallNeverHoldsMoreThanFiveMebibytesCountingPartitionKeys() throws Exception {
    await(kinesis.createStream("wide", 40));
    List<Shard> shards = await(kinesis.listShards("wide"));
    ProducerConfig config =
        ProducerConfig.builder()
            .aggregationEnabled(false)
            .recordMaxBufferedTime(Duration.ofHours(1))
            .build();
    List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
    try (KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
      primeShardMap(producer, "wide");
      for (int i = 0; i < shards.size(); i++) {
        String shardStart = shards.get(i).hashKeyRange().start().toString();
        String pk = String.format("key-%02d", i);
        futures.add(producer.add("wide", pk, shardStart, ByteBuffer.wrap(new byte[128 * 1024])));
      }
      // 5 MiB of keys and data are ready: the sender puts as much as one call can take at once.
      Eventually.within(
          Duration.ofSeconds(10), "a put of the 40 records", () -> !kinesis.puts.isEmpty());
      producer.flushSync(); // what did not fit waits for its deadline, or a flush
    }
    assertThat(shards).hasSize(40);
    assertThat(kinesis.puts)
        .allSatisfy(p -> assertThat(p.countedBytes()).isLessThanOrEqualTo(FIVE_MIB));
    assertThat(kinesis.putSizes).containsExactly(39, 1);
    for (CompletableFuture<RecordResult> f : futures) {
      f.get(10, TimeUnit.SECONDS);
    }
  }

  // A flushed first record makes the producer fetch the stream's shard map, so that later records
  // are predicted for their shard (and aggregated), as with the KPL. It is not counted.
  private void primeShardMap(KinesisProducer producer, String stream) {
    producer.add(stream, "prime", ByteBuffer.wrap(new byte[1]));
    producer.flushSync();
    kinesis.puts.clear();
    kinesis.putSizes.clear();
  }
}
