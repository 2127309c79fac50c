package io.kinesislite.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.StreamRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounded waits on transport futures for tests: a call that does not complete in time is a test
 * failure, never a hang.
 *
 * <pre>{@code
 * PutResult put = await(transport.putRecord(stream, PutEntry.of("k", bytes("v"))));
 * assertFailsWith(transport.describeStream("missing"), ResourceNotFoundException.class);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class TransportAssertions {
  /** How long {@link #await} and {@link #assertFailsWith} wait: one minute. */
  public static final Duration CALL_BOUND = Duration.ofMinutes(1);

  private TransportAssertions() {}

  /**
   * Waits up to {@link #CALL_BOUND} for {@code future} and returns its value; rethrows its failure
   * unwrapped.
   */
  public static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(CALL_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new CompletionException(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the call did not complete within " + CALL_BOUND, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Asserts that {@code future} fails with {@code type} within the bound; returns the failure. */
  public static <E extends KinesisLiteException> E assertFailsWith(
      CompletableFuture<?> future, Class<E> type) {
    try {
      Object value = future.get(CALL_BOUND.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected " + type.getSimpleName() + " but got " + value);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(type);
      return type.cast(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the call did not complete within " + CALL_BOUND, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Returns the UTF-8 bytes of {@code text}. */
  public static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Returns a record's data read as UTF-8. */
  public static String text(StreamRecord record) {
    return new String(record.dataBytes(), StandardCharsets.UTF_8);
  }
}
