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
 * Ends user records: completes their futures on the callback pool, one task per batch, so that
 * application callbacks never run on the sender or on a transport thread, and gives their buffer
 * room back when that task starts. Until then the records still count against the buffer limits, so
 * slow callbacks hold adders back instead of letting completions pile up without bound. Each record
 * ends once, whoever asks first (a put's answer, expiry, close).
 *
 * <p>Thread-safe.
 */
final class Completions {
  private final BufferLimits limits;
  private final Executor callbacks;
  private final ProducerMetrics metrics;
  private final ConcurrentMap<Long, UserRecord> outstanding = new ConcurrentHashMap<>();
  private static final ThreadLocal<Boolean> COMPLETING = ThreadLocal.withInitial(() -> false);

  Completions(BufferLimits limits, Executor callbacks, ProducerMetrics metrics) {
    this.limits = limits;
    this.callbacks = callbacks;
    this.metrics = metrics;
  }

  void started(UserRecord record) {
    outstanding.put(record.seq, record);
  }

  /** Returns how many records' futures are not complete yet. */
  int count() {
    return outstanding.size();
  }

  /**
   * Returns the records whose futures are not complete yet, ended or not; for flushSync, which must
   * not return before the futures of records ended a moment ago complete, and close.
   */
  List<UserRecord> outstanding() {
    return new ArrayList<>(outstanding.values());
  }

  /** Returns true on a thread that is completing futures, so running their callbacks. */
  static boolean inCallback() {
    return COMPLETING.get();
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
    metrics.retriesPerRecord(r.stream, shardId, r.retries());
    return true;
  }

  // Room goes back as the batch's task starts, before its callbacks run: a callback that adds
  // finds the room its own records held, and adders never wait for callbacks other than queued
  // ones.
  private void release(List<UserRecord> ended) {
    long bytes = 0;
    for (UserRecord r : ended) {
      bytes += r.size();
    }
    limits.release(ended.size(), bytes);
  }

  // One task for the batch: a result completes its future, an exception fails it.
  private void complete(List<UserRecord> records, List<Object> outcomes) {
    if (records.isEmpty()) {
      return;
    }
    Runnable task =
        () -> {
          release(records);
          boolean nested = COMPLETING.get();
          COMPLETING.set(true);
          try {
            completeAll(records, outcomes);
          } finally {
            COMPLETING.set(nested);
          }
        };
    try {
      callbacks.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // closing: the pool is gone, but every future must still complete
    }
  }

  private void completeAll(List<UserRecord> records, List<Object> outcomes) {
    for (int i = 0; i < records.size(); i++) {
      Object outcome = outcomes.get(i);
      UserRecord r = records.get(i);
      if (outcome instanceof RecordResult result) {
        r.future.complete(result);
      } else {
        r.future.completeExceptionally((RuntimeException) outcome);
      }
      outstanding.remove(r.seq); // only now: flushSync waits for the future itself
    }
  }
}
