package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.ManualClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-shard limit on bytes per second, not only records per second, stepped with a manual
 * clock.
 *
 * <p>Why a clock and not the engine's limits: the producer takes the time for its token buckets
 * from {@link ProducerConfig#clock()}, so with a {@link ManualClock} no tokens come back until the
 * test moves the clock, and each one-second step gives back exactly one second's worth. The test
 * counts the bytes the producer hands the transport (partition keys plus data, as the buckets and
 * Kinesis count them) and checks the bound after every step. Nothing depends on how fast the
 * machine is: the waits only let the sender catch up with the clock, and no wall-clock speed is
 * asserted. Measuring against the engine's own 1 MiB/s would depend on real time instead.
 */
class ProducerRateLimitTest {
  /** RateLimit=50: half of a shard's 1 MiB/s. */
  private static final double BYTES_PER_SECOND = 0.5 * 1024 * 1024;

  /**
   * The bucket starts full. It holds a second's worth, but never less than the largest record
   * (MaxUserRecordSize, 1 MiB by default) plus 1 KiB, so that such a record can always pass.
   */
  private static final double BURST = 1024 * 1024 + 1024;

  private static final int RECORDS = 30;
  private static final int RECORD_BYTES = 100 * 1024;

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

  /**
   * 30 records of 100 KiB are 3 MiB, which at half of 1 MiB/s take four steps of the clock after
   * the first burst. They are 30 records, far below the 500 records/s the same limit allows, so
   * only the bytes bucket can hold them back; without it they would all go at once.
   */
  @Test
  void largeRecordsAreHeldToRateLimitPercentOfAMebibytePerSecondOnTheirShard() {
    ManualClock clock = new ManualClock();
    ProducerConfig config =
        ProducerConfig.builder().aggregationEnabled(false).rateLimit(50).clock(clock).build();
    List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
    try (KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
      primeShardMap(producer);
      for (int i = 0; i < RECORDS; i++) {
        futures.add(
            producer.add("s", String.format("k%02d", i), ByteBuffer.wrap(new byte[RECORD_BYTES])));
      }

      int seconds = 0;
      int delivered = 0;
      while (true) {
        int before = delivered;
        int second = seconds;
        Eventually.within(
            Duration.ofSeconds(10),
            "more records put at second " + second,
            () -> delivered(futures) > before,
            () -> delivered(futures) + " delivered, " + bytesPut() + " bytes put");
        delivered = delivered(futures);
        assertThat(bytesPut())
            .as("bytes put by second %d", seconds)
            .isLessThanOrEqualTo((long) (BURST + BYTES_PER_SECOND * seconds));
        if (delivered == RECORDS) {
          break;
        }
        clock.advance(Duration.ofSeconds(1));
        seconds++;
      }

      long total = bytesPut();
      assertThat(total).isEqualTo(RECORDS * (3L + RECORD_BYTES));
      assertThat(seconds)
          .as("seconds of the clock it took")
          .isGreaterThanOrEqualTo((int) Math.ceil((total - BURST) / BYTES_PER_SECOND));
    }
  }

  private static int delivered(List<CompletableFuture<RecordResult>> futures) {
    return (int) futures.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
  }

  private long bytesPut() {
    return kinesis.puts.stream().mapToLong(FlakyTransport.Put::countedBytes).sum();
  }

  // A flushed first record makes the producer fetch the stream's shard map, so that later records
  // are predicted for their shard, whose rate limit then applies. It is not counted.
  private void primeShardMap(KinesisProducer producer) {
    producer.add("s", "prime", ByteBuffer.wrap(new byte[1]));
    producer.flushSync();
    kinesis.puts.clear();
  }
}
