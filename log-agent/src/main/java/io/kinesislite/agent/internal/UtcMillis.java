package io.kinesislite.agent.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Formats instants as {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} in UTC, the Kinesis Agent's ADDMETADATA
 * timestamp. Lines read in the same second share the formatted date and time, so most calls only
 * append the milliseconds.
 *
 * <p>Thread-safe: the cache is one immutable pair behind a volatile field.
 */
final class UtcMillis {
  private static final DateTimeFormatter TO_SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.", Locale.ROOT).withZone(ZoneOffset.UTC);

  private record Second(long epochSecond, String text) {}

  private volatile Second last = new Second(Long.MIN_VALUE, "");

  /**
   * {@code instant} to the millisecond (truncated), for example {@code 2024-06-27T10:15:30.042Z}.
   */
  String format(Instant instant) {
    long millis = instant.toEpochMilli();
    long second = Math.floorDiv(millis, 1000);
    int milli = Math.floorMod(millis, 1000);
    Second s = last;
    if (s.epochSecond() != second) {
      s = new Second(second, TO_SECONDS.format(Instant.ofEpochSecond(second)));
      last = s;
    }
    StringBuilder b = new StringBuilder(s.text().length() + 4).append(s.text());
    if (milli < 100) {
      b.append('0');
    }
    if (milli < 10) {
      b.append('0');
    }
    return b.append(milli).append('Z').toString();
  }
}
