package io.kinesislite.kpl;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One try to put a record: when it was sent, how long the call took, and the error if it failed.
 * Immutable.
 *
 * @param sentAt when the put-many call carrying the record was sent
 * @param duration how long that call took
 * @param errorCode the error, for example {@code ProvisionedThroughputExceededException}; empty for
 *     the successful attempt
 * @param errorMessage the error's explanation; empty for the successful attempt
 */
public record Attempt(
    Instant sentAt, Duration duration, Optional<String> errorCode, Optional<String> errorMessage) {
  public Attempt {
    Objects.requireNonNull(sentAt, "sentAt == null");
    Objects.requireNonNull(duration, "duration == null");
    Objects.requireNonNull(errorCode, "errorCode == null");
    Objects.requireNonNull(errorMessage, "errorMessage == null");
  }

  /** Returns a successful attempt. */
  public static Attempt success(Instant sentAt, Duration duration) {
    return new Attempt(sentAt, duration, Optional.empty(), Optional.empty());
  }

  /** Returns a failed attempt; {@code message} may be null. */
  public static Attempt failure(Instant sentAt, Duration duration, String code, String message) {
    return new Attempt(sentAt, duration, Optional.of(code), Optional.ofNullable(message));
  }

  public boolean isSuccessful() {
    return errorCode.isEmpty();
  }
}
