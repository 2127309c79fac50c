package io.kinesislite.benchmarks;

import io.kinesislite.benchmarks.CountingLeaseStore.Call;
import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.Lease;
import io.kinesislite.kcl.Worker;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/** A backlog of aggregated records, written once per trial, and the workers that drain it. */
@State(Scope.Benchmark)
public class DrainBacklog {
  /** User records in the backlog. */
  @Param("1000000")
  public int records;

  /** Workers draining it, in this JVM, sharing one lease table. */
  @Param({"1", "2"})
  public int workers;

  private ShardEngine engine;
  private KinesisTransport kinesis;
  private List<Shard> shards;

  // Per iteration, touched only by JMH's fixture calls and the benchmark thread.
  private EmbeddedLeaseStore leases;
  private final List<CountingLeaseStore> stores = new ArrayList<>();
  private final List<Worker> running = new ArrayList<>();
  private Progress progress;
  private IterationType iterationType;
  private int iteration;
  private long nanosAtStart;
  private long cpuAtStart;
  private double measuredSeconds;
  private double measuredCpuSeconds;
  private long measuredRecords;

  @Setup(Level.Trial)
  public void open() {
    if (records < 1) {
      throw new IllegalArgumentException("records must be at least 1: " + records);
    }
    if (workers < 1 || workers > ConsumerBenchmark.SHARDS) {
      throw new IllegalArgumentException(
          "workers must be 1 to " + ConsumerBenchmark.SHARDS + ": " + workers);
    }
    engine = ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
    kinesis = EmbeddedTransport.over(engine);
    kinesis.createStream(ConsumerBenchmark.STREAM, ConsumerBenchmark.SHARDS).join();
    shards = kinesis.listShards(ConsumerBenchmark.STREAM).join();
    long start = System.nanoTime();
    long kinesisRecords = produce();
    System.out.printf(
        Locale.ROOT,
        "%sdrain workers=%d: wrote %,d user records in %,d Kinesis records in %.1f s%n",
        ConsumerBenchmark.PREFIX,
        workers,
        records,
        kinesisRecords,
        (System.nanoTime() - start) / 1e9);
  }

  // Writes the backlog through kpl-lite, aggregated; returns how many Kinesis records carry it.
  private long produce() {
    Random random = new Random(42);
    String[] keys = new String[ConsumerBenchmark.KEYS];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = Long.toHexString(random.nextLong());
    }
    byte[] data = new byte[ConsumerBenchmark.RECORD_BYTES];
    long kinesisRecords = 0;
    try (KinesisProducer producer =
        KinesisProducer.create(
            ProducerConfig.builder().aggregationEnabled(true).rateLimit(Long.MAX_VALUE).build(),
            kinesis)) {
      List<CompletableFuture<RecordResult>> futures =
          new ArrayList<>(ConsumerBenchmark.PRODUCE_CHUNK);
      for (int written = 0; written < records; written += futures.size()) {
        futures.clear();
        int chunk = Math.min(ConsumerBenchmark.PRODUCE_CHUNK, records - written);
        for (int i = 0; i < chunk; i++) {
          random.nextBytes(data); // add copies the data
          futures.add(
              producer.add(
                  ConsumerBenchmark.STREAM,
                  keys[(written + i) % ConsumerBenchmark.KEYS],
                  ByteBuffer.wrap(data)));
        }
        producer.flush();
        for (CompletableFuture<RecordResult> future : futures) {
          // Each Kinesis record has exactly one user record at sub-sequence number 0.
          if (future.join().subSequenceNumber() == 0) {
            kinesisRecords++;
          }
        }
      }
    }
    return kinesisRecords;
  }

  /**
   * A fresh lease table holding the 4 leases at TRIM_HORIZON, already split between the workers as
   * balancing leaves them, so that each worker adopts its shards in its first taking round: started
   * together on an empty table, their first rounds race for the same leases and the loser waits a
   * take interval (2 s) for its next.
   */
  @Setup(Level.Iteration)
  public void startIteration(IterationParams params) {
    iterationType = params.getType();
    iteration++;
    leases = EmbeddedLeaseStore.inMemory();
    for (int i = 0; i < shards.size(); i++) {
      Shard shard = shards.get(i);
      Lease lease =
          Lease.newLease(shard.shardId(), Checkpoint.TRIM_HORIZON, Set.of(), shard.hashKeyRange());
      leases.createIfAbsent(lease);
      leases.take(lease, ConsumerBenchmark.workerId(i % workers));
    }
    progress = new Progress(records, 0);
    CountingProcessors processors = new CountingProcessors(progress);
    for (int w = 0; w < workers; w++) {
      CountingLeaseStore store = new CountingLeaseStore(leases);
      stores.add(store);
      running.add(
          Worker.create(
              ConsumerBenchmark.config(ConsumerBenchmark.workerId(w))
                  .initialPosition(InitialPosition.trimHorizon())
                  .build(),
              kinesis,
              store,
              processors));
    }
    nanosAtStart = System.nanoTime();
    cpuAtStart = ConsumerBenchmark.processCpuNanos();
  }

  long drain() throws InterruptedException {
    for (Worker worker : running) {
      worker.start();
    }
    Duration timeout = Duration.ofSeconds(60 + records / 5_000);
    if (!progress.await(timeout)) {
      throw new IllegalStateException(
          "only " + progress.records.get() + " of " + records + " records processed in " + timeout);
    }
    return progress.records.get();
  }

  @TearDown(Level.Iteration)
  public void endIteration() {
    double seconds = (System.nanoTime() - nanosAtStart) / 1e9;
    double cpuSeconds = (ConsumerBenchmark.processCpuNanos() - cpuAtStart) / 1e9;
    running.forEach(Worker::shutdown);
    running.forEach(Worker::close);
    leases.close();
    Map<Call, Long> calls =
        CountingLeaseStore.sum(stores.stream().map(CountingLeaseStore::counts).toList());
    running.clear();
    stores.clear();
    long processed = progress.records.get();
    if (processed != records) {
      // The score would count duplicates as records: fail rather than report it.
      throw new IllegalStateException(
          processed + " records processed, not " + records + ": some were processed twice");
    }
    boolean measured = iterationType == IterationType.MEASUREMENT;
    if (measured) {
      measuredSeconds += seconds;
      measuredCpuSeconds += cpuSeconds;
      measuredRecords += processed;
    }
    System.out.printf(
        Locale.ROOT,
        "%sdrain workers=%d %s iteration %d: %,d records in %.2f s, %,.0f records/s (%,.0f per"
            + " worker), %.2f CPU s, %.2f CPU s per million records; %,d batches; lease-store"
            + " calls: %s%n",
        ConsumerBenchmark.PREFIX,
        workers,
        measured ? "measured" : "warm-up",
        iteration,
        processed,
        seconds,
        processed / seconds,
        processed / seconds / workers,
        cpuSeconds,
        cpuSeconds * 1e6 / processed,
        progress.batches.sum(),
        CountingLeaseStore.describe(calls, 1));
  }

  @TearDown(Level.Trial)
  public void close() {
    if (measuredRecords > 0) {
      System.out.printf(
          Locale.ROOT,
          "%sdrain workers=%d summary (measured iterations): %,.0f records/s, %,.0f per worker,"
              + " %.2f CPU s per million records%n",
          ConsumerBenchmark.PREFIX,
          workers,
          measuredRecords / measuredSeconds,
          measuredRecords / measuredSeconds / workers,
          measuredCpuSeconds * 1e6 / measuredRecords);
    }
    kinesis.close();
    engine.close();
  }
}
