package io.kinesislite.benchmarks;

import io.kinesislite.benchmarks.CountingLeaseStore.Call;
import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.Worker;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Two workers with default timings holding 2 of 4 shards each, and what they ask of the lease store
 * at steady state, in the conditions of the real KCL's measurement ({@code
 * shared/reference/kcl-baseline.md} section 6): {@code rate} plain records per second with random
 * partition keys, one put each, and processors that checkpoint after every non-empty batch. With
 * {@code rate} 0 the shards are idle and only the lease machinery calls. Not thread-safe: JMH's
 * fixture calls and the benchmark thread take turns.
 */
@State(Scope.Benchmark)
public class SteadyFleet {
  /** The measured window, in seconds. */
  @Param("120")
  public int seconds;

  /** Records per second written to the stream (0 to 1,000). */
  @Param({"20", "0"})
  public int rate;

  /** For the smoke test: shorter timings. The benchmark keeps the defaults. */
  UnaryOperator<ConsumerConfig.Builder> timings = UnaryOperator.identity();

  private ShardEngine engine;
  private KinesisTransport kinesis;
  private EmbeddedLeaseStore leases;
  private ConsumerConfig timing;
  private final List<CountingLeaseStore> stores = new ArrayList<>();
  private final List<Worker> workers = new ArrayList<>();
  private final List<Map<Call, Long>> atStart = new ArrayList<>();
  private long nanosAtStart;
  private ScheduledExecutorService writer;

  /** Starts the writer and both workers and waits until they hold 2 shards each. */
  @Setup(Level.Trial)
  public void open() {
    if (rate < 0 || rate > 1_000) {
      throw new IllegalArgumentException("rate must be 0 to 1000 records/s: " + rate);
    }
    engine = ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
    kinesis = EmbeddedTransport.over(engine);
    kinesis.createStream(ConsumerBenchmark.STREAM, ConsumerBenchmark.SHARDS).join();
    writer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "consumer-bench-writer");
              t.setDaemon(true);
              return t;
            });
    if (rate > 0) {
      Random random = new Random(42);
      byte[] data = new byte[ConsumerBenchmark.RECORD_BYTES];
      writer.scheduleAtFixedRate(
          () -> {
            try {
              kinesis
                  .putRecord(
                      ConsumerBenchmark.STREAM,
                      PutEntry.of(Long.toHexString(random.nextLong()), data))
                  .join();
            } catch (RuntimeException e) {
              System.err.println(ConsumerBenchmark.PREFIX + "put failed: " + e);
            }
          },
          0,
          1_000_000 / rate,
          TimeUnit.MICROSECONDS);
    }
    leases = EmbeddedLeaseStore.inMemory();
    for (int w = 0; w < 2; w++) {
      ConsumerConfig config =
          timings.apply(ConsumerBenchmark.config(ConsumerBenchmark.workerId(w))).build();
      timing = config;
      CountingLeaseStore store = new CountingLeaseStore(leases);
      stores.add(store);
      Worker worker =
          Worker.create(config, kinesis, store, new CountingProcessors(new Progress(0, 0)));
      workers.add(worker);
      worker.start();
    }
    ConsumerBenchmark.await(
        "each worker holds 2 shards",
        () ->
            workers.stream().allMatch(w -> w.heldShards().size() == ConsumerBenchmark.SHARDS / 2));
  }

  @Setup(Level.Iteration)
  public void startIteration() {
    atStart.clear();
    stores.forEach(s -> atStart.add(s.counts()));
    nanosAtStart = System.nanoTime();
  }

  long run() throws InterruptedException {
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    return seconds;
  }

  @TearDown(Level.Iteration)
  public void endIteration() {
    double minutes = (System.nanoTime() - nanosAtStart) / 60e9;
    List<Map<Call, Long>> calls = new ArrayList<>();
    for (int w = 0; w < stores.size(); w++) {
      Map<Call, Long> now = stores.get(w).counts();
      Map<Call, Long> delta = new EnumMap<>(Call.class);
      for (Call call : Call.values()) {
        delta.put(call, now.get(call) - atStart.get(w).get(call));
      }
      calls.add(delta);
    }
    System.out.printf(
        Locale.ROOT,
        "%sleaseCalls rate=%d: 2 workers, %d shards, %d records/s, %.1f s measured; failover %s,"
            + " renew %s, take %s, shard sync %s%n",
        ConsumerBenchmark.PREFIX,
        rate,
        ConsumerBenchmark.SHARDS,
        rate,
        minutes * 60,
        ConsumerBenchmark.readable(timing.failoverTime()),
        ConsumerBenchmark.readable(timing.renewInterval()),
        ConsumerBenchmark.readable(timing.takeInterval()),
        ConsumerBenchmark.readable(timing.shardSyncInterval()));
    for (int w = 0; w < workers.size(); w++) {
      System.out.printf(
          Locale.ROOT,
          "%sleaseCalls rate=%d %s (holds %d shards): %.1f calls/min: %s%n",
          ConsumerBenchmark.PREFIX,
          rate,
          workers.get(w).workerId(),
          workers.get(w).heldShards().size(),
          CountingLeaseStore.total(calls.get(w)) / minutes,
          CountingLeaseStore.describe(calls.get(w), minutes));
    }
    Map<Call, Long> all = CountingLeaseStore.sum(calls);
    System.out.printf(
        Locale.ROOT,
        "%sleaseCalls rate=%d per shard (both workers' calls / %d shards): %.1f calls/min: %s%n",
        ConsumerBenchmark.PREFIX,
        rate,
        ConsumerBenchmark.SHARDS,
        CountingLeaseStore.total(all) / minutes / ConsumerBenchmark.SHARDS,
        CountingLeaseStore.describe(all, minutes * ConsumerBenchmark.SHARDS));
    double renewPerMinute = 60_000.0 / timing.renewInterval().toMillis();
    System.out.printf(
        Locale.ROOT,
        "%sleaseCalls rate=%d expected per worker from the timings: renew up to %.1f/min (%d"
            + " leases, one every %s each, fewer while checkpoints renew them), list up to"
            + " %.1f/min (a taking round every %s after the last, a shard sync every %s)%n",
        ConsumerBenchmark.PREFIX,
        rate,
        ConsumerBenchmark.SHARDS / 2 * renewPerMinute,
        ConsumerBenchmark.SHARDS / 2,
        ConsumerBenchmark.readable(timing.renewInterval()),
        60_000.0 / timing.takeInterval().toMillis()
            + 60_000.0 / timing.shardSyncInterval().toMillis(),
        ConsumerBenchmark.readable(timing.takeInterval()),
        ConsumerBenchmark.readable(timing.shardSyncInterval()));
  }

  @TearDown(Level.Trial)
  public void close() {
    writer.shutdownNow();
    workers.forEach(Worker::shutdown);
    workers.forEach(Worker::close);
    leases.close();
    kinesis.close();
    engine.close();
  }
}
