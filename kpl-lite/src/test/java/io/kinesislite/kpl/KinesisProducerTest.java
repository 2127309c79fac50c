package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.transport.AggregateDecoder;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import io.kinesislite.transport.UserRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The producer against the in-memory engine: what it puts is what a reader finds. */
class KinesisProducerTest {
  private ShardEngine engine;
  private KinesisTransport kinesis;

  @BeforeEach
  void open() {
    engine = ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
    kinesis = EmbeddedTransport.over(engine);
    await(kinesis.createStream("s", 4));
  }

  @AfterEach
  void close() {
    kinesis.close();
    engine.close();
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aggregatedRecordsArriveWhereTheirResultsSayWithTheirSubSequenceNumbers() {
    List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
    try (KinesisProducer producer =
        KinesisProducer.create(
            ProducerConfig.builder().recordMaxBufferedTime(Duration.ofMillis(20)).build(),
            kinesis)) {
      for (int i = 0; i < 2_000; i++) {
        futures.add(producer.add("s", "key-" + (i % 37), bytes("value-" + i)));
      }
      producer.flushSync();
      assertThat(producer.outstandingRecords()).isZero();
    }
    Map<String, String> stored = readAll(); // "sequence/subSequence" -> data
    for (int i = 0; i < futures.size(); i++) {
      RecordResult result = futures.get(i).join();
      assertThat(result.attempts()).isNotEmpty().last().matches(Attempt::isSuccessful);
      assertThat(stored.get(result.sequenceNumber() + "/" + result.subSequenceNumber()))
          .as("record %d", i)
          .isEqualTo("value-" + i);
    }
    assertThat(stored).hasSize(2_000);
    long aggregated = futures.stream().filter(f -> f.join().subSequenceNumber() > 0).count();
    assertThat(aggregated).as("records shared aggregates").isPositive();
  }

  @Test
  void withAggregationOffEveryRecordTravelsAlone() {
    List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
    try (KinesisProducer producer =
        KinesisProducer.create(
            ProducerConfig.builder().aggregationEnabled(false).build(), kinesis)) {
      for (int i = 0; i < 300; i++) {
        futures.add(producer.add("s", "key-" + i, bytes("v" + i)));
      }
      producer.flushSync();
    }
    assertThat(futures).allSatisfy(f -> assertThat(f.join().subSequenceNumber()).isZero());
    assertThat(readAll()).hasSize(300);
  }

  @Test
  void noFutureIsLeftPendingAfterClose() {
    List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
    KinesisProducer producer =
        KinesisProducer.create(
            ProducerConfig.builder().recordMaxBufferedTime(Duration.ofSeconds(30)).build(),
            kinesis);
    for (int i = 0; i < 1_000; i++) {
      futures.add(producer.add("s", "k" + i, bytes("x")));
    }
    producer.close();
    assertThat(futures).allMatch(CompletableFuture::isDone);
    assertThat(futures).allMatch(f -> !f.isCompletedExceptionally());
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .noneMatch(n -> n.startsWith("kinesis-lite-producer"));
  }

  @Test
  void recordsAddedBeforeTheShardMapArrivesStayAheadOfLaterOnes() {
    List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
    try (KinesisProducer producer =
        KinesisProducer.create(
            ProducerConfig.builder().recordMaxBufferedTime(Duration.ofMillis(50)).build(),
            kinesis)) {
      for (int i = 0; i < 500; i++) {
        futures.add(producer.add("s", "one-key", bytes("v" + i)));
      }
      producer.flushSync();
    }
    for (int i = 1; i < futures.size(); i++) {
      RecordResult a = futures.get(i - 1).join();
      RecordResult b = futures.get(i).join();
      int bySequence =
          new java.math.BigInteger(a.sequenceNumber())
              .compareTo(new java.math.BigInteger(b.sequenceNumber()));
      assertThat(
              bySequence < 0 || (bySequence == 0 && a.subSequenceNumber() < b.subSequenceNumber()))
          .as("record %d stored before record %d", i - 1, i)
          .isTrue();
    }
  }

  @Test
  void flushSyncFromARecordsCallbackFailsClearlyInsteadOfWaitingForItself() throws Exception {
    try (KinesisProducer producer =
        KinesisProducer.create(
            ProducerConfig.builder().recordMaxBufferedTime(Duration.ofSeconds(30)).build(),
            kinesis)) {
      // Once the shard map is known, a record waits for flush(), so the callback below is attached
      // before the record completes and runs on a callback thread, not on this one.
      producer.add("s", "k", bytes("warm-up"));
      producer.flushSync();
      CompletableFuture<Throwable> seen = new CompletableFuture<>();
      producer
          .add("s", "k", bytes("x"))
          .thenRun(
              () -> {
                try {
                  producer.flushSync();
                  seen.complete(null);
                } catch (IllegalStateException e) {
                  seen.complete(e);
                }
              });
      producer.flush();
      assertThat(seen.get(10, java.util.concurrent.TimeUnit.SECONDS))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("callback");
    }
  }

  @Test
  void whenFlushSyncReturnsEveryEarlierFutureIsComplete() {
    try (KinesisProducer producer = KinesisProducer.create(ProducerConfig.defaults(), kinesis)) {
      for (int round = 0; round < 50; round++) {
        List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          futures.add(producer.add("s", "k" + i, bytes("v")));
        }
        producer.flushSync();
        assertThat(futures).as("round %d", round).allMatch(CompletableFuture::isDone);
      }
    }
  }

  private Map<String, String> readAll() {
    Map<String, String> stored = new HashMap<>();
    for (Shard shard : await(kinesis.listShards("s"))) {
      String iterator =
          await(kinesis.getShardIterator("s", shard.shardId(), StartingPosition.trimHorizon()));
      while (true) {
        GetRecordsResult page = await(kinesis.getRecords(iterator, 10_000));
        for (StreamRecord r : page.records()) {
          byte[] data = r.dataBytes();
          if (AggregateDecoder.isAggregated(data)) {
            for (UserRecord u : AggregateDecoder.decode(data)) {
              stored.put(
                  r.sequenceNumber() + "/" + u.subSequenceNumber(),
                  new String(u.dataBytes(), StandardCharsets.UTF_8));
            }
          } else {
            stored.put(r.sequenceNumber() + "/0", new String(data, StandardCharsets.UTF_8));
          }
        }
        if (page.records().isEmpty()) {
          break;
        }
        iterator = page.nextShardIterator().orElseThrow();
      }
    }
    return stored;
  }
}
