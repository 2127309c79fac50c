package io.kinesislite.agent.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations and sizes configuration files write: {@code 100ms}, {@code 1s}, {@code 2m},
 * {@code 1h}; {@code 64MiB}, {@code 1KiB}, {@code 1MB}. Thread-safe.
 */
public final class Quantities {
  /** What {@link #parseDuration} accepts, for error messages. */
  public static final String DURATION_FORMS =
      "a duration like 100ms, 1s, 2m, 1h or 1d, or a whole number of milliseconds";

  /** What {@link #parseSize} accepts, for error messages. */
  public static final String SIZE_FORMS =
      "a size like 512, 1KiB, 64MiB, 1GiB (powers of 1024) or 1KB, 1MB, 1GB (powers of 1000)";

  private static final Pattern DURATION = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|min|h|d)?");
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,18})\\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?", Pattern.CASE_INSENSITIVE);

  private Quantities() {}

  /**
   * Parses a duration: a whole number followed by {@code ms}, {@code s}, {@code m} (or {@code
   * min}), {@code h} or {@code d}, or a bare whole number of milliseconds; a space may stand
   * between the number and its unit.
   *
   * @throws IllegalArgumentException if {@code text} is none of these, or too long to hold
   */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not " + DURATION_FORMS);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    try {
      switch (unit) {
        case "ms":
          return Duration.ofMillis(n);
        case "s":
          return Duration.ofSeconds(n);
        case "m":
        case "min":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        default:
          return Duration.ofDays(n);
      }
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration", e);
    }
  }

  /**
   * Parses a size in bytes: a whole number, optionally followed by {@code B}, {@code KiB}, {@code
   * MiB}, {@code GiB}, {@code TiB} (powers of 1024) or {@code KB}, {@code MB}, {@code GB}, {@code
   * TB} (powers of 1000), in any case.
   *
   * @throws IllegalArgumentException if {@code text} is none of these, or more than a long holds
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not " + SIZE_FORMS);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long factor;
    switch (unit) {
      case "b":
        factor = 1;
        break;
      case "kb":
        factor = 1000;
        break;
      case "kib":
        factor = 1L << 10;
        break;
      case "mb":
        factor = 1_000_000;
        break;
      case "mib":
        factor = 1L << 20;
        break;
      case "gb":
        factor = 1_000_000_000;
        break;
      case "gib":
        factor = 1L << 30;
        break;
      case "tb":
        factor = 1_000_000_000_000L;
        break;
      default:
        factor = 1L << 40;
        break;
    }
    try {
      return Math.multiplyExact(n, factor);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too large a size", e);
    }
  }

  /**
   * Returns the known name nearest to {@code name}: the same but for case, else the first within
   * two edits; or null if none is that near.
   */
  public static String nearest(String name, Iterable<String> known) {
    String best = null;
    int bestDistance = 3;
    String lower = name.toLowerCase(Locale.ROOT);
    for (String k : known) {
      int d = editDistance(lower, k.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  /** The number of single-character insertions, deletions and substitutions from a to b. */
  static int editDistance(String a, String b) {
    int[] row = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      row[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int diagonal = row[0];
      row[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int above = row[j];
        int substitute = diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        row[j] = Math.min(substitute, Math.min(above + 1, row[j - 1] + 1));
        diagonal = above;
      }
    }
    return row[b.length()];
  }
}
