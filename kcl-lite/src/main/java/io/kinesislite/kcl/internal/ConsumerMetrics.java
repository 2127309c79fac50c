package io.kinesislite.kcl.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A worker's meters, all named {@code kinesislite.consumer.*} and tagged with the application and
 * the worker id (per-shard meters also with {@code shard}):
 *
 * <ul>
 *   <li>{@code records.processed}, {@code bytes.processed}: user records and their data bytes
 *       handed to processors (counters, per shard);
 *   <li>{@code millis.behind.latest}: how far the shard's last read was behind the tip (gauge, per
 *       shard);
 *   <li>{@code leases.held}: leases this worker holds now (gauge); {@code lease.takes}, {@code
 *       lease.steals}, {@code leases.lost} (counters);
 *   <li>{@code checkpoint.latency}: time to write a checkpoint (timer);
 *   <li>{@code leasestore.calls}: calls to the lease store, tagged {@code operation} and {@code
 *       outcome} (success, lost, error).
 * </ul>
 *
 * <p>Without a registry, an empty composite registry takes the updates: they cost next to nothing.
 * Thread-safe.
 */
public final class ConsumerMetrics {
  static final String PREFIX = "kinesislite.consumer.";

  private final MeterRegistry registry;
  private final String application;
  private final String worker;
  private final Map<String, Shard> shards = new ConcurrentHashMap<>();
  private final Timer checkpointLatency;
  private final Counter leasesLost;

  /** The meters of one shard, made once. */
  private final class Shard {
    final Counter records;
    final Counter bytes;
    final AtomicLong millisBehind = new AtomicLong();

    Shard(String shardId) {
      records = counter("records.processed", shardId);
      bytes = counter("bytes.processed", shardId);
      Gauge.builder(PREFIX + "millis.behind.latest", millisBehind, AtomicLong::get)
          .tags("application", application, "worker", worker, "shard", shardId)
          .register(registry);
    }

    private Counter counter(String name, String shardId) {
      return Counter.builder(PREFIX + name)
          .tags("application", application, "worker", worker, "shard", shardId)
          .register(registry);
    }
  }

  public ConsumerMetrics(MeterRegistry registry, String application, String worker) {
    this.registry = registry != null ? registry : new CompositeMeterRegistry();
    this.application = application;
    this.worker = worker;
    this.checkpointLatency =
        Timer.builder(PREFIX + "checkpoint.latency")
            .tags("application", application, "worker", worker)
            .register(this.registry);
    this.leasesLost =
        Counter.builder(PREFIX + "leases.lost")
            .tags("application", application, "worker", worker)
            .register(this.registry);
  }

  void processed(String shardId, int records, long bytes, long millisBehind) {
    Shard s = shards.computeIfAbsent(shardId, Shard::new);
    s.records.increment(records);
    s.bytes.increment(bytes);
    s.millisBehind.set(millisBehind);
  }

  void checkpointed(Duration took) {
    checkpointLatency.record(took);
  }

  void leaseLost() {
    leasesLost.increment();
  }

  /** Counts a failed read of a shard, tagged with the error's type. */
  void readFailed(String shardId, Throwable error) {
    Counter.builder(PREFIX + "read.failures")
        .tags(
            "application",
            application,
            "worker",
            worker,
            "shard",
            shardId,
            "error",
            error.getClass().getSimpleName())
        .register(registry)
        .increment();
  }

  /** Registers the gauges and counters the coordinator keeps itself. */
  void coordinator(LeaseCoordinator coordinator) {
    Gauge.builder(PREFIX + "leases.held", coordinator, c -> c.held().size())
        .tags("application", application, "worker", worker)
        .register(registry);
    FunctionCounter.builder(PREFIX + "lease.takes", coordinator, LeaseCoordinator::takes)
        .tags("application", application, "worker", worker)
        .register(registry);
    FunctionCounter.builder(PREFIX + "lease.steals", coordinator, LeaseCoordinator::steals)
        .tags("application", application, "worker", worker)
        .register(registry);
  }

  /** Counts one lease-store call and its outcome. */
  <T> T storeCall(String operation, Supplier<T> call) {
    String outcome = "error";
    try {
      T result = call.get();
      outcome = "success";
      return result;
    } catch (io.kinesislite.kcl.LeaseLostException e) {
      outcome = "lost";
      throw e;
    } finally {
      Counter.builder(PREFIX + "leasestore.calls")
          .tags(
              "application",
              application,
              "worker",
              worker,
              "operation",
              operation,
              "outcome",
              outcome)
          .register(registry)
          .increment();
    }
  }
}
