package io.kinesislite.examples;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration option the way people write it: {@code 500ms}, {@code 10s}, {@code 2m}, {@code
 * 1h}, or ISO-8601 ({@code PT10S}). Use it with {@code @Option(converter =
 * DurationConverter.class)}. Stateless; thread-safe.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("pt")) {
        return Duration.parse(v);
      } else if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      } else if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      } else if (v.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
      }
    } catch (RuntimeException e) {
      // falls through to the error below
    }
    throw new TypeConversionException(
        "'" + value + "' is not a duration: write 500ms, 10s, 2m, 1h or PT10S");
  }
}
