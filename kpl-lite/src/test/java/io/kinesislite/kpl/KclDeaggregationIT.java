package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.HashKeys;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * What kpl-lite writes with aggregation on, the real KCL (3.5.1) reads back: its {@link
 * AggregatorUtil}, called with each shard's hash-key range as the KCL's ProcessTask calls it (so
 * that an aggregate with any member outside the shard would be dropped whole), finds every user
 * record at the sequence and sub-sequence number its future reported, with the same partition key,
 * explicit hash key and data; nothing more, nothing less.
 */
class KclDeaggregationIT {
  private static final String STREAM = "kcl-reads-kpl-lite";
  private static final int SHARDS = 4;
  private static final int BULK_RECORDS = 1_200;
  private static final int BIG_RECORD_BYTES = 60 * 1024; // over AggregationMaxSize: goes alone
  private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

  /** What was added, and the future that says where it went. */
  private record Sent(
      String partitionKey,
      String explicitHashKey,
      byte[] data,
      CompletableFuture<RecordResult> future) {}

  private ShardEngine engine;
  private KinesisTransport kinesis;

  @BeforeEach
  void open() {
    engine = ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
    kinesis = EmbeddedTransport.over(engine);
    await(kinesis.createStream(STREAM, SHARDS));
    await(kinesis.awaitStreamActive(STREAM, Duration.ofSeconds(30)));
  }

  @AfterEach
  void close() {
    kinesis.close();
    engine.close();
  }

  @Test
  void theKclDeaggregatesEveryRecordWithItsKeysDataAndSubSequenceNumber() {
    List<Shard> shards = await(kinesis.listShards(STREAM));
    assertThat(shards).hasSize(SHARDS);
    List<String> partitionKeys =
        List.of(
            "user-0",
            "user-1",
            "user-2",
            "user-3",
            "user-4",
            "a", // the partition key aggregates travel under
            "ключ-1",
            "鍵🔑",
            "\u00e9", // é precomposed ...
            "e\u0301", // ... and decomposed: other bytes, another hash
            "ü".repeat(256)); // the longest key there is, 512 bytes in UTF-8
    List<String> explicitHashKeys = explicitHashKeys(shards);
    Random random = new Random(20_260_331);
    List<Sent> sent = new ArrayList<>();

    ProducerConfig config =
        ProducerConfig.builder()
            .aggregationEnabled(true)
            .recordMaxBufferedTime(Duration.ofMillis(200))
            .build();
    try (KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
      // The first records wait for the shard map and may go alone; let the map arrive first.
      sent.add(add(producer, "warm-up", null, utf8("warm-up")));
      producer.flushSync();

      for (int i = 0; i < BULK_RECORDS; i++) {
        String key = partitionKeys.get(random.nextInt(partitionKeys.size()));
        String ehk = i % 4 == 0 ? explicitHashKeys.get(i / 4 % explicitHashKeys.size()) : null;
        byte[] data;
        if (i % 9 == 0) {
          data = new byte[0];
        } else if (i % 3 == 0) {
          data = new byte[random.nextInt(2_000)];
          random.nextBytes(data);
        } else {
          data = utf8("record " + i + " für " + key);
        }
        sent.add(add(producer, key, ehk, data));
        if (i == BULK_RECORDS / 3) {
          sent.add(add(producer, "big", null, bigData(random)));
        }
        if (i == 2 * BULK_RECORDS / 3) {
          sent.add(add(producer, "big-ehk", explicitHashKeys.get(0), bigData(random)));
        }
      }
      producer.flushSync();

      // Alone in their shard's buffer, so each is sent as a plain record.
      sent.add(add(producer, "lonely-empty", null, new byte[0]));
      producer.flushSync();
      sent.add(add(producer, "lonely-empty-ehk", explicitHashKeys.get(1), new byte[0]));
      producer.flushSync();
      byte[] lookalike = new byte[40]; // the magic, then no valid aggregate: plain data
      System.arraycopy(MAGIC, 0, lookalike, 0, MAGIC.length);
      sent.add(add(producer, "lonely-lookalike", null, lookalike));
      producer.flushSync();
    }

    Map<String, KinesisClientRecord> read = readWithTheKcl(shards);
    assertThat(read).as("user records the KCL found").hasSize(sent.size());
    for (Sent s : sent) {
      RecordResult result = await(s.future());
      String position =
          position(result.shardId(), result.sequenceNumber(), result.subSequenceNumber());
      KinesisClientRecord kcl = read.remove(position);
      assertThat(kcl)
          .as("the KCL's record at %s, for key %s", position, s.partitionKey())
          .isNotNull();
      assertThat(kcl.partitionKey())
          .as("partition key at %s", position)
          .isEqualTo(s.partitionKey());
      assertThat(bytes(kcl.data())).as("data at %s", position).isEqualTo(s.data());
      assertThat(kcl.sequenceNumber()).isEqualTo(result.sequenceNumber());
      assertThat(kcl.subSequenceNumber())
          .as("sub-sequence number at %s", position)
          .isEqualTo(result.subSequenceNumber());
      // Inside an aggregate the KCL reports the explicit hash key given, in canonical decimal as
      // the
      // KPL sends it ("000123" becomes "123"), or null when none was given (not the MD5 of the
      // key). A plain record carries none on the wire: Kinesis does not
      // return it, so the KCL reports null; its shard shows it was routed by it.
      if (kcl.aggregated()) {
        assertThat(kcl.explicitHashKey())
            .as("explicit hash key at %s", position)
            .isEqualTo(canonical(s.explicitHashKey()));
      } else {
        assertThat(kcl.explicitHashKey()).as("explicit hash key at %s", position).isNull();
        assertThat(result.subSequenceNumber()).isZero();
      }
      assertThat(rangeOf(shards, result.shardId()).contains(hashKey(s)))
          .as("%s owns the hash key of %s", result.shardId(), s.partitionKey())
          .isTrue();
    }
    assertThat(read).as("user records the KCL found that no future reported").isEmpty();

    assertThat(sent)
        .as("records that shared an aggregate")
        .filteredOn(s -> s.future().join().subSequenceNumber() > 0)
        .hasSizeGreaterThan(BULK_RECORDS / 2);
    assertThat(sent)
        .as("explicit hash keys inside aggregates")
        .filteredOn(s -> s.explicitHashKey() != null && s.future().join().subSequenceNumber() > 0)
        .isNotEmpty();
    assertThat(sent)
        .as("empty records inside aggregates")
        .filteredOn(s -> s.data().length == 0 && s.future().join().subSequenceNumber() > 0)
        .isNotEmpty();
  }

  @Test
  void aRecordTooBigToShareAnAggregateIsReadAsAPlainRecord() {
    List<Shard> shards = await(kinesis.listShards(STREAM));
    Random random = new Random(7);
    List<Sent> sent = new ArrayList<>();
    try (KinesisProducer producer =
        KinesisProducer.create(
            ProducerConfig.builder().recordMaxBufferedTime(Duration.ofMillis(200)).build(),
            kinesis)) {
      sent.add(add(producer, "warm-up", null, utf8("warm-up")));
      producer.flushSync();
      for (int i = 0; i < 20; i++) {
        sent.add(add(producer, "same-key", null, utf8("small " + i)));
      }
      Sent big = add(producer, "same-key", null, bigData(random));
      sent.add(big);
      for (int i = 0; i < 20; i++) {
        sent.add(add(producer, "same-key", null, utf8("after " + i)));
      }
      producer.flushSync();

      RecordResult bigResult = await(big.future());
      Map<String, KinesisClientRecord> read = readWithTheKcl(shards);
      KinesisClientRecord kcl =
          read.get(position(bigResult.shardId(), bigResult.sequenceNumber(), 0));
      assertThat(kcl).isNotNull();
      assertThat(kcl.aggregated()).as("the KCL saw an aggregate").isFalse();
      assertThat(bytes(kcl.data())).isEqualTo(big.data());
      assertThat(read).hasSize(sent.size());
      long sharing =
          sent.stream()
              .map(s -> await(s.future()))
              .filter(r -> r.sequenceNumber().equals(bigResult.sequenceNumber()))
              .count();
      assertThat(sharing).as("user records in the big record's Kinesis record").isEqualTo(1);
    }
  }

  private static Sent add(KinesisProducer producer, String key, String ehk, byte[] data) {
    CompletableFuture<RecordResult> future =
        ehk == null
            ? producer.add(STREAM, key, ByteBuffer.wrap(data))
            : producer.add(STREAM, key, ehk, ByteBuffer.wrap(data));
    return new Sent(key, ehk, data, future);
  }

  // Each shard's first, middle and last hash key, and one with leading zeros, which travels in
  // canonical form, as the KPL sends it.
  private static List<String> explicitHashKeys(List<Shard> shards) {
    List<String> keys = new ArrayList<>();
    for (Shard shard : shards) {
      HashKeyRange range = shard.hashKeyRange();
      keys.add(range.start().toString());
      keys.add(range.start().add(range.end()).shiftRight(1).toString());
      keys.add(range.end().toString());
    }
    keys.add("000123");
    return keys;
  }

  /**
   * Reads every shard from the trim horizon and hands its records to the KCL as the KCL gets them
   * from GetRecords (no explicit hash key: Kinesis does not return it); keyed by position.
   */
  private Map<String, KinesisClientRecord> readWithTheKcl(List<Shard> shards) {
    AggregatorUtil aggregatorUtil = new AggregatorUtil();
    Map<String, KinesisClientRecord> byPosition = new HashMap<>();
    for (Shard shard : shards) {
      List<KinesisClientRecord> records = new ArrayList<>();
      String iterator =
          await(kinesis.getShardIterator(STREAM, shard.shardId(), StartingPosition.trimHorizon()));
      while (iterator != null) {
        GetRecordsResult page = await(kinesis.getRecords(iterator, 10_000));
        for (StreamRecord r : page.records()) {
          records.add(
              KinesisClientRecord.builder()
                  .sequenceNumber(r.sequenceNumber())
                  .approximateArrivalTimestamp(r.arrivalTime())
                  .data(ByteBuffer.wrap(r.dataBytes()))
                  .partitionKey(r.partitionKey())
                  .explicitHashKey(null)
                  .build());
        }
        iterator = page.records().isEmpty() ? null : page.nextShardIterator().orElse(null);
      }
      HashKeyRange range = shard.hashKeyRange();
      for (KinesisClientRecord user :
          aggregatorUtil.deaggregate(records, range.start(), range.end())) {
        String position =
            position(shard.shardId(), user.sequenceNumber(), user.subSequenceNumber());
        assertThat(byPosition.put(position, user)).as("two user records at %s", position).isNull();
      }
    }
    return byPosition;
  }

  private static String position(String shardId, String sequenceNumber, long subSequenceNumber) {
    return shardId + "/" + sequenceNumber + "/" + subSequenceNumber;
  }

  private static HashKeyRange rangeOf(List<Shard> shards, String shardId) {
    return shards.stream()
        .filter(s -> s.shardId().equals(shardId))
        .findFirst()
        .orElseThrow()
        .hashKeyRange();
  }

  private static String canonical(String explicitHashKey) {
    return explicitHashKey == null ? null : new BigInteger(explicitHashKey).toString();
  }

  private static BigInteger hashKey(Sent s) {
    return HashKeys.effective(s.partitionKey(), s.explicitHashKey());
  }

  private static byte[] bigData(Random random) {
    byte[] data = new byte[BIG_RECORD_BYTES];
    random.nextBytes(data);
    return data;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
