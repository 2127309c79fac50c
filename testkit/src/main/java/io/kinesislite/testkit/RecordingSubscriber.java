package io.kinesislite.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Flow.Subscriber} for tests: it requests only what the test asks for, records every
 * signal, and notes any breach of the reactive-streams rules it can see (an item it did not
 * request, a signal after the terminal one, a second {@code onSubscribe}).
 *
 * <pre>{@code
 * RecordingSubscriber<ShardEvent> events = new RecordingSubscriber<>();
 * publisher.subscribe(events);
 * events.request(1);
 * List<ShardEvent> first = events.awaitItems(1, Duration.ofSeconds(10));
 * assertThat(events.violations()).isEmpty();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class RecordingSubscriber<T> implements Flow.Subscriber<T> {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<T> items = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private Flow.Subscription subscription;
  private long requested;
  private long pendingRequests;
  private Throwable error;
  private boolean completed;

  @Override
  public void onSubscribe(Flow.Subscription s) {
    Objects.requireNonNull(s, "subscription == null");
    long toRequest;
    lock.lock();
    try {
      if (subscription != null) {
        violations.add("onSubscribe called twice");
        s.cancel();
        return;
      }
      subscription = s;
      toRequest = pendingRequests;
      pendingRequests = 0;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (toRequest > 0) {
      s.request(toRequest);
    }
  }

  @Override
  public void onNext(T item) {
    lock.lock();
    try {
      if (isDone()) {
        violations.add("onNext after the terminal signal");
      }
      if (items.size() + 1 > requested) {
        violations.add("onNext without demand: item " + (items.size() + 1) + " of " + requested);
      }
      items.add(item);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onError(Throwable throwable) {
    terminate(throwable);
  }

  @Override
  public void onComplete() {
    terminate(null);
  }

  private void terminate(Throwable throwable) {
    lock.lock();
    try {
      if (isDone()) {
        violations.add("a second terminal signal: " + (throwable != null ? throwable : "complete"));
        return;
      }
      if (subscription == null) {
        violations.add("terminal signal before onSubscribe");
      }
      error = throwable;
      completed = throwable == null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Requests {@code n} more items; before {@code onSubscribe}, the request waits for it. */
  public void request(long n) {
    Flow.Subscription s;
    lock.lock();
    try {
      requested += n;
      s = subscription;
      if (s == null) {
        pendingRequests += n;
      }
    } finally {
      lock.unlock();
    }
    if (s != null) {
      s.request(n);
    }
  }

  /** Cancels the subscription, if there is one yet. */
  public void cancel() {
    Flow.Subscription s;
    lock.lock();
    try {
      s = subscription;
    } finally {
      lock.unlock();
    }
    if (s != null) {
      s.cancel();
    }
  }

  /**
   * Waits until at least {@code count} items arrived and returns them all.
   *
   * @throws AssertionError if they do not arrive within {@code timeout}, or the stream ends first
   */
  public List<T> awaitItems(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (items.size() < count) {
        if (isDone()) {
          throw new AssertionError(
              "stream ended after " + items.size() + " of " + count + " items", error);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "only " + items.size() + " of " + count + " items within " + timeout);
        }
        changed.await(left, TimeUnit.NANOSECONDS);
      }
      return List.copyOf(items);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for the terminal signal and returns the error, or null if the stream completed.
   *
   * @throws AssertionError if neither comes within {@code timeout}
   */
  public Throwable awaitTerminal(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!isDone()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no terminal signal within " + timeout);
        }
        changed.await(left, TimeUnit.NANOSECONDS);
      }
      return error;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      lock.unlock();
    }
  }

  /** Returns the items received so far. */
  public List<T> items() {
    lock.lock();
    try {
      return List.copyOf(items);
    } finally {
      lock.unlock();
    }
  }

  /** Returns the rule breaches seen so far; empty when the publisher behaved. */
  public List<String> violations() {
    lock.lock();
    try {
      return List.copyOf(violations);
    } finally {
      lock.unlock();
    }
  }

  private boolean isDone() {
    return completed || error != null;
  }
}
