package io.kinesislite.agent.internal;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes of records read and not yet acknowledged, against the agent's bound. Taking never
 * blocks (the reader takes a chunk's records even if they pass the bound a little); the reader asks
 * {@link #exhausted()} before it reads more and waits for room, so memory stays within the bound
 * plus one read chunk whether the stream is slow, throttling or gone.
 *
 * <p>Thread-safe.
 */
final class ByteBudget {
  private final long limit;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition room = lock.newCondition();
  private long used;
  private long peak;

  ByteBudget(long limit) {
    this.limit = limit;
  }

  void take(long bytes) {
    lock.lock();
    try {
      used += bytes;
      peak = Math.max(peak, used);
    } finally {
      lock.unlock();
    }
  }

  void release(long bytes) {
    lock.lock();
    try {
      used -= bytes;
      room.signalAll();
    } finally {
      lock.unlock();
    }
  }

  boolean exhausted() {
    lock.lock();
    try {
      return used >= limit;
    } finally {
      lock.unlock();
    }
  }

  long used() {
    lock.lock();
    try {
      return used;
    } finally {
      lock.unlock();
    }
  }

  /** The most that was ever in use at once. */
  long peak() {
    lock.lock();
    try {
      return peak;
    } finally {
      lock.unlock();
    }
  }

  long limit() {
    return limit;
  }

  /** Waits up to {@code timeout} for the bytes in use to fall to {@code atMost} or below. */
  boolean awaitAtMost(long atMost, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (used > atMost) {
        if (nanos <= 0) {
          return false;
        }
        nanos = room.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes waiters without a release (the agent is stopping). */
  void wakeAll() {
    lock.lock();
    try {
      room.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code timeout} for room under the bound. */
  boolean awaitRoom(Duration timeout) throws InterruptedException {
    return awaitAtMost(limit - 1, timeout) || !exhausted();
  }
}
