package io.kinesislite.transport.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The range checks every kinesis-lite config builder makes when a value is set: one wording, naming
 * the option and its range, for every module. Thread-safe.
 */
public final class ConfigChecks {
  private ConfigChecks() {}

  /**
   * Returns {@code value} if it lies in {@code [min, max]}.
   *
   * @throws IllegalArgumentException naming the option and the range otherwise
   */
  public static Duration range(String name, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, name + " == null");
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ": " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it lies in {@code [min, max]}; see {@link #range(String, long, long,
   * long)}.
   */
  public static int range(String name, int value, int min, int max) {
    return (int) range(name, (long) value, min, max);
  }

  /**
   * Returns {@code value} if it lies in {@code [min, max]}.
   *
   * @throws IllegalArgumentException naming the option and the range otherwise
   */
  public static long range(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ": " + value);
    }
    return value;
  }
}
