package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.testkit.StreamContents;
import io.kinesislite.transport.KinesisTransport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Five times a shard's write limit, offered steadily to one shard of the engine with limits on (512
 * records of 1 KiB every 100 ms, 5 MiB/s against the shard's 1 MiB/s): every record is delivered or
 * fails with expiry, none is lost or left waiting, and what the stream holds is exactly what was
 * reported delivered.
 *
 * <p>The short form here runs 3 s; {@code -Dkinesislite.long=true} runs the 30 s of the issue.
 */
class ProducerThrottlingIT {
  private static final int RECORD_BYTES = 1024;

  @Test
  void fiveTimesTheShardLimitDeliversOrExpiresEveryRecordAndLosesNone() throws Exception {
    int seconds = Boolean.getBoolean("kinesislite.long") ? 30 : 3;
    // The shard takes 1 MiB/s; offer 5 MiB/s, in ten steps a second, for the whole run.
    int perTick = 5 * 1024 / 10;
    int ticks = seconds * 10;
    int total = perTick * ticks;
    try (ShardEngine engine = ShardEngine.open(EngineConfig.builder().build());
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      await(kinesis.createStream("hot", 1));
      List<CompletableFuture<RecordResult>> futures = new ArrayList<>(total);
      try (KinesisProducer producer =
          KinesisProducer.create(
              ProducerConfig.builder()
                  .recordTtl(Duration.ofSeconds(2))
                  .maxOutstandingBytes(1L << 30)
                  .build(),
              kinesis)) {
        long start = System.nanoTime();
        int i = 0;
        for (int tick = 0; tick < ticks; tick++) {
          // Pace the offer: the next step starts 100 ms after the one before.
          long due = start + TimeUnit.MILLISECONDS.toNanos(100L * tick);
          while (System.nanoTime() - due < 0) {
            LockSupport.parkNanos(due - System.nanoTime());
          }
          for (int n = 0; n < perTick; n++, i++) {
            byte[] data = new byte[RECORD_BYTES];
            data[0] = (byte) i;
            futures.add(producer.add("hot", "key-" + (i % 100), ByteBuffer.wrap(data)));
          }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 30L);
        for (CompletableFuture<RecordResult> f : futures) {
          try {
            f.handle((r, e) -> null)
                .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          } catch (TimeoutException e) {
            throw new AssertionError("a record was left waiting long after its time to live", e);
          }
        }
      }
      Set<String> delivered = new HashSet<>();
      int expired = 0;
      for (CompletableFuture<RecordResult> f : futures) {
        if (f.isCompletedExceptionally()) {
          Throwable cause = f.handle((r, e) -> e).join();
          assertThat(cause).isInstanceOf(RecordExpiredException.class);
          expired++;
        } else {
          RecordResult r = f.join();
          assertThat(delivered.add(r.sequenceNumber() + "/" + r.subSequenceNumber()))
              .as("two records reported at one position")
              .isTrue();
        }
      }
      assertThat(delivered).as("the shard took some").isNotEmpty();
      assertThat(expired).as("five times the limit cannot all fit").isPositive();
      Set<String> stored = new HashSet<>();
      for (StreamContents.Stored s : StreamContents.read(kinesis, "hot")) {
        stored.add(s.position());
      }
      assertThat(stored).isEqualTo(delivered);
    }
  }
}
