package io.kinesislite.engine.internal;

import io.kinesislite.engine.EngineConfig;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutFailure;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.ShardFilter;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamConsumer;
import io.kinesislite.transport.StreamDescription;
import io.kinesislite.transport.StreamMode;
import io.kinesislite.transport.StreamStatus;
import io.kinesislite.transport.TransportClosedException;
import io.kinesislite.transport.internal.NamedThreadFactory;
import io.kinesislite.transport.internal.RequestChecks;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link io.kinesislite.engine.ShardEngine}: checks arguments as Kinesis does,
 * then hands each call to the part that owns it.
 *
 * <p>Thread-safe.
 */
public final class EngineCore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EngineCore.class);

  private final EngineState state;
  private final DirectoryLock lock; // null in memory
  private final ScheduledThreadPoolExecutor scheduler;
  private final ExecutorService callbacks;
  private final ExecutorService deliveries;
  private final Writes writes;
  private final Reads reads;
  private final Resharding resharding;
  private final FanOut fanOut;
  private final Consumers consumers;
  private final Maintenance maintenance;
  private final AtomicBoolean closed = new AtomicBoolean();
  // Every operation holds the read lock while it runs; close() takes the write lock, so it waits
  // for them, and none starts after it: a closed engine must not touch a directory it released.
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();

  private EngineCore(EngineState state, DirectoryLock lock, Duration subscriptionLifetime) {
    this.state = state;
    this.lock = lock;
    this.scheduler =
        new ScheduledThreadPoolExecutor(2, new NamedThreadFactory("kinesis-lite-engine-scheduler"));
    scheduler.setRemoveOnCancelPolicy(true);
    this.callbacks =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            new NamedThreadFactory("kinesis-lite-engine-callback"));
    this.deliveries =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            new NamedThreadFactory("kinesis-lite-engine-fanout"));
    this.writes = new Writes(state, state.config.directory().isEmpty(), callbacks);
    this.reads = new Reads(state);
    this.resharding = new Resharding(state);
    this.fanOut = new FanOut(state, scheduler, deliveries, subscriptionLifetime);
    this.consumers = new Consumers(state, fanOut);
    this.maintenance = new Maintenance(state, resharding);
    long interval = state.config.maintenanceInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::maintain, interval, interval, TimeUnit.MILLISECONDS);
  }

  public static EngineCore open(EngineConfig config) {
    Duration lifetime = config.subscriptionLifetime();
    if (config.directory().isEmpty()) {
      EngineState state = new EngineState(config, LogFactories.memory(config), null);
      return new EngineCore(state, null, lifetime);
    }
    DirectoryLock lock = DirectoryLock.acquire(config.directory().get());
    EngineState state = null;
    try {
      MetadataStore metadata = new MetadataStore(config.directory().get());
      state = new EngineState(config, LogFactories.durable(config, metadata), metadata);
      state.load();
      return new EngineCore(state, lock, lifetime);
    } catch (RuntimeException e) {
      if (state != null) {
        try {
          state.closeAll(); // the sync thread and the logs load() opened
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      lock.release();
      throw e;
    }
  }

  public EngineConfig config() {
    return state.config;
  }

  // ---- streams ----

  public void createStream(String stream, int shardCount) {
    guardedRun(
        () -> {
          RequestChecks.streamName(stream);
          if (shardCount < 1) {
            throw KinesisErrors.invalid("ShardCount must be at least 1: " + shardCount);
          }
          state.create(stream, StreamMode.PROVISIONED, shardCount);
        });
  }

  public void createOnDemandStream(String stream) {
    guardedRun(
        () -> {
          RequestChecks.streamName(stream);
          state.create(stream, StreamMode.ON_DEMAND, state.config.onDemandInitialShards());
        });
  }

  public void deleteStream(String name, boolean enforceConsumerDeletion) {
    guardedRun(
        () -> {
          RequestChecks.streamName(name);
          EngineStream stream = state.stream(name);
          stream.lock.writeLock().lock();
          try {
            if (stream.deleted) {
              throw KinesisErrors.streamNotFound(name);
            }
            if (!stream.consumers.isEmpty() && !enforceConsumerDeletion) {
              throw KinesisErrors.inUse(
                  "Stream "
                      + name
                      + " has "
                      + stream.consumers.size()
                      + " registered consumers; deregister them or enforce consumer deletion");
            }
            state.remove(stream);
          } finally {
            stream.lock.writeLock().unlock();
          }
          fanOut.endSubscriptions(stream, null);
        });
  }

  public StreamDescription describeStream(String name) {
    return guarded(
        () -> {
          RequestChecks.streamName(name);
          EngineStream stream = state.stream(name);
          stream.lock.readLock().lock();
          try {
            return new StreamDescription(
                stream.name,
                stream.arn,
                StreamStatus.ACTIVE,
                stream.mode,
                stream.openShards().length,
                Duration.ofHours(stream.retentionHours),
                Instant.ofEpochMilli(stream.createdAtMillis),
                stream.consumers.size());
          } finally {
            stream.lock.readLock().unlock();
          }
        });
  }

  public List<String> listStreams() {
    return guarded(
        () -> {
          List<String> names = new ArrayList<>();
          for (EngineStream stream : state.streams()) {
            names.add(stream.name);
          }
          names.sort(null);
          return names;
        });
  }

  public void changeRetention(String name, Duration retention, boolean increase) {
    guardedRun(
        () -> {
          RequestChecks.streamName(name);
          int hours = RequestChecks.retentionHours(retention);
          EngineStream stream = state.stream(name);
          stream.lock.writeLock().lock();
          try {
            if (increase ? hours < stream.retentionHours : hours > stream.retentionHours) {
              throw KinesisErrors.invalid(
                  "RetentionPeriodHours "
                      + hours
                      + " must be "
                      + (increase ? "at least" : "at most")
                      + " the current "
                      + stream.retentionHours
                      + " hours to "
                      + (increase ? "increase" : "decrease")
                      + " it");
            }
            int previous = stream.retentionHours;
            stream.retentionHours = hours;
            try {
              state.persist(stream);
            } catch (RuntimeException e) {
              stream.retentionHours = previous;
              throw e;
            }
          } finally {
            stream.lock.writeLock().unlock();
          }
        });
  }

  // ---- shards ----

  public List<Shard> listShards(String stream, ShardFilter filter) {
    return guarded(
        () -> {
          RequestChecks.streamName(stream);
          return reads.listShards(stream, Objects.requireNonNull(filter, "filter == null"));
        });
  }

  public void splitShard(String stream, String shardId, BigInteger newStartingHashKey) {
    guardedRun(
        () -> {
          RequestChecks.streamName(stream);
          RequestChecks.shardId(shardId);
          resharding.split(
              stream, shardId, RequestChecks.hashKey("NewStartingHashKey", newStartingHashKey));
        });
  }

  public void mergeShards(String stream, String shardId, String adjacentShardId) {
    guardedRun(
        () -> {
          RequestChecks.streamName(stream);
          RequestChecks.shardId(shardId);
          RequestChecks.shardId(adjacentShardId);
          resharding.merge(stream, shardId, adjacentShardId);
        });
  }

  public void updateShardCount(String stream, int target) {
    guardedRun(
        () -> {
          RequestChecks.streamName(stream);
          if (target < 1) {
            throw KinesisErrors.invalid("TargetShardCount must be at least 1: " + target);
          }
          resharding.updateShardCount(stream, target);
        });
  }

  // ---- records ----

  public CompletableFuture<PutResult> putRecord(String stream, PutEntry entry) {
    return guarded(
        () -> {
          RequestChecks.streamName(stream);
          Objects.requireNonNull(entry, "entry == null");
          if (entry.data().length > state.config.maxRecordSize()) {
            throw KinesisErrors.invalid(
                "Record data size "
                    + entry.data().length
                    + " exceeds the stream's max record size of "
                    + state.config.maxRecordSize()
                    + " bytes");
          }
          return writes
              .putRecords(stream, List.of(entry))
              .thenApply(
                  result -> {
                    if (result.entries().get(0) instanceof PutFailure failure) {
                      throw KinesisErrors.asException(failure);
                    }
                    return (PutResult) result.entries().get(0);
                  });
        });
  }

  public CompletableFuture<PutRecordsResult> putRecords(String stream, List<PutEntry> entries) {
    return guarded(
        () -> {
          RequestChecks.streamName(stream);
          Objects.requireNonNull(entries, "entries == null");
          return writes.putRecords(stream, entries);
        });
  }

  public String getShardIterator(String stream, String shardId, StartingPosition position) {
    return guarded(
        () -> {
          RequestChecks.streamName(stream);
          RequestChecks.shardId(shardId);
          return reads.getShardIterator(
              stream, shardId, Objects.requireNonNull(position, "position == null"));
        });
  }

  public GetRecordsResult getRecords(String iterator, int limit) {
    return guarded(
        () -> {
          Objects.requireNonNull(iterator, "shardIterator == null");
          return reads.getRecords(iterator, RequestChecks.getRecordsLimit(limit));
        });
  }

  // ---- fan-out ----

  public StreamConsumer registerConsumer(String stream, String consumerName) {
    return guarded(
        () -> {
          RequestChecks.streamName(stream);
          return consumers.register(stream, RequestChecks.consumerName(consumerName));
        });
  }

  public StreamConsumer describeConsumer(String stream, String consumerName) {
    return guarded(
        () -> {
          RequestChecks.streamName(stream);
          return consumers.describe(stream, RequestChecks.consumerName(consumerName));
        });
  }

  public List<StreamConsumer> listConsumers(String stream) {
    return guarded(
        () -> {
          RequestChecks.streamName(stream);
          return consumers.list(stream);
        });
  }

  public void deregisterConsumer(String stream, String consumerName) {
    guardedRun(
        () -> {
          RequestChecks.streamName(stream);
          consumers.deregister(stream, RequestChecks.consumerName(consumerName));
        });
  }

  public Flow.Publisher<ShardEvent> subscribeToShard(
      String stream, String consumerName, String shardId, StartingPosition position) {
    return subscribeToShard(stream, consumerName, shardId, position, null);
  }

  /**
   * Subscribes on behalf of {@code owner}, so that {@link #endSubscriptionsOf} can end all of an
   * owner's subscriptions at once, as a closing transport must.
   */
  public Flow.Publisher<ShardEvent> subscribeToShard(
      String stream, String consumerName, String shardId, StartingPosition position, Object owner) {
    Objects.requireNonNull(stream, "stream == null");
    Objects.requireNonNull(consumerName, "consumerName == null");
    Objects.requireNonNull(shardId, "shardId == null");
    Objects.requireNonNull(position, "position == null");
    return fanOut.publisher(stream, consumerName, shardId, position, owner);
  }

  /** Ends, with {@code error}, every subscription made on behalf of {@code owner}. */
  public void endSubscriptionsOf(Object owner, RuntimeException error) {
    fanOut.endSubscriptionsOf(owner, error);
  }

  // ---- life cycle ----

  private <T> T guarded(Supplier<T> operation) {
    lifecycle.readLock().lock();
    try {
      if (closed.get()) {
        throw new TransportClosedException("the engine is closed");
      }
      return operation.get();
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private void guardedRun(Runnable operation) {
    guarded(
        () -> {
          operation.run();
          return null;
        });
  }

  public void runMaintenance() {
    guardedRun(maintenance::run);
  }

  private void maintain() {
    try {
      runMaintenance();
    } catch (RuntimeException e) {
      log.warn("Engine maintenance failed; it runs again next interval.", e);
    }
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
    fanOut.endAll();
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
        scheduler.shutdownNow();
      }
    } catch (InterruptedException e) {
      scheduler.shutdownNow();
      Thread.currentThread().interrupt();
    }
    deliveries.shutdown();
    state.closeAll();
    callbacks.shutdown();
    if (lock != null) {
      lock.release();
    }
  }
}
