package io.kinesislite.transport.internal;

import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.TransportClosedException;
import io.kinesislite.transport.TransportTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a remote state by polling an asynchronous call, without holding a thread while it
 * waits: each next poll is scheduled on the JDK's shared delay scheduler.
 *
 * <p>Thread-safe.
 */
public final class Polling {
  private static final long FIRST_INTERVAL_MILLIS = 50;
  private static final long MAX_INTERVAL_MILLIS = 1_000;

  private Polling() {}

  /**
   * Polls {@code call} until its result passes {@code done}, then completes with that result.
   * Retriable errors are polled through; a fatal error fails the returned future at once. When
   * {@code timeout} passes first, it fails with {@link TransportTimeoutException} naming {@code
   * what} and the last result seen.
   */
  public static <T> CompletableFuture<T> until(
      Supplier<CompletableFuture<T>> call, Predicate<T> done, Duration timeout, String what) {
    Objects.requireNonNull(call, "call == null");
    Objects.requireNonNull(done, "done == null");
    Objects.requireNonNull(timeout, "timeout == null");
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<T> result = new CompletableFuture<>();
    AtomicReference<Object> last = new AtomicReference<>("nothing yet");
    poll(call, done, deadline, FIRST_INTERVAL_MILLIS, result, last, timeout, what);
    return result;
  }

  private static <T> void poll(
      Supplier<CompletableFuture<T>> call,
      Predicate<T> done,
      long deadline,
      long intervalMillis,
      CompletableFuture<T> result,
      AtomicReference<Object> last,
      Duration timeout,
      String what) {
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
            step(call, done, deadline, intervalMillis, result, last, timeout, what, value, error);
          } catch (RuntimeException e) {
            // A predicate or supplier that throws must fail the wait, not strand it.
            result.completeExceptionally(e);
          }
        });
  }

  private static <T> void step(
      Supplier<CompletableFuture<T>> call,
      Predicate<T> done,
      long deadline,
      long intervalMillis,
      CompletableFuture<T> result,
      AtomicReference<Object> last,
      Duration timeout,
      String what,
      T value,
      Throwable error) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause != null) {
      if (!(cause instanceof KinesisLiteException k)
          || !k.isRetriable()
          || cause instanceof TransportClosedException) {
        result.completeExceptionally(cause);
        return;
      }
      last.set(cause);
    } else if (done.test(value)) {
      result.complete(value);
      return;
    } else {
      last.set(value);
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
                  + last.get()));
      return;
    }
    long delay = Math.min(intervalMillis, remainingMillis);
    Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS);
    later.execute(
        () ->
            poll(
                call,
                done,
                deadline,
                Math.min(intervalMillis * 2, MAX_INTERVAL_MILLIS),
                result,
                last,
                timeout,
                what));
  }
}
