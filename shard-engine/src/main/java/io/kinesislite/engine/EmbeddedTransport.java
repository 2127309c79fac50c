package io.kinesislite.engine;

import io.kinesislite.engine.internal.EngineCore;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.ShardFilter;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamConsumer;
import io.kinesislite.transport.StreamDescription;
import io.kinesislite.transport.TransportClosedException;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.internal.RequestChecks;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The {@link KinesisTransport} of the bundled {@link ShardEngine}, in this process: what the
 * selections {@code embedded:} (in memory) and {@code embedded:DIR} (durable) open. Calls run on
 * the caller's thread and their futures are complete when they return, except puts under {@link
 * SyncPolicy#ALWAYS}, which complete once their fsync is done.
 *
 * <p>Every transport opened for the same selection in one process shares one engine, so a producer
 * and a consumer in one JVM see the same streams; the engine closes with the last of them. A
 * durable directory serves one process at a time.
 *
 * <pre>{@code
 * try (KinesisTransport kinesis = Transports.open("embedded:")) {
 *   kinesis.createStream("orders", 4).join();
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class EmbeddedTransport implements KinesisTransport {
  private final ShardEngine engine;
  private final EngineCore core;
  private final TransportConfig config;
  private final Runnable release;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<CompletableFuture<?>> outstanding = ConcurrentHashMap.newKeySet();

  private EmbeddedTransport(ShardEngine engine, TransportConfig config, Runnable release) {
    this.engine = engine;
    this.core = engine.core();
    this.config = config;
    this.release = release;
  }

  /**
   * Returns a transport over {@code engine}; closing the transport leaves the engine open.
   * Arguments are checked as {@code config} says before they reach the engine; the engine then
   * applies its own limits, as a service would.
   */
  public static EmbeddedTransport over(ShardEngine engine, TransportConfig config) {
    return new EmbeddedTransport(
        Objects.requireNonNull(engine, "engine == null"),
        Objects.requireNonNull(config, "config == null"),
        () -> {});
  }

  /** Returns a transport over {@code engine} with default client checks. */
  public static EmbeddedTransport over(ShardEngine engine) {
    return over(engine, TransportConfig.builder().build());
  }

  /** Returns a transport that releases its share of a registry engine on close. */
  static EmbeddedTransport shared(ShardEngine engine, TransportConfig config, Runnable release) {
    return new EmbeddedTransport(engine, config, release);
  }

  /** Returns the engine behind this transport. */
  public ShardEngine engine() {
    return engine;
  }

  @Override
  public CompletableFuture<Void> createStream(String stream, int shardCount) {
    return run(() -> core.createStream(stream, shardCount));
  }

  @Override
  public CompletableFuture<Void> createOnDemandStream(String stream) {
    return run(() -> core.createOnDemandStream(stream));
  }

  @Override
  public CompletableFuture<Void> deleteStream(String stream, boolean enforceConsumerDeletion) {
    return run(() -> core.deleteStream(stream, enforceConsumerDeletion));
  }

  @Override
  public CompletableFuture<StreamDescription> describeStream(String stream) {
    return call(() -> core.describeStream(stream));
  }

  @Override
  public CompletableFuture<List<String>> listStreams() {
    return call(core::listStreams);
  }

  @Override
  public CompletableFuture<List<Shard>> listShards(String stream, ShardFilter filter) {
    return call(() -> core.listShards(stream, filter));
  }

  @Override
  public CompletableFuture<Void> splitShard(
      String stream, String shardId, BigInteger newStartingHashKey) {
    return run(() -> core.splitShard(stream, shardId, newStartingHashKey));
  }

  @Override
  public CompletableFuture<Void> mergeShards(
      String stream, String shardId, String adjacentShardId) {
    return run(() -> core.mergeShards(stream, shardId, adjacentShardId));
  }

  @Override
  public CompletableFuture<Void> updateShardCount(String stream, int targetShardCount) {
    return run(() -> core.updateShardCount(stream, targetShardCount));
  }

  @Override
  public CompletableFuture<Void> increaseRetention(String stream, Duration retention) {
    return run(() -> core.changeRetention(stream, retention, true));
  }

  @Override
  public CompletableFuture<Void> decreaseRetention(String stream, Duration retention) {
    return run(() -> core.changeRetention(stream, retention, false));
  }

  @Override
  public CompletableFuture<PutResult> putRecord(String stream, PutEntry entry) {
    return pending(
        () -> core.putRecord(stream, RequestChecks.entry(entry, config.maxRecordSize())));
  }

  @Override
  public CompletableFuture<PutRecordsResult> putRecords(String stream, List<PutEntry> entries) {
    return pending(
        () -> core.putRecords(stream, RequestChecks.entries(entries, config.maxRecordSize())));
  }

  @Override
  public CompletableFuture<String> getShardIterator(
      String stream, String shardId, StartingPosition position) {
    return call(() -> core.getShardIterator(stream, shardId, position));
  }

  @Override
  public CompletableFuture<GetRecordsResult> getRecords(String shardIterator, int limit) {
    return call(() -> core.getRecords(shardIterator, limit));
  }

  @Override
  public CompletableFuture<StreamConsumer> registerConsumer(String stream, String consumerName) {
    return call(() -> core.registerConsumer(stream, consumerName));
  }

  @Override
  public CompletableFuture<StreamConsumer> describeConsumer(String stream, String consumerName) {
    return call(() -> core.describeConsumer(stream, consumerName));
  }

  @Override
  public CompletableFuture<List<StreamConsumer>> listConsumers(String stream) {
    return call(() -> core.listConsumers(stream));
  }

  @Override
  public CompletableFuture<Void> deregisterConsumer(String stream, String consumerName) {
    return run(() -> core.deregisterConsumer(stream, consumerName));
  }

  @Override
  public Flow.Publisher<ShardEvent> subscribeToShard(
      String stream, String consumerName, String shardId, StartingPosition position) {
    Flow.Publisher<ShardEvent> publisher =
        core.subscribeToShard(stream, consumerName, shardId, position, this);
    return subscriber -> {
      if (closed.get()) {
        subscriber.onSubscribe(
            new Flow.Subscription() {
              @Override
              public void request(long n) {}

              @Override
              public void cancel() {}
            });
        subscriber.onError(closedException());
        return;
      }
      publisher.subscribe(subscriber);
    };
  }

  private <T> CompletableFuture<T> call(Supplier<T> operation) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedException());
    }
    try {
      return CompletableFuture.completedFuture(operation.get());
    } catch (NullPointerException e) {
      throw e; // a null argument: the contract says it throws at once
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Void> run(Runnable operation) {
    return call(
        () -> {
          operation.run();
          return null;
        });
  }

  /** Runs an operation whose future may complete later, so that close() can fail it. */
  private <T> CompletableFuture<T> pending(Supplier<CompletableFuture<T>> operation) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedException());
    }
    CompletableFuture<T> inner;
    try {
      inner = operation.get();
    } catch (NullPointerException e) {
      throw e;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (inner.isDone()) {
      return inner;
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    outstanding.add(result);
    result.whenComplete((v, e) -> outstanding.remove(result));
    inner.whenComplete(
        (value, error) -> {
          if (error != null) {
            result.completeExceptionally(
                error instanceof java.util.concurrent.CompletionException
                        && error.getCause() != null
                    ? error.getCause()
                    : error);
          } else {
            result.complete(value);
          }
        });
    if (closed.get()) {
      result.completeExceptionally(closedException());
    }
    return result;
  }

  private static TransportClosedException closedException() {
    return new TransportClosedException("the embedded transport is closed");
  }

  /**
   * Fails outstanding puts and ends this transport's subscriptions with {@link
   * TransportClosedException}; releases its share of the engine. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (CompletableFuture<?> future : List.copyOf(outstanding)) {
      future.completeExceptionally(closedException());
    }
    core.endSubscriptionsOf(this, closedException());
    release.run();
  }

  @Override
  public String toString() {
    return "EmbeddedTransport{" + engine.config() + "}";
  }
}
