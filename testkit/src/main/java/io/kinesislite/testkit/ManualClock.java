package io.kinesislite.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock for tests that moves only when told to, so that time-driven behaviour (rate limits,
 * iterator expiry, retention) is stepped deterministically instead of waited for.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * EngineConfig config = EngineConfig.builder().clock(clock).build();
 * clock.advance(Duration.ofMinutes(6)); // iterators issued before are now expired
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ManualClock extends Clock {
  private volatile Instant now;
  private final ZoneId zone;

  /** Starts at the current system time, so that arrival times still look real. */
  public ManualClock() {
    this(Instant.now());
  }

  public ManualClock(Instant start) {
    this(start, ZoneOffset.UTC);
  }

  private ManualClock(Instant start, ZoneId zone) {
    this.now = Objects.requireNonNull(start, "start == null");
    this.zone = zone;
  }

  /** Moves the clock forward by {@code amount}; never backward. */
  public synchronized void advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("a manual clock only moves forward: " + amount);
    }
    now = now.plus(amount);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public long millis() {
    return now.toEpochMilli();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return zone.equals(this.zone) ? this : new ManualClock(now, zone);
  }
}
