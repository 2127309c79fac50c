package io.kinesislite.kpl.internal;

/**
 * Clock-millisecond arithmetic that saturates: the KPL accepts times up to 2^63-1 ms, so a deadline
 * of "now plus such a time" must pin at {@link Long#MAX_VALUE} (never) rather than wrap into the
 * past. Thread-safe (stateless).
 */
final class Millis {
  private Millis() {}

  /** Returns {@code at + millis} for {@code millis >= 0}, or {@link Long#MAX_VALUE} on overflow. */
  static long plus(long at, long millis) {
    long sum = at + millis;
    return sum < at ? Long.MAX_VALUE : sum;
  }
}
