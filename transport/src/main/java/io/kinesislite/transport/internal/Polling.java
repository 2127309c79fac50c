package io.kinesislite.transport.internal;

import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.TransportClosedException;
import io.kinesislite.transport.TransportTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a remote state by polling an asynchronous call, without holding a thread while it
 * waits: each next poll is scheduled on the JDK's shared delay scheduler.
 *
 * <p>Thread-safe: one wait's polls run one after another, never at once.
 */
public final class Polling<T> {
  private static final long FIRST_INTERVAL_MILLIS = 50;
  private static final long MAX_INTERVAL_MILLIS = 1_000;

  private final Supplier<CompletableFuture<T>> call;
  private final Predicate<T> done;
  private final Duration timeout;
  private final String what;
  private final long deadline;
  private final CompletableFuture<T> result = new CompletableFuture<>();
  // Written by one poll's completion, read by the next: the delayed executor orders them.
  private volatile Object lastSeen = "nothing yet";

  private Polling(
      Supplier<CompletableFuture<T>> call, Predicate<T> done, Duration timeout, String what) {
    this.call = Objects.requireNonNull(call, "call == null");
    this.done = Objects.requireNonNull(done, "done == null");
    this.timeout = Objects.requireNonNull(timeout, "timeout == null");
    this.what = what;
    this.deadline = System.nanoTime() + timeout.toNanos();
  }

  /**
   * Polls {@code call} until its result passes {@code done}, then completes with that result.
   * Retriable errors are polled through; a fatal error, a closed transport, or a predicate that
   * throws fails the returned future at once. When {@code timeout} passes first, it fails with
   * {@link TransportTimeoutException} naming {@code what} and the last result seen.
   */
  public static <T> CompletableFuture<T> until(
      Supplier<CompletableFuture<T>> call, Predicate<T> done, Duration timeout, String what) {
    Polling<T> polling = new Polling<>(call, done, timeout, what);
    polling.poll(FIRST_INTERVAL_MILLIS);
    return polling.result;
  }

  private void poll(long intervalMillis) {
    CompletableFuture<T> attempt;
    try {
      attempt = Objects.requireNonNull(call.get(), "the polled call returned null");
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    attempt.whenComplete(
        (value, error) -> {
          try {
            step(value, error, intervalMillis);
          } catch (RuntimeException e) {
            // A predicate that throws must fail the wait, not strand it.
            result.completeExceptionally(e);
          }
        });
  }

  private void step(T value, Throwable error, long intervalMillis) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause != null) {
      if (!(cause instanceof KinesisLiteException k)
          || !k.isRetriable()
          || cause instanceof TransportClosedException) {
        result.completeExceptionally(cause);
        return;
      }
      lastSeen = cause;
    } else if (done.test(value)) {
      result.complete(value);
      return;
    } else {
      lastSeen = value;
    }
    long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (remainingMillis <= 0) {
      result.completeExceptionally(
          new TransportTimeoutException(
              "gave up waiting for "
                  + what
                  + " after "
                  + timeout.toMillis()
                  + " ms; last seen: "
                  + lastSeen));
      return;
    }
    long next = Math.min(intervalMillis * 2, MAX_INTERVAL_MILLIS);
    CompletableFuture.delayedExecutor(
            Math.min(intervalMillis, remainingMillis), TimeUnit.MILLISECONDS)
        .execute(() -> poll(next));
  }
}
