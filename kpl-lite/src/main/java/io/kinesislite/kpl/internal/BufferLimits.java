package io.kinesislite.kpl.internal;

import io.kinesislite.kpl.BufferFullException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds what the producer holds: outstanding records and bytes. {@link #acquire} waits for room up
 * to a set time, or fails at once; {@link #release} gives room back when records are delivered or
 * failed.
 *
 * <p>Adding threads that find room take it at once, under a short lock. Once one has to wait, later
 * ones queue behind it and are served in arrival order, so a large record is not starved by a
 * stream of small ones; a fair lock would give the same order at the price of a thread hand-off on
 * every add, which costs more than the add itself.
 *
 * <p>Thread-safe.
 */
final class BufferLimits {
  private final long maxRecords;
  private final long maxBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Condition empty = lock.newCondition();
  // Guarded by lock.
  private final ArrayDeque<Object> waiters = new ArrayDeque<>();
  private long records;
  private long bytes;

  BufferLimits(long maxRecords, long maxBytes) {
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
  }

  /**
   * Reserves room for one record of {@code size} bytes, waiting up to {@code wait}.
   *
   * @throws BufferFullException naming the limit, if there is no room in time, or if interrupted
   *     (the interrupt flag is kept)
   */
  void acquire(long size, Duration wait) {
    // A record bigger than the whole byte budget may still go alone: otherwise it never could.
    long needed = Math.min(size, maxBytes);
    lock.lock();
    try {
      if (waiters.isEmpty() && fits(needed)) {
        take(size);
        return;
      }
      Object me = new Object();
      waiters.add(me);
      try {
        long left = wait.toNanos();
        while (waiters.peek() != me || !fits(needed)) {
          if (left <= 0) {
            throw full();
          }
          try {
            left = changed.awaitNanos(left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BufferFullException("interrupted while waiting for room in the buffer");
          }
        }
        take(size);
      } finally {
        waiters.remove(me);
        changed.signalAll(); // the next in line, if any, looks again
      }
    } finally {
      lock.unlock();
    }
  }

  // The caller holds the lock.
  private boolean fits(long needed) {
    return records + 1 <= maxRecords && (bytes + needed <= maxBytes || bytes == 0);
  }

  private void take(long size) {
    records++;
    bytes += size;
  }

  private BufferFullException full() {
    return records + 1 > maxRecords
        ? new BufferFullException(
            "the producer already holds MaxOutstandingRecords=" + maxRecords + " records")
        : new BufferFullException(
            "the producer already holds " + bytes + " bytes; MaxOutstandingBytes=" + maxBytes);
  }

  /** Gives back the room of {@code count} records of {@code size} bytes in all. */
  void release(long count, long size) {
    if (count == 0) {
      return;
    }
    lock.lock();
    try {
      records -= count;
      bytes -= size;
      if (!waiters.isEmpty()) {
        changed.signalAll();
      }
      if (records == 0) {
        empty.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  long records() {
    lock.lock();
    try {
      return records;
    } finally {
      lock.unlock();
    }
  }

  long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until nothing is outstanding or {@code timeout} passes; returns whether it is empty. */
  boolean awaitEmpty(long timeout, TimeUnit unit) throws InterruptedException {
    long left = unit.toNanos(timeout);
    lock.lock();
    try {
      while (records > 0) {
        if (left <= 0) {
          return false;
        }
        left = empty.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
