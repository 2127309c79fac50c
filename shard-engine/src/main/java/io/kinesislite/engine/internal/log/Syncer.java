package io.kinesislite.engine.internal.log;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forces the segments of an engine's {@link SegmentShardLog}s to disk on one daemon thread, {@value
 * #THREAD_NAME}; one per engine, shared by all its logs.
 *
 * <ul>
 *   <li>{@code ALWAYS}: group commit. An append writes its frames and {@link #enqueue enqueues}
 *       itself; each round takes everything pending, forces each segment involved once, then makes
 *       the appends readable and completes their futures. Writers that arrive during a force share
 *       the next one.
 *   <li>{@code INTERVAL}: appends {@link #markDirty mark} their segment; every sync interval the
 *       thread forces the dirty segments.
 *   <li>{@code NEVER}: the logs do not use it.
 * </ul>
 *
 * Futures complete on the sync thread: code that chains on them should be quick or use the {@code
 * *Async} variants, or it delays everyone's next sync.
 *
 * <p>Thread-safe. Lock order: a log's lock may be held when calling into the syncer, never the
 * other way round; the sync thread calls logs without holding the syncer's lock.
 */
public final class Syncer implements AutoCloseable {
  /** The name of the sync thread. */
  public static final String THREAD_NAME = "kinesis-lite-engine-sync";

  private static final Logger LOG = LoggerFactory.getLogger(Syncer.class);

  private final long intervalNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Queue<Segment> dirty = new ConcurrentLinkedQueue<>();
  private final AtomicLong forces = new AtomicLong();
  private final AtomicLong rounds = new AtomicLong();
  private final Thread thread;

  // Guarded by lock.
  private List<PendingSync> pending = new ArrayList<>();
  private boolean running = true;

  /** Starts the sync thread; {@code syncInterval} paces the INTERVAL policy. */
  public Syncer(Duration syncInterval) {
    this(syncInterval, true);
  }

  /** With {@code start} false there is no thread: tests call {@link #runOnce()}. */
  Syncer(Duration syncInterval, boolean start) {
    Objects.requireNonNull(syncInterval, "syncInterval == null");
    if (syncInterval.isNegative() || syncInterval.isZero()) {
      throw new IllegalArgumentException("syncInterval must be positive: " + syncInterval);
    }
    this.intervalNanos = syncInterval.toNanos();
    this.thread = start ? new Thread(this::run, THREAD_NAME) : null;
    if (thread != null) {
      thread.setDaemon(true);
      thread.start();
    }
  }

  /**
   * Queues an ALWAYS append for the next round and returns its future. After {@link #close()} the
   * append is discarded at once and the future fails.
   */
  CompletableFuture<Void> enqueue(PendingSync p) {
    lock.lock();
    try {
      if (running) {
        pending.add(p);
        wake.signal();
        return p.acknowledged();
      }
    } finally {
      lock.unlock();
    }
    StorageException closed = closedException();
    p.log().discard(p, closed);
    p.acknowledged().completeExceptionally(closed);
    return p.acknowledged();
  }

  /** Notes that {@code segment} has writes the next INTERVAL round must force. */
  void markDirty(Segment segment) {
    if (segment.dirty.compareAndSet(false, true)) {
      dirty.add(segment);
    }
  }

  /** Fails the pending appends of a log that has closed; it already cut them away. */
  void forget(SegmentShardLog log) {
    List<PendingSync> dropped = new ArrayList<>();
    lock.lock();
    try {
      pending.removeIf(p -> p.log() == log && dropped.add(p));
    } finally {
      lock.unlock();
    }
    for (PendingSync p : dropped) {
      p.acknowledged().completeExceptionally(discarded(p, "its log closed"));
    }
  }

  /** Returns how many times the syncer has forced a file; for tests. */
  public long forceCount() {
    return forces.get();
  }

  /** Returns how many rounds the syncer has run; for tests. */
  public long roundCount() {
    return rounds.get();
  }

  /** Returns the sync thread, or null if this syncer runs only by {@link #runOnce()}; for tests. */
  Thread thread() {
    return thread;
  }

  /** Runs one round now: everything pending, and every dirty segment. */
  void runOnce() {
    syncRound(takePending(), true);
  }

  /**
   * Stops the sync thread, forces dirty INTERVAL segments one last time and fails the ALWAYS
   * appends still waiting with a {@link StorageException}. Idempotent.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (!running) {
        return;
      }
      running = false;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    if (thread != null && thread != Thread.currentThread()) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    syncRound(List.of(), true);
    StorageException closed = closedException();
    for (PendingSync p : takePending()) {
      p.log().discard(p, closed);
      p.acknowledged().completeExceptionally(closed);
    }
  }

  private void run() {
    long remaining = intervalNanos;
    while (true) {
      List<PendingSync> batch;
      boolean intervalDue;
      lock.lock();
      try {
        // awaitNanos keeps time without reading a clock; rounds for ALWAYS appends may stretch
        // the interval a little, which is harmless.
        while (running && pending.isEmpty() && remaining > 0) {
          remaining = wake.awaitNanos(remaining);
        }
        if (!running) {
          return;
        }
        batch = pending;
        pending = new ArrayList<>();
        intervalDue = remaining <= 0;
        if (intervalDue) {
          remaining = intervalNanos;
        }
      } catch (InterruptedException e) {
        // Nobody should interrupt this thread; the loop checks running and goes on.
        continue;
      } finally {
        lock.unlock();
      }
      try {
        syncRound(batch, intervalDue);
      } catch (RuntimeException e) {
        LOG.error("Sync round failed; going on.", e);
      }
    }
  }

  private List<PendingSync> takePending() {
    lock.lock();
    try {
      List<PendingSync> batch = pending;
      pending = new ArrayList<>();
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private void syncRound(List<PendingSync> batch, boolean withDirty) {
    Map<Segment, IOException> failed = new IdentityHashMap<>();
    Map<Segment, Boolean> forced = new IdentityHashMap<>();
    for (PendingSync p : batch) {
      forceOnce(p.end().segment(), forced, failed);
    }
    if (withDirty) {
      for (Segment s = dirty.poll(); s != null; s = dirty.poll()) {
        s.dirty.set(false); // before the force: a write after it marks the segment again
        if (forceOnce(s, forced, failed) != null) {
          LOG.error(
              "Cannot sync {}; records acknowledged under INTERVAL may be lost in a power loss: {}",
              s,
              failed.get(s).toString());
        }
      }
    }
    rounds.incrementAndGet();
    for (PendingSync p : batch) {
      IOException failure = failed.get(p.end().segment());
      if (failure == null && p.log().acknowledge(p)) {
        p.acknowledged().complete(null);
      } else if (failure != null) {
        StorageException e =
            new StorageException("cannot sync " + p.end().segment() + ": " + failure, failure);
        p.log().discard(p, e);
        p.acknowledged().completeExceptionally(e);
      } else {
        p.acknowledged()
            .completeExceptionally(discarded(p, "an earlier append failed or the log closed"));
      }
    }
  }

  /** Forces {@code s} unless this round did already; returns the failure, if any. */
  private IOException forceOnce(
      Segment s, Map<Segment, Boolean> forced, Map<Segment, IOException> failed) {
    if (forced.put(s, Boolean.TRUE) != null || s.isClosed()) {
      return failed.get(s);
    }
    try {
      s.force();
      forces.incrementAndGet();
      return null;
    } catch (Segment.GoneException e) {
      return null; // trimmed or closed meanwhile: its log has dealt with its records
    } catch (IOException e) {
      failed.put(s, e);
      return e;
    }
  }

  private static StorageException discarded(PendingSync p, String why) {
    return new StorageException(
        "records from offset "
            + p.start().offset()
            + " in "
            + p.start().segment()
            + " were not synced: "
            + why,
        null);
  }

  private static StorageException closedException() {
    return new StorageException("the engine's syncer is closed", null);
  }
}
