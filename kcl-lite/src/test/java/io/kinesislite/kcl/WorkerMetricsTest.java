package io.kinesislite.kcl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The worker's Micrometer meters move with what it does. */
class WorkerMetricsTest {
  private static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  private static ConsumerConfig config() {
    return ConsumerConfig.builder()
        .applicationName("app")
        .streamName("s")
        .workerId("w1")
        .initialPosition(InitialPosition.trimHorizon())
        .takeInterval(Duration.ofMillis(100))
        .idleWait(Duration.ofMillis(50))
        .build();
  }

  @Test
  void processingCheckpointingAndLeasesShowInTheMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger seen = new AtomicInteger();
    try (ShardEngine engine =
            ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
        KinesisTransport kinesis = EmbeddedTransport.over(engine);
        EmbeddedLeaseStore leases = EmbeddedLeaseStore.inMemory()) {
      await(kinesis.createStream("s", 2));
      List<PutEntry> entries = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        entries.add(PutEntry.of("k" + i, new byte[10]));
      }
      await(kinesis.putRecords("s", entries));
      ConsumerConfig config = config();
      try (Worker worker =
          Worker.create(
              config,
              kinesis,
              leases,
              shard ->
                  new RecordProcessor() {
                    @Override
                    public void initialize(String shardId, Checkpoint start) {}

                    @Override
                    public void processRecords(
                        List<ConsumerRecord> records, Checkpointer checkpointer, long behind) {
                      seen.addAndGet(records.size());
                      checkpointer.checkpoint();
                    }

                    @Override
                    public void leaseLost() {}

                    @Override
                    public void shardEnded(Checkpointer checkpointer) {
                      checkpointer.checkpoint();
                    }

                    @Override
                    public void shutdownRequested(Checkpointer checkpointer) {}
                  },
              registry)) {
        worker.start();
        eventually("100 processed", () -> seen.get() >= 100);
        eventually(
            "the counters caught up",
            () ->
                registry.find("kinesislite.consumer.records.processed").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum()
                    >= 100);
        assertThat(
                registry.find("kinesislite.consumer.bytes.processed").counters().stream()
                    .mapToDouble(c -> c.count())
                    .sum())
            .isEqualTo(1_000.0);
        assertThat(registry.get("kinesislite.consumer.leases.held").gauge().value()).isEqualTo(2);
        assertThat(registry.get("kinesislite.consumer.lease.takes").functionCounter().count())
            .isEqualTo(2);
        assertThat(registry.get("kinesislite.consumer.checkpoint.latency").timer().count())
            .isPositive();
        assertThat(
                registry
                    .get("kinesislite.consumer.leasestore.calls")
                    .tags("operation", "checkpoint", "outcome", "success")
                    .counter()
                    .count())
            .isPositive();
        assertThat(registry.find("kinesislite.consumer.millis.behind.latest").gauges()).hasSize(2);
      }
    }
  }

  @Test
  void readsThatKeepFailingAreCountedPerShardAndErrorType() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ShardEngine engine =
            ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
        KinesisTransport real = EmbeddedTransport.over(engine);
        EmbeddedLeaseStore leases = EmbeddedLeaseStore.inMemory()) {
      await(real.createStream("s", 1));
      KinesisTransport failingReads =
          InterceptedReads.over(
              real,
              page ->
                  java.util.concurrent.CompletableFuture.failedFuture(
                      new io.kinesislite.transport.ServiceFailureException(
                          "a damaged segment (test)", "InternalFailure", null)));
      ConsumerConfig config = config();
      try (Worker worker =
          Worker.create(config, failingReads, leases, shard -> new NothingProcessor(), registry)) {
        worker.start();
        eventually(
            "three failed reads counted",
            () ->
                registry.find("kinesislite.consumer.read.failures").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum()
                    >= 3);
        assertThat(
                registry
                    .get("kinesislite.consumer.read.failures")
                    .tags("shard", "shardId-000000000000", "error", "ServiceFailureException")
                    .counter()
                    .count())
            .isGreaterThanOrEqualTo(3);
      }
    }
  }

  /** Processes nothing; these tests watch the meters. */
  private static final class NothingProcessor implements RecordProcessor {
    @Override
    public void initialize(String shardId, Checkpoint start) {}

    @Override
    public void processRecords(
        List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {}

    @Override
    public void leaseLost() {}

    @Override
    public void shardEnded(Checkpointer checkpointer) {
      checkpointer.checkpoint();
    }

    @Override
    public void shutdownRequested(Checkpointer checkpointer) {}
  }
}
