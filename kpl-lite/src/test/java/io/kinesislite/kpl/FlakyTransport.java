package io.kinesislite.kpl;

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
import io.kinesislite.transport.TransportIoException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport that forwards to a real one, but can be taken down: while down, puts and shard
 * listings fail as a dead connection would, or hang until brought up again.
 */
final class FlakyTransport implements KinesisTransport {
  private final KinesisTransport real;
  private volatile boolean down;
  private volatile CompletableFuture<Void> upAgain = CompletableFuture.completedFuture(null);
  private volatile boolean hangWhileDown;
  final AtomicInteger putCalls = new AtomicInteger();

  /** The number of entries of each put-many call, in the order they were made. */
  final List<Integer> putSizes = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** One put-many call as it was made: its stream and its entries. */
  record Put(String stream, List<PutEntry> entries) {
    /** Returns the bytes Kinesis counts against its 5 MiB limit: partition keys plus data. */
    long countedBytes() {
      return entries.stream().mapToLong(PutEntry::countedSize).sum();
    }
  }

  /** Each put-many call, in the order they were made (before it reaches the real transport). */
  final List<Put> puts = new java.util.concurrent.CopyOnWriteArrayList<>();

  FlakyTransport(KinesisTransport real) {
    this.real = real;
  }

  void down(boolean hang) {
    hangWhileDown = hang;
    upAgain = new CompletableFuture<>();
    down = true;
  }

  void up() {
    down = false;
    upAgain.complete(null);
  }

  private <T> CompletableFuture<T> unlessDown(
      java.util.function.Supplier<CompletableFuture<T>> call) {
    if (!down) {
      return call.get();
    }
    if (hangWhileDown) {
      return upAgain.thenCompose(ignored -> call.get());
    }
    return CompletableFuture.failedFuture(new TransportIoException("connection refused (test)"));
  }

  @Override
  public CompletableFuture<PutRecordsResult> putRecords(String stream, List<PutEntry> entries) {
    putCalls.incrementAndGet();
    putSizes.add(entries.size());
    puts.add(new Put(stream, List.copyOf(entries)));
    return unlessDown(() -> real.putRecords(stream, entries));
  }

  @Override
  public CompletableFuture<List<Shard>> listShards(String stream, ShardFilter filter) {
    return unlessDown(() -> real.listShards(stream, filter));
  }

  @Override
  public CompletableFuture<PutResult> putRecord(String stream, PutEntry entry) {
    return unlessDown(() -> real.putRecord(stream, entry));
  }

  @Override
  public CompletableFuture<Void> createStream(String stream, int shardCount) {
    return real.createStream(stream, shardCount);
  }

  @Override
  public CompletableFuture<Void> createOnDemandStream(String stream) {
    return real.createOnDemandStream(stream);
  }

  @Override
  public CompletableFuture<Void> deleteStream(String stream, boolean enforceConsumerDeletion) {
    return real.deleteStream(stream, enforceConsumerDeletion);
  }

  @Override
  public CompletableFuture<StreamDescription> describeStream(String stream) {
    return real.describeStream(stream);
  }

  @Override
  public CompletableFuture<List<String>> listStreams() {
    return real.listStreams();
  }

  @Override
  public CompletableFuture<Void> splitShard(String stream, String shardId, BigInteger key) {
    return real.splitShard(stream, shardId, key);
  }

  @Override
  public CompletableFuture<Void> mergeShards(String stream, String shardId, String adjacent) {
    return real.mergeShards(stream, shardId, adjacent);
  }

  @Override
  public CompletableFuture<Void> updateShardCount(String stream, int target) {
    return real.updateShardCount(stream, target);
  }

  @Override
  public CompletableFuture<Void> increaseRetention(String stream, Duration retention) {
    return real.increaseRetention(stream, retention);
  }

  @Override
  public CompletableFuture<Void> decreaseRetention(String stream, Duration retention) {
    return real.decreaseRetention(stream, retention);
  }

  @Override
  public CompletableFuture<String> getShardIterator(
      String stream, String shardId, StartingPosition position) {
    return real.getShardIterator(stream, shardId, position);
  }

  @Override
  public CompletableFuture<GetRecordsResult> getRecords(String shardIterator, int limit) {
    return real.getRecords(shardIterator, limit);
  }

  @Override
  public CompletableFuture<StreamConsumer> registerConsumer(String stream, String name) {
    return real.registerConsumer(stream, name);
  }

  @Override
  public CompletableFuture<StreamConsumer> describeConsumer(String stream, String name) {
    return real.describeConsumer(stream, name);
  }

  @Override
  public CompletableFuture<List<StreamConsumer>> listConsumers(String stream) {
    return real.listConsumers(stream);
  }

  @Override
  public CompletableFuture<Void> deregisterConsumer(String stream, String name) {
    return real.deregisterConsumer(stream, name);
  }

  @Override
  public Flow.Publisher<ShardEvent> subscribeToShard(
      String stream, String consumer, String shardId, StartingPosition position) {
    return real.subscribeToShard(stream, consumer, shardId, position);
  }

  @Override
  public void close() {
    up();
  }
}
