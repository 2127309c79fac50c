package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.testkit.ManualClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Collection into put-many calls: records wait for their buffering deadline so that they share a
 * put, unless enough is ready to fill one; with aggregation on or off.
 */
class ProducerBatchingTest {
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

  private static ByteBuffer bytes(int size) {
    return ByteBuffer.wrap(new byte[size]);
  }

  @Test
  void recordsWaitForTheirBufferingDeadlineAndThenShareOnePut() throws Exception {
    ManualClock clock = new ManualClock();
    ProducerConfig config =
        ProducerConfig.builder()
            .aggregationEnabled(false)
            .recordMaxBufferedTime(Duration.ofMillis(100))
            .clock(clock)
            .build();
    try (KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
      primeShardMap(producer);
      List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        futures.add(producer.add("s", "k" + i, bytes(10)));
      }
      // The clock stands still, so no deadline passes and nothing may go.
      assertThat(futures).noneMatch(CompletableFuture::isDone);
      assertThat(kinesis.putSizes).isEmpty();

      clock.advance(Duration.ofMillis(100));
      for (CompletableFuture<RecordResult> f : futures) {
        f.get(10, TimeUnit.SECONDS);
      }
      assertThat(kinesis.putSizes).containsExactly(3);
    }
  }

  @Test
  void aFullPutGoesWithoutWaitingForTheDeadline() throws Exception {
    ProducerConfig config =
        ProducerConfig.builder()
            .aggregationEnabled(false)
            .recordMaxBufferedTime(Duration.ofHours(1))
            .build();
    try (KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
      primeShardMap(producer);
      List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        futures.add(producer.add("s", "k" + i, bytes(10)));
      }
      for (CompletableFuture<RecordResult> f : futures) {
        f.get(10, TimeUnit.SECONDS); // an hour's deadline: only a full put sends them
      }
      assertThat(kinesis.putSizes).containsExactly(500);
    }
  }

  @Test
  void aShardWithAQuarterMebibyteReadySendsEarly() throws Exception {
    ProducerConfig config =
        ProducerConfig.builder()
            .aggregationEnabled(false)
            .recordMaxBufferedTime(Duration.ofHours(1))
            .build();
    try (KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
      primeShardMap(producer);
      List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
      // 262,144 bytes are 256 KiB: 26 records of 10,000 bytes stay under it, the 27th passes it.
      for (int i = 0; i < 27; i++) {
        futures.add(producer.add("s", "k" + i, bytes(10_000)));
      }
      for (CompletableFuture<RecordResult> f : futures) {
        f.get(10, TimeUnit.SECONDS);
      }
      assertThat(kinesis.putSizes).containsExactly(27);
    }
  }

  @Test
  void sealedAggregatesWaitToShareAPut() throws Exception {
    ManualClock clock = new ManualClock();
    ProducerConfig config =
        ProducerConfig.builder()
            .aggregationMaxCount(10)
            .recordMaxBufferedTime(Duration.ofMillis(100))
            .clock(clock)
            .build();
    try (KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
      primeShardMap(producer);
      List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
      for (int i = 0; i < 35; i++) {
        futures.add(producer.add("s", "k" + i, bytes(10)));
      }
      assertThat(futures).noneMatch(CompletableFuture::isDone);

      // The open aggregate's deadline, plus the collection extra of min(50 ms, RMBT / 5).
      clock.advance(Duration.ofMillis(120));
      for (CompletableFuture<RecordResult> f : futures) {
        f.get(10, TimeUnit.SECONDS);
      }
      assertThat(kinesis.putSizes).containsExactly(4); // three full aggregates and the rest
      assertThat(futures)
          .extracting(f -> f.join().sequenceNumber())
          .as("four Kinesis records")
          .containsOnly(
              futures.get(0).join().sequenceNumber(),
              futures.get(10).join().sequenceNumber(),
              futures.get(20).join().sequenceNumber(),
              futures.get(30).join().sequenceNumber());
    }
  }

  @Test
  void theLongestTimesTheKplAcceptsNeverWrapIntoThePast() throws Exception {
    Duration longest = Duration.ofMillis(Long.MAX_VALUE);
    ProducerConfig config =
        ProducerConfig.builder()
            .aggregationEnabled(false)
            .recordMaxBufferedTime(longest)
            .recordTtl(longest)
            .rateLimit(Long.MAX_VALUE)
            .build();
    try (KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
      primeShardMap(producer);
      List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        futures.add(producer.add("s", "k" + i, bytes(10)));
      }
      producer.flushSync(); // only the flush sends them: their deadline is as good as never
      for (CompletableFuture<RecordResult> f : futures) {
        assertThat(f.get(10, TimeUnit.SECONDS).attempts()).hasSize(1);
      }
      assertThat(kinesis.putSizes).containsExactly(10);
    }
  }

  /**
   * An hour's buffering time means only a flush sends anything, so the stream left out of the flush
   * visibly keeps waiting; no timing is involved.
   */
  @Test
  void flushOfOneStreamSendsOnlyThatStream() throws Exception {
    await(kinesis.createStream("other", 1));
    ProducerConfig config =
        ProducerConfig.builder().recordMaxBufferedTime(Duration.ofHours(1)).build();
    try (KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
      producer.add("other", "prime", bytes(1));
      primeShardMap(producer);
      kinesis.puts.clear();
      CompletableFuture<RecordResult> flushed = producer.add("s", "k", bytes(10));
      CompletableFuture<RecordResult> waiting = producer.add("other", "k", bytes(10));

      producer.flush("s");
      flushed.get(10, TimeUnit.SECONDS);
      // The sender has one thread: once a later flush of "s" is done, the round of the first flush
      // is over, and any put it made for "other" would have been recorded.
      CompletableFuture<RecordResult> later = producer.add("s", "k", bytes(10));
      producer.flush("s");
      later.get(10, TimeUnit.SECONDS);

      assertThat(kinesis.puts).extracting(FlakyTransport.Put::stream).containsExactly("s", "s");
      assertThat(waiting).isNotDone();

      producer.flush("other");
      waiting.get(10, TimeUnit.SECONDS);
      assertThat(kinesis.puts)
          .extracting(FlakyTransport.Put::stream)
          .containsExactly("s", "s", "other");
    }
  }

  // A flushed first record makes the producer fetch the stream's shard map, so that later records
  // are predicted for their shard (and aggregated), as with the KPL. It is not counted.
  private void primeShardMap(KinesisProducer producer) {
    producer.add("s", "prime", bytes(1));
    producer.flushSync();
    kinesis.putSizes.clear();
  }
}
