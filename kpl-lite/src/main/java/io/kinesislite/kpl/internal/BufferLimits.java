package io.kinesislite.kpl.internal;

import io.kinesislite.kpl.BufferFullException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds what the producer holds: outstanding records and bytes. {@link #acquire} waits for room up
 * to a set time, or fails at once; {@link #release} gives room back when a record is delivered or
 * failed. Waiters are woken in turn (a fair lock), so a large record is not starved by small ones
 * forever.
 *
 * <p>Thread-safe.
 */
final class BufferLimits {
  private final long maxRecords;
  private final long maxBytes;
  private final ReentrantLock lock = new ReentrantLock(true);
  private final Condition freed = lock.newCondition();
  private final Condition empty = lock.newCondition();
  private long records;
  private long bytes;

  BufferLimits(long maxRecords, long maxBytes) {
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
  }

  /**
   * Reserves room for one record of {@code size} bytes, waiting up to {@code wait}.
   *
   * @throws BufferFullException naming the limit, if there is no room in time
   * @throws io.kinesislite.transport.KinesisLiteException if interrupted (interrupt flag kept)
   */
  void acquire(long size, Duration wait) {
    // A record bigger than the whole byte budget may still go alone: otherwise it never could.
    long needed = Math.min(size, maxBytes);
    long deadline = System.nanoTime() + wait.toNanos();
    lock.lock();
    try {
      while (records + 1 > maxRecords || (bytes + needed > maxBytes && bytes > 0)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw full();
        }
        try {
          freed.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new BufferFullException("interrupted while waiting for room in the buffer");
        }
      }
      records++;
      bytes += size;
    } finally {
      lock.unlock();
    }
  }

  private BufferFullException full() {
    return records + 1 > maxRecords
        ? new BufferFullException(
            "the producer already holds MaxOutstandingRecords=" + maxRecords + " records")
        : new BufferFullException(
            "the producer already holds " + bytes + " bytes; MaxOutstandingBytes=" + maxBytes);
  }

  void release(long size) {
    lock.lock();
    try {
      records--;
      bytes -= size;
      freed.signalAll();
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
