package io.kinesislite.engine.internal;

import io.kinesislite.engine.internal.log.ShardLog;
import io.kinesislite.engine.internal.log.StorageException;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.internal.TokenBucket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One shard of an engine stream: its place in the hash-key space and the lineage, its log, and the
 * rate limits Kinesis puts on it.
 *
 * <p>Thread-safe: appends hold {@link #appendLock}; closing happens under the stream's write lock,
 * which excludes appends; everything else is immutable, volatile or concurrent.
 */
final class EngineShard {
  /** Per shard, as in Kinesis: 1 MiB and 1,000 records written per second. */
  static final int WRITE_BYTES_PER_SECOND = 1024 * 1024;

  static final int WRITE_RECORDS_PER_SECOND = 1_000;

  /** Per shard, shared by polling readers: 2 MiB and 5 GetRecords calls per second. */
  static final int READ_BYTES_PER_SECOND = 2 * 1024 * 1024;

  static final int READ_CALLS_PER_SECOND = 5;

  final int ordinal;
  final int streamTag;
  final String shardId;
  final HashKeyRange range;
  final String parentShardId;
  final String adjacentParentShardId;
  final long createdAtMillis;
  final ShardLog log;
  final ReentrantLock appendLock = new ReentrantLock();

  // Guarded by appendLock: arrival times never go backwards within a shard, even if the clock does.
  long lastArrivalMillis;

  private volatile long closedAtMillis = -1;
  private volatile long endOffset = -1;

  // The acknowledgement of the newest append. Acknowledgements complete in append order, so once
  // this one has, every append before it has been acknowledged or failed too.
  private volatile CompletableFuture<Void> lastAppend = CompletableFuture.completedFuture(null);

  // Null when limits are off.
  final TokenBucket writeRecords;
  final TokenBucket writeBytes;
  final TokenBucket readCalls;
  final TokenBucket readBytes;

  /** Write demand since the last maintenance run, throttled attempts included: scaling input. */
  final LongAdder demandRecords = new LongAdder();

  final LongAdder demandBytes = new LongAdder();

  /** Called when records become readable; fan-out subscriptions wait on it. */
  private final List<Runnable> dataListeners = new CopyOnWriteArrayList<>();

  EngineShard(
      int streamTag,
      int ordinal,
      HashKeyRange range,
      String parentShardId,
      String adjacentParentShardId,
      long createdAtMillis,
      ShardLog log,
      Clock clock,
      boolean limits,
      int maxRecordSize) {
    this.streamTag = streamTag;
    this.ordinal = ordinal;
    this.shardId = shardId(ordinal);
    this.range = range;
    this.parentShardId = parentShardId;
    this.adjacentParentShardId = adjacentParentShardId;
    this.createdAtMillis = createdAtMillis;
    this.log = log;
    this.lastArrivalMillis = Math.max(log.lastArrivalMillis(), 0);
    if (limits) {
      // A burst of one second's worth, but never less than one largest record plus its key, or
      // such a record could never be written.
      this.writeRecords =
          new TokenBucket(clock, WRITE_RECORDS_PER_SECOND, WRITE_RECORDS_PER_SECOND);
      this.writeBytes =
          new TokenBucket(
              clock,
              WRITE_BYTES_PER_SECOND,
              Math.max(WRITE_BYTES_PER_SECOND, maxRecordSize + 1024));
      this.readCalls = new TokenBucket(clock, READ_CALLS_PER_SECOND, READ_CALLS_PER_SECOND);
      this.readBytes = new TokenBucket(clock, READ_BYTES_PER_SECOND, READ_BYTES_PER_SECOND);
    } else {
      this.writeRecords = null;
      this.writeBytes = null;
      this.readCalls = null;
      this.readBytes = null;
    }
  }

  static String shardId(int ordinal) {
    return String.format("shardId-%012d", ordinal);
  }

  /** Parses {@code shardId-000000000007} to 7, or returns -1 if it is not a shard id. */
  static int ordinalOf(String shardId) {
    if (!shardId.startsWith("shardId-") || shardId.length() < 9 || shardId.length() > 20) {
      return -1;
    }
    try {
      long ordinal = Long.parseLong(shardId.substring(8));
      return ordinal >= 0 && ordinal <= Integer.MAX_VALUE ? (int) ordinal : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  boolean isOpen() {
    return endOffset < 0;
  }

  /** Returns one past the shard's last offset once closed, else -1. */
  long endOffset() {
    return endOffset;
  }

  long closedAtMillis() {
    return closedAtMillis;
  }

  /** Notes an append's acknowledgement; the caller holds {@link #appendLock}. */
  void appended(CompletableFuture<Void> acknowledged) {
    lastAppend = acknowledged;
  }

  /**
   * Waits until every append so far is acknowledged or failed, so that the shard's end can be
   * fixed: records still waiting for an fsync may yet be dropped if it fails.
   *
   * @throws StorageException if that takes longer than {@code timeout}
   */
  void awaitAppends(Duration timeout) {
    try {
      lastAppend.handle((ignored, error) -> null).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new StorageException(
          "appends to " + shardId + " were not synced within " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting for appends to " + shardId, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("handle() cannot fail", e);
    }
  }

  /**
   * Closes the shard at its current end; the caller holds the stream's write lock and has waited
   * for its appends ({@link #awaitAppends}).
   */
  void close(long nowMillis) {
    endOffset = log.nextOffset();
    closedAtMillis = nowMillis;
  }

  /** Undoes {@link #close} when the change that closed the shard fails. */
  void reopen() {
    endOffset = -1;
    closedAtMillis = -1;
  }

  /** Restores a closed shard's end after a restart. */
  void restoreClosed(long endOffset, long closedAtMillis) {
    this.endOffset = endOffset;
    this.closedAtMillis = closedAtMillis;
  }

  String startingSequenceNumber() {
    return sequenceOfPosition(0);
  }

  /** Returns the sequence number of the record at {@code offset}. */
  String sequenceOfRecord(long offset) {
    return SequenceNumbers.ofRecord(streamTag, ordinal, offset);
  }

  /** Returns the sequence number of position {@code position} (offset + 1; 0 is the start). */
  String sequenceOfPosition(long position) {
    return SequenceNumbers.ofPosition(streamTag, ordinal, position);
  }

  Shard toShard() {
    long end = endOffset;
    return new Shard(
        shardId,
        Optional.ofNullable(parentShardId),
        Optional.ofNullable(adjacentParentShardId),
        range,
        startingSequenceNumber(),
        end < 0
            ? Optional.empty()
            // The last record's sequence number, or the start for a shard that got none.
            : Optional.of(sequenceOfPosition(end)));
  }

  void addDataListener(Runnable listener) {
    dataListeners.add(listener);
  }

  void removeDataListener(Runnable listener) {
    dataListeners.remove(listener);
  }

  void signalData() {
    for (Runnable listener : dataListeners) {
      listener.run();
    }
  }
}
