package io.kinesislite.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that runs with the system clock but can be pushed forward, for tests that need real time
 * to pass (rate limits refill) and also a jump (iterators expire, retention passes) without waiting
 * for it. See {@link ManualClock} for a clock that only moves when told.
 *
 * <p>Thread-safe.
 */
public final class OffsetClock extends Clock {
  private volatile long offsetMillis;

  /** Moves the clock forward by {@code amount}. */
  public synchronized void advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("this clock only moves forward: " + amount);
    }
    offsetMillis += amount.toMillis();
  }

  @Override
  public long millis() {
    return System.currentTimeMillis() + offsetMillis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("an OffsetClock is always UTC");
  }
}
