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
          name
              + " must be between "
              + readable(min)
              + " and "
              + readable(max)
              + ": "
              + readable(value));
    }
    return value;
  }

  /**
   * Returns a duration as people write it: {@code 100 ms}, {@code 30 s}, {@code 1 h}, {@code 365
   * d}; in the largest unit that divides it, ISO-8601 when it has parts of a millisecond.
   */
  public static String readable(Duration d) {
    if (d.getNano() % 1_000_000 != 0) {
      return d.toString();
    }
    long millis;
    try {
      millis = d.toMillis();
    } catch (ArithmeticException e) {
      return d.toString(); // more milliseconds than a long holds
    }
    long[] units = {86_400_000, 3_600_000, 60_000, 1_000};
    String[] names = {" d", " h", " min", " s"};
    for (int i = 0; i < units.length; i++) {
      if (millis != 0 && millis % units[i] == 0) {
        return millis / units[i] + names[i];
      }
    }
    return millis + " ms";
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
