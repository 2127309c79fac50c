package io.kinesislite.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded waits for a condition that other threads or processes make true: the test polls every 10
 * ms and fails with what it waited for, never hangs.
 *
 * <pre>{@code
 * Duration took = Eventually.within(Duration.ofSeconds(30), "2 leases held", () -> held() == 2);
 * }</pre>
 *
 * <p>Thread-safe (stateless).
 */
public final class Eventually {
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private Eventually() {}

  /**
   * Waits up to {@code timeout} until {@code condition} holds; returns how long that took.
   *
   * @throws AssertionError naming {@code what} if the condition does not hold in time
   */
  public static Duration within(Duration timeout, String what, BooleanSupplier condition) {
    return within(timeout, what, condition, () -> "");
  }

  /**
   * As {@link #within(Duration, String, BooleanSupplier)}; on timeout the error also carries {@code
   * state}, evaluated then, to show what was seen instead.
   */
  public static Duration within(
      Duration timeout, String what, BooleanSupplier condition, Supplier<String> state) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        String seen = state.get();
        throw new AssertionError(
            "timed out after "
                + timeout
                + " waiting until "
                + what
                + (seen.isEmpty() ? "" : ": " + seen));
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
