package io.kinesislite.kcl;

import io.kinesislite.kcl.internal.LeaseCoordinator;
import io.kinesislite.kcl.internal.ShardWorkers;
import io.kinesislite.transport.KinesisTransport;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Consumes a stream as one member of a fleet: leases shards from the lease store, balances them
 * with the other workers of the same application, runs one {@link RecordProcessor} per held shard
 * on its own thread, and follows resharding parent before child.
 *
 * <pre>{@code
 * try (KinesisTransport kinesis = Transports.open("aws:eu-west-1");
 *     LeaseStore leases = DynamoDbLeaseStore.create(
 *         LeaseStoreConfig.builder().tableName("orders-app").region("eu-west-1").build());
 *     Worker worker = Worker.create(
 *         ConsumerConfig.builder().applicationName("orders-app").streamName("orders").build(),
 *         kinesis, leases, shardId -> new OrderProcessor())) {
 *   worker.start();
 *   ...
 *   worker.shutdown().join(); // processors checkpoint, leases go to the other workers at once
 * }
 * }</pre>
 *
 * <p>Threads: {@code kinesis-lite-worker-<id>-leases} renews, takes and syncs leases; {@code
 * kinesis-lite-worker-<id>-<shardId>} runs each shard's processor. {@link #close()} stops them all.
 * The transport and the lease store belong to the caller and are not closed. Thread-safe.
 */
public final class Worker implements AutoCloseable {
  private final ShardWorkers workers;

  private Worker(ShardWorkers workers) {
    this.workers = workers;
  }

  /**
   * Makes a worker; nothing runs until {@link #start()}.
   *
   * @throws NullPointerException if an argument is null
   */
  public static Worker create(
      ConsumerConfig config,
      KinesisTransport transport,
      LeaseStore leases,
      RecordProcessorFactory processors) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(transport, "transport == null");
    Objects.requireNonNull(leases, "leases == null");
    Objects.requireNonNull(processors, "processors == null");
    return new Worker(new ShardWorkers(config, transport, leases, processors, null));
  }

  /**
   * Makes a worker that reports its metrics to {@code registry}: records and bytes processed,
   * millis behind latest, leases held, takes, steals and losses, checkpoint latency and lease-store
   * calls, all named {@code kinesislite.consumer.*}.
   */
  public static Worker create(
      ConsumerConfig config,
      KinesisTransport transport,
      LeaseStore leases,
      RecordProcessorFactory processors,
      io.micrometer.core.instrument.MeterRegistry registry) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(transport, "transport == null");
    Objects.requireNonNull(leases, "leases == null");
    Objects.requireNonNull(processors, "processors == null");
    Objects.requireNonNull(registry, "registry == null");
    return new Worker(new ShardWorkers(config, transport, leases, processors, registry));
  }

  /**
   * Creates the lease table if needed, checks that the stream exists, and starts taking leases.
   * While the lease store or Kinesis fail with a retriable error, it keeps trying for the
   * configured {@link ConsumerConfig#startTimeout() startTimeout}.
   *
   * @throws io.kinesislite.transport.ResourceNotFoundException if the stream does not exist
   * @throws io.kinesislite.transport.KinesisLiteException the last error, if the lease store or
   *     Kinesis still failed when the start timeout ran out, or at once for a fatal error
   * @throws IllegalStateException if started twice or after close
   */
  public void start() {
    workers.start();
  }

  /** Returns the shards this worker processes now. */
  public Set<String> heldShards() {
    return workers.heldShards();
  }

  /** Returns this worker's id, the owner name in the lease table. */
  public String workerId() {
    return workers.workerId();
  }

  /**
   * Shuts down gracefully: takes no more leases, lets every processor checkpoint ({@code
   * shutdownRequested}), and releases the leases so other workers take them at their next round.
   * The future completes when that is done, or after the configured shutdown timeout.
   */
  public CompletableFuture<Void> shutdown() {
    return workers.shutdown();
  }

  /** Shuts down gracefully, waits up to the shutdown timeout, then stops every thread. */
  @Override
  public void close() {
    workers.close();
  }

  /** For tests: the coordinator, to drive or inspect lease rounds. */
  LeaseCoordinator coordinator() {
    return workers.coordinator();
  }
}
