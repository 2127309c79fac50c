package io.kinesislite.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What a run's processors saw: records, batches, when shards came and first gave records. */
final class Progress {
  private final long recordTarget;
  private final int shardTarget;
  final AtomicLong records = new AtomicLong();
  final LongAdder batches = new LongAdder();
  final Map<String, Long> gainedAt = new ConcurrentHashMap<>(); // System.nanoTime(), by shard
  final Map<String, Long> firstRecordAt = new ConcurrentHashMap<>(); // System.nanoTime()
  private final CompletableFuture<Void> reached = new CompletableFuture<>();

  /** Reached once {@code recordTarget} records came, from at least {@code shardTarget} shards. */
  Progress(long recordTarget, int shardTarget) {
    this.recordTarget = recordTarget;
    this.shardTarget = shardTarget;
  }

  void gained(String shardId) {
    gainedAt.putIfAbsent(shardId, System.nanoTime());
  }

  void processed(String shardId, int count) {
    firstRecordAt.putIfAbsent(shardId, System.nanoTime());
    batches.increment();
    if (records.addAndGet(count) >= recordTarget && firstRecordAt.size() >= shardTarget) {
      reached.complete(null);
    }
  }

  /** Waits until reached; returns false on timeout. */
  boolean await(Duration timeout) throws InterruptedException {
    try {
      reached.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
