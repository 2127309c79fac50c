package io.kinesislite.engine;

import io.kinesislite.engine.internal.EngineCore;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.ShardFilter;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamConsumer;
import io.kinesislite.transport.StreamDescription;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The bundled engine with Kinesis semantics: streams of shards that tile the 128-bit hash-key
 * space, records ordered and immutable within a shard, sequence numbers, iterators, resharding with
 * lineage, retention, enhanced fan-out, and the Kinesis limits. It keeps its data in memory, or
 * durable in a directory so that acknowledged records survive a crash.
 *
 * <p>Most code reaches it through {@link EmbeddedTransport} (selection {@code embedded:} or {@code
 * embedded:DIR}); this class is for hosting it directly, as {@code serve} does. Its methods answer
 * at once and throw the same typed {@link io.kinesislite.transport.KinesisLiteException}s Kinesis
 * would cause, except puts, whose futures complete when the records are acknowledged under the
 * {@link SyncPolicy}.
 *
 * <pre>{@code
 * try (ShardEngine engine = ShardEngine.open(EngineConfig.builder()
 *     .directory(Path.of("data")).syncPolicy(SyncPolicy.ALWAYS).build())) {
 *   engine.createStream("orders", 4);
 *   PutResult put = engine.putRecord("orders", PutEntry.of("order-1", bytes)).join();
 * }
 * }</pre>
 *
 * <p>Thread-safe. It runs two named threads, {@code kinesis-lite-engine-scheduler-*}, a small
 * callback pool, {@code kinesis-lite-engine-callback-*}, which completes puts acknowledged after an
 * fsync, plus {@code kinesis-lite-engine-sync} when durable; {@link #close()} stops them.
 */
public final class ShardEngine implements AutoCloseable {
  private final EngineCore core;

  private ShardEngine(EngineCore core) {
    this.core = core;
  }

  /**
   * Opens an engine; a durable one recovers what its directory holds, truncating any torn tail.
   *
   * @throws io.kinesislite.transport.KinesisLiteException if the directory cannot be used, for
   *     example because another engine holds it
   */
  public static ShardEngine open(EngineConfig config) {
    return new ShardEngine(EngineCore.open(Objects.requireNonNull(config, "config == null")));
  }

  public EngineConfig config() {
    return core.config();
  }

  EngineCore core() {
    return core;
  }

  public void createStream(String stream, int shardCount) {
    core.createStream(stream, shardCount);
  }

  public void createOnDemandStream(String stream) {
    core.createOnDemandStream(stream);
  }

  public void deleteStream(String stream, boolean enforceConsumerDeletion) {
    core.deleteStream(stream, enforceConsumerDeletion);
  }

  public StreamDescription describeStream(String stream) {
    return core.describeStream(stream);
  }

  public List<String> listStreams() {
    return core.listStreams();
  }

  public List<Shard> listShards(String stream, ShardFilter filter) {
    return core.listShards(stream, filter);
  }

  public void splitShard(String stream, String shardId, BigInteger newStartingHashKey) {
    core.splitShard(stream, shardId, newStartingHashKey);
  }

  public void mergeShards(String stream, String shardId, String adjacentShardId) {
    core.mergeShards(stream, shardId, adjacentShardId);
  }

  public void updateShardCount(String stream, int targetShardCount) {
    core.updateShardCount(stream, targetShardCount);
  }

  public void increaseRetention(String stream, Duration retention) {
    core.changeRetention(stream, retention, true);
  }

  public void decreaseRetention(String stream, Duration retention) {
    core.changeRetention(stream, retention, false);
  }

  /** Puts one record; the future completes once it is acknowledged under the sync policy. */
  public CompletableFuture<PutResult> putRecord(String stream, PutEntry entry) {
    return core.putRecord(stream, entry);
  }

  /** Puts up to 500 records; each entry succeeds or fails on its own. */
  public CompletableFuture<PutRecordsResult> putRecords(String stream, List<PutEntry> entries) {
    return core.putRecords(stream, entries);
  }

  public String getShardIterator(String stream, String shardId, StartingPosition position) {
    return core.getShardIterator(stream, shardId, position);
  }

  public GetRecordsResult getRecords(String shardIterator, int limit) {
    return core.getRecords(shardIterator, limit);
  }

  public StreamConsumer registerConsumer(String stream, String consumerName) {
    return core.registerConsumer(stream, consumerName);
  }

  public StreamConsumer describeConsumer(String stream, String consumerName) {
    return core.describeConsumer(stream, consumerName);
  }

  public List<StreamConsumer> listConsumers(String stream) {
    return core.listConsumers(stream);
  }

  public void deregisterConsumer(String stream, String consumerName) {
    core.deregisterConsumer(stream, consumerName);
  }

  public Flow.Publisher<ShardEvent> subscribeToShard(
      String stream, String consumerName, String shardId, StartingPosition position) {
    return core.subscribeToShard(stream, consumerName, shardId, position);
  }

  /**
   * Applies retention and scales on-demand streams now, as the engine does by itself every {@link
   * EngineConfig#maintenanceInterval()}. Tests with a manual clock call it after moving the clock.
   */
  public void runMaintenance() {
    core.runMaintenance();
  }

  /**
   * Ends fan-out subscriptions, stops the engine's threads, syncs and closes its files, and
   * releases its directory. Idempotent.
   */
  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return "ShardEngine{" + core.config() + "}";
  }
}
