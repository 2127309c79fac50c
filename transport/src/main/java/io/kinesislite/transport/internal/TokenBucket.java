package io.kinesislite.transport.internal;

import java.time.Clock;

/**
 * A rate limit: tokens refill continuously at a fixed rate up to a capacity, and a take succeeds
 * only if enough are there. {@link #takeAllowingDebt} lets one large take drive the bucket below
 * zero, which is how Kinesis lets a single 10 MiB read through and then throttles until the rate
 * has paid it back. Time comes from the injected clock.
 *
 * <p>Thread-safe.
 */
public final class TokenBucket {
  private final Clock clock;
  private double ratePerMilli;
  private double capacity;
  private double tokens;
  private long lastMillis;

  /**
   * @param ratePerSecond tokens added per second
   * @param capacity most tokens held; a full second's worth is what Kinesis allows as a burst
   */
  public TokenBucket(Clock clock, double ratePerSecond, double capacity) {
    this.clock = clock;
    this.ratePerMilli = ratePerSecond / 1000.0;
    this.capacity = capacity;
    this.tokens = capacity;
    this.lastMillis = clock.millis();
  }

  /** Takes {@code amount} tokens if there are that many; returns whether it did. */
  public synchronized boolean tryTake(double amount) {
    refill();
    if (tokens < amount) {
      return false;
    }
    tokens -= amount;
    return true;
  }

  /** Returns whether any token is left, without taking one. */
  public synchronized boolean hasTokens() {
    refill();
    return tokens > 0;
  }

  /** Takes {@code amount} tokens even if that leaves the bucket in debt. */
  public synchronized void takeAllowingDebt(double amount) {
    refill();
    tokens -= amount;
  }

  /**
   * Changes the rate and the capacity, for example to slow down after throttling; tokens already
   * held stay, up to the new capacity.
   */
  public synchronized void setRate(double ratePerSecond, double capacity) {
    refill();
    this.ratePerMilli = ratePerSecond / 1000.0;
    this.capacity = capacity;
    this.tokens = Math.min(tokens, capacity);
  }

  /** Returns how many milliseconds until {@code amount} tokens will be there; 0 if they are. */
  public synchronized long millisUntil(double amount) {
    refill();
    if (tokens >= amount) {
      return 0;
    }
    return (long) Math.ceil((Math.min(amount, capacity) - tokens) / ratePerMilli);
  }

  /** Gives back tokens taken in vain, never above the capacity. */
  public synchronized void refund(double amount) {
    refill();
    tokens = Math.min(capacity, tokens + amount);
  }

  private void refill() {
    long now = clock.millis();
    if (now > lastMillis) {
      tokens = Math.min(capacity, tokens + (now - lastMillis) * ratePerMilli);
      lastMillis = now;
    }
  }
}
