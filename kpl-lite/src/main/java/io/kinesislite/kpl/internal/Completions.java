package io.kinesislite.kpl.internal;

import io.kinesislite.kpl.RecordResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Ends user records: gives their buffer room back at once and completes their futures on the
 * callback pool, one task per batch, so that application callbacks never run on the sender or on a
 * transport thread. Each record ends once, whoever asks first (a put's answer, expiry, close).
 *
 * <p>Thread-safe.
 */
final class Completions {
  private final BufferLimits limits;
  private final Executor callbacks;
  private final ProducerMetrics metrics;
  private final ConcurrentMap<Long, UserRecord> outstanding = new ConcurrentHashMap<>();

  Completions(BufferLimits limits, Executor callbacks, ProducerMetrics metrics) {
    this.limits = limits;
    this.callbacks = callbacks;
    this.metrics = metrics;
  }

  void started(UserRecord record) {
    outstanding.put(record.seq, record);
  }

  /** Returns how many records have not ended. */
  int count() {
    return outstanding.size();
  }

  /** Returns the records not yet ended; for flushSync and close. */
  List<UserRecord> outstanding() {
    return new ArrayList<>(outstanding.values());
  }

  /** Ends records that were put; {@code results} lines up with {@code records}. */
  void succeed(String shardId, List<UserRecord> records, List<RecordResult> results) {
    List<UserRecord> ended = new ArrayList<>(records.size());
    List<Object> outcomes = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      UserRecord r = records.get(i);
      if (end(r, shardId)) {
        ended.add(r);
        outcomes.add(results.get(i));
      }
    }
    complete(ended, outcomes);
  }

  /** Ends records with the failure {@code error} makes for each. */
  void fail(
      List<UserRecord> records, String shardId, Function<UserRecord, RuntimeException> error) {
    List<UserRecord> ended = new ArrayList<>(records.size());
    List<Object> outcomes = new ArrayList<>(records.size());
    for (UserRecord r : records) {
      if (end(r, shardId)) {
        ended.add(r);
        outcomes.add(error.apply(r));
      }
    }
    complete(ended, outcomes);
  }

  private boolean end(UserRecord r, String shardId) {
    if (!r.finish()) {
      return false;
    }
    outstanding.remove(r.seq);
    limits.release(r.size());
    metrics.retriesPerRecord(r.stream, shardId, r.retries());
    return true;
  }

  // One task for the batch: a result completes its future, an exception fails it.
  private void complete(List<UserRecord> records, List<Object> outcomes) {
    if (records.isEmpty()) {
      return;
    }
    Runnable task =
        () -> {
          for (int i = 0; i < records.size(); i++) {
            Object outcome = outcomes.get(i);
            if (outcome instanceof RecordResult result) {
              records.get(i).future.complete(result);
            } else {
              records.get(i).future.completeExceptionally((RuntimeException) outcome);
            }
          }
        };
    try {
      callbacks.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // closing: the pool is gone, but every future must still complete
    }
  }
}
