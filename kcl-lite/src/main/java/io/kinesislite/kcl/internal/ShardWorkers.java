package io.kinesislite.kcl.internal;

import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.Lease;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.RecordProcessor;
import io.kinesislite.kcl.RecordProcessorFactory;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.internal.NamedThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@code Worker} runs: the lease thread (renewals, taking rounds, shard sync) and one {@link
 * ShardConsumer} thread per held shard, started when a lease is gained and stopped when it is lost
 * or the worker shuts down.
 *
 * <p>Thread-safe.
 */
public final class ShardWorkers {
  private static final Logger log = LoggerFactory.getLogger(ShardWorkers.class);
  private static final AtomicInteger IDS = new AtomicInteger();

  private final ConsumerConfig config;
  private final KinesisTransport transport;
  private final LeaseStore store;
  private final RecordProcessorFactory processors;
  private final LeaseCoordinator coordinator;
  private final ShardSync sync;
  private final Map<String, ShardConsumer> consumers = new ConcurrentHashMap<>();
  private final String threadPrefix;
  private final ScheduledExecutorService leaseThread;
  private final ConsumerMetrics metrics;
  private final Object lifecycle = new Object();
  private boolean started; // guarded by lifecycle
  private volatile boolean stopping;
  private CompletableFuture<Void> shutdown; // guarded by lifecycle

  public ShardWorkers(
      ConsumerConfig config,
      KinesisTransport transport,
      LeaseStore leases,
      RecordProcessorFactory processors,
      io.micrometer.core.instrument.MeterRegistry registry) {
    this.config = config;
    this.transport = transport;
    this.metrics = new ConsumerMetrics(registry, config.applicationName(), config.workerId());
    this.store = new MeteredLeaseStore(leases, metrics);
    this.processors = processors;
    this.threadPrefix = "kinesis-lite-worker-" + IDS.incrementAndGet();
    this.coordinator =
        new LeaseCoordinator(
            store,
            config.workerId(),
            config.failoverTime(),
            config.renewInterval(),
            config.maxLeasesPerWorker(),
            config.maxStealsAtOnce(),
            config.handOffTimeout(),
            System::nanoTime,
            new Random(),
            new LeaseCoordinator.Listener() {
              @Override
              public void leaseGained(Lease lease) {
                startConsumer(lease.leaseKey());
              }

              @Override
              public void leaseLost(String leaseKey) {
                ShardConsumer c = consumers.get(leaseKey);
                if (c != null) {
                  c.leaseLost();
                }
              }

              @Override
              public void handOffRequested(String leaseKey) {
                ShardConsumer c = consumers.get(leaseKey);
                if (c != null) {
                  c.stop(); // it checkpoints and releases, which ends the hand-off
                } else {
                  coordinator().release(leaseKey);
                }
              }
            });
    metrics.coordinator(coordinator);
    this.sync = new ShardSync(transport, store, config.streamName(), config.initialPosition());
    this.leaseThread =
        Executors.newSingleThreadScheduledExecutor(
            new NamedThreadFactory(threadPrefix + "-leases"));
  }

  public LeaseCoordinator coordinator() {
    return coordinator;
  }

  public String workerId() {
    return config.workerId();
  }

  public void start() {
    synchronized (lifecycle) {
      if (started || stopping) {
        throw new IllegalStateException("a worker starts once, and not after shutdown");
      }
      started = true;
    }
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    untilStarted("creating or reading the lease table", deadline, store::ensureTable);
    untilStarted(
        "describing the stream",
        deadline,
        () -> {
          try {
            transport.describeStream(config.streamName()).join(); // fails early if missing
          } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
          }
        });
    if (config.enhancedFanOut()) {
      registerConsumer();
    }
    runSafely("shard sync", sync::sync);
    synchronized (lifecycle) {
      if (stopping) {
        // shutdown() or close() came while the worker was starting: it takes no lease.
        log.info("Worker {} was shut down while starting", config.workerId());
        return;
      }
      schedule();
    }
    log.info("Worker {} started: {}", config.workerId(), config);
  }

  // Called under lifecycle, before stopping: so close() shuts the lease thread down only after.
  private void schedule() {
    leaseThread.execute(
        () -> {
          if (!stopping) {
            runSafely("taking leases", coordinator::takeRound);
          }
        });
    long renew = config.renewInterval().toMillis();
    long take = config.takeInterval().toMillis();
    long handOffPoll = Math.max(50, Math.min(take, 250));
    leaseThread.scheduleWithFixedDelay(
        () -> {
          if (!stopping) {
            runSafely("taking handed-off leases", coordinator::pollHandOffs);
          }
        },
        handOffPoll,
        handOffPoll,
        TimeUnit.MILLISECONDS);
    long syncEvery = config.shardSyncInterval().toMillis();
    leaseThread.scheduleAtFixedRate(
        () -> runSafely("renewing leases", coordinator::renew),
        renew,
        renew,
        TimeUnit.MILLISECONDS);
    leaseThread.scheduleWithFixedDelay(
        () -> {
          if (!stopping) {
            runSafely("taking leases", coordinator::takeRound);
          }
        },
        take,
        take,
        TimeUnit.MILLISECONDS);
    leaseThread.scheduleWithFixedDelay(
        () -> {
          if (!stopping) {
            runSafely("shard sync", sync::sync);
          }
        },
        syncEvery,
        syncEvery,
        TimeUnit.MILLISECONDS);
  }

  // Retries a start-up step while it fails with a retriable error, until the deadline.
  private void untilStarted(String what, long deadline, Runnable step) {
    long backoffMillis = 100;
    while (true) {
      try {
        step.run();
        return;
      } catch (KinesisLiteException e) {
        long left = deadline - System.nanoTime();
        if (!e.isRetriable() || left <= 0 || stopping) {
          throw e;
        }
        long wait = Math.min(backoffMillis, TimeUnit.NANOSECONDS.toMillis(left) + 1);
        log.warn(
            "Worker {}: {} failed; trying again in {} ms: {}",
            config.workerId(),
            what,
            wait,
            e.toString());
        try {
          Thread.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoffMillis = Math.min(backoffMillis * 2, 5_000);
      }
    }
  }

  // The stream consumer that fan-out reads through: registered once per application.
  private void registerConsumer() {
    String name = config.applicationName();
    try {
      transport.registerConsumer(config.streamName(), name).join();
    } catch (java.util.concurrent.CompletionException e) {
      if (!(e.getCause() instanceof io.kinesislite.transport.ResourceInUseException)) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    transport
        .awaitConsumerActive(config.streamName(), name, java.time.Duration.ofMinutes(2))
        .join();
  }

  // Background loops log and continue.
  private void runSafely(String what, Runnable task) {
    try {
      task.run();
    } catch (KinesisLiteException | java.util.concurrent.CompletionException e) {
      log.warn(
          "Worker {}: {} failed; trying again later: {}", config.workerId(), what, e.toString());
    } catch (RuntimeException e) {
      log.error("Worker {}: {} failed; trying again later", config.workerId(), what, e);
    }
  }

  private void startConsumer(String shardId) {
    if (stopping) {
      coordinator.release(shardId);
      return;
    }
    RecordProcessor processor;
    try {
      processor = processors.create(shardId);
    } catch (RuntimeException e) {
      log.error("Worker {}: the processor factory failed for {}", config.workerId(), shardId, e);
      coordinator.release(shardId);
      return;
    }
    ShardConsumer consumer =
        new ShardConsumer(shardId, config, transport, store, coordinator, processor, metrics);
    ShardConsumer previous = consumers.put(shardId, consumer);
    consumer.done().whenComplete((v, e) -> consumers.remove(shardId, consumer));
    ThreadFactory threads = new NamedThreadFactory(threadPrefix + "-" + shardId);
    Thread thread = threads.newThread(consumer);
    if (previous == null || previous.done().isDone()) {
      thread.start();
    } else {
      // This worker let the lease go (it went unrenewed) and took it back while the previous
      // processor was still in a batch: one processor per shard, so the new one waits for it, but
      // not for ever: a processor stuck in its batch must not keep the shard from being processed.
      previous.leaseLost();
      long waitMillis = config.failoverTime().toMillis();
      previous
          .done()
          .copy()
          .completeOnTimeout(null, waitMillis, TimeUnit.MILLISECONDS)
          .whenComplete(
              (v, e) -> {
                if (!previous.done().isDone()) {
                  log.warn(
                      "Worker {}: the previous processor of {} is still in its batch after {} ms;"
                          + " starting the next one beside it",
                      config.workerId(),
                      shardId,
                      waitMillis);
                }
                thread.start();
              });
    }
    if (coordinator.handingOff(shardId)) {
      consumer.stop(); // a hand-off noticed before this consumer was in place
    }
  }

  public Set<String> heldShards() {
    Set<String> shards = new TreeSet<>();
    for (LeaseCoordinator.Held h : coordinator.held()) {
      shards.add(h.leaseKey);
    }
    return shards;
  }

  public CompletableFuture<Void> shutdown() {
    synchronized (lifecycle) {
      if (shutdown != null) {
        return shutdown;
      }
      stopping = true;
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (ShardConsumer c : consumers.values()) {
        c.stop();
        done.add(c.done());
      }
      shutdown =
          CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0]))
              .orTimeout(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)
              .handle(
                  (v, e) -> {
                    if (e instanceof TimeoutException) {
                      log.warn(
                          "Worker {}: processors did not finish within the shutdown timeout",
                          config.workerId());
                    }
                    return null;
                  });
      return shutdown;
    }
  }

  public void close() {
    try {
      shutdown().get(config.shutdownTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      log.warn("Worker {}: shutdown did not complete: {}", config.workerId(), e.toString());
    }
    for (ShardConsumer c : consumers.values()) {
      c.leaseLost();
    }
    leaseThread.shutdownNow();
    try {
      leaseThread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
