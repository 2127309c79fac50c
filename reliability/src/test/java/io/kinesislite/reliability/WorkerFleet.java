package io.kinesislite.reliability;

import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.Worker;
import io.kinesislite.transport.KinesisTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * In-process kcl-lite workers of one application, each with a lease store of its own, processing
 * into a {@link ProcessingLog} through {@link RecordingProcessor}s. Workers join (a new id each
 * time) and leave (a graceful shutdown, which hands their leases over), so that leases move between
 * live workers, steals included.
 *
 * <p>Not thread-safe; the campaign thread drives it.
 */
final class WorkerFleet implements AutoCloseable {
  private final ConsumerConfig template;
  private final KinesisTransport kinesis;
  private final Supplier<LeaseStore> stores;
  private final ProcessingLog log;
  private final List<Worker> workers = new ArrayList<>();
  private final List<LeaseStore> openStores = new ArrayList<>();
  private final AtomicLong failedCheckpoints = new AtomicLong();
  private final AtomicLong leasesLost = new AtomicLong();
  private int joined;
  private int left;

  /**
   * @param template the workers' settings; each worker gets its own {@code workerId}
   * @param stores opens a new lease store for each worker; the fleet closes them
   */
  WorkerFleet(
      ConsumerConfig template,
      KinesisTransport kinesis,
      Supplier<LeaseStore> stores,
      ProcessingLog log) {
    this.template = template;
    this.kinesis = kinesis;
    this.stores = stores;
    this.log = log;
  }

  /** The consumer settings the campaign uses, for {@code application} on {@code stream}. */
  static ConsumerConfig settings(String application, String stream, Duration failover) {
    return ConsumerConfig.builder()
        .applicationName(application)
        .streamName(stream)
        .workerId("template")
        .initialPosition(InitialPosition.trimHorizon())
        .failoverTime(failover)
        .renewInterval(failover.dividedBy(3))
        .takeInterval(Duration.ofMillis(300))
        .idleWait(Duration.ofMillis(200))
        .processorRetryBackoff(Duration.ofMillis(200))
        .shutdownTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** Starts a worker with a new id ({@code worker-<n>}). */
  void join() {
    String id = "worker-" + (joined + 1);
    LeaseStore store = stores.get();
    openStores.add(store);
    ConsumerConfig config =
        ConsumerConfig.builder()
            .applicationName(template.applicationName())
            .streamName(template.streamName())
            .workerId(id)
            .initialPosition(template.initialPosition())
            .failoverTime(template.failoverTime())
            .renewInterval(template.renewInterval())
            .takeInterval(template.takeInterval())
            .idleWait(template.idleWait())
            .processorRetryBackoff(template.processorRetryBackoff())
            .shutdownTimeout(template.shutdownTimeout())
            .build();
    Worker worker =
        Worker.create(
            config,
            kinesis,
            store,
            RecordingProcessor.factory(log, id, failedCheckpoints, leasesLost));
    workers.add(worker);
    joined++;
    worker.start();
  }

  /** Shuts a random worker down gracefully and starts a new one in its place. */
  void replaceOne(Random random) {
    Worker leaving = workers.remove(random.nextInt(workers.size()));
    leaving.close();
    left++;
    join();
  }

  /** The running workers. */
  List<Worker> workers() {
    return List.copyOf(workers);
  }

  /** Whether no running worker holds a lease it may act on. */
  boolean noneHoldsALease() {
    return workers.stream().allMatch(w -> w.heldShards().isEmpty());
  }

  /** Each running worker's id and the shards it holds. */
  String holdings() {
    return workers.stream().map(w -> w.workerId() + " " + w.heldShards()).toList().toString();
  }

  int joined() {
    return joined;
  }

  int left() {
    return left;
  }

  /** {@code leaseLost} calls, all workers together. */
  long leasesLost() {
    return leasesLost.get();
  }

  /** Checkpoints the store could not take (it was down or slow). */
  long failedCheckpoints() {
    return failedCheckpoints.get();
  }

  /** Shuts every worker down gracefully, then closes their lease stores. */
  @Override
  public void close() {
    // All shutdowns at once: each waits for its processors' checkpoints and lease releases.
    for (Worker worker : workers) {
      worker.shutdown();
    }
    for (Worker worker : workers) {
      worker.close();
    }
    workers.clear();
    for (LeaseStore store : openStores) {
      store.close();
    }
    openStores.clear();
  }
}
