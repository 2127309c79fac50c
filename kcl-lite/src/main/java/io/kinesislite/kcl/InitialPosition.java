package io.kinesislite.kcl;

import java.time.Instant;
import java.util.Objects;

/**
 * Where processing of a shard starts when its lease is created and nothing was checkpointed yet: at
 * the newest record, the oldest kept, or the first at or after a time. A shard created by a split
 * or merge always starts at its beginning, so nothing between parent and child is lost. Immutable.
 */
public final class InitialPosition {
  private static final InitialPosition LATEST = new InitialPosition(Checkpoint.LATEST, null);
  private static final InitialPosition TRIM_HORIZON =
      new InitialPosition(Checkpoint.TRIM_HORIZON, null);

  private final Checkpoint sentinel;
  private final Instant timestamp;

  private InitialPosition(Checkpoint sentinel, Instant timestamp) {
    this.sentinel = sentinel;
    this.timestamp = timestamp;
  }

  /** Records added after the lease was created. */
  public static InitialPosition latest() {
    return LATEST;
  }

  /** The oldest records the stream still keeps. */
  public static InitialPosition trimHorizon() {
    return TRIM_HORIZON;
  }

  /** The first record that arrived at or after {@code timestamp}. */
  public static InitialPosition atTimestamp(Instant timestamp) {
    return new InitialPosition(
        Checkpoint.AT_TIMESTAMP, Objects.requireNonNull(timestamp, "timestamp == null"));
  }

  /** Returns the sentinel checkpoint a new lease gets. */
  public Checkpoint checkpoint() {
    return sentinel;
  }

  /** Returns the time for {@link #atTimestamp}; null otherwise. */
  public Instant timestamp() {
    return timestamp;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InitialPosition p
        && sentinel.equals(p.sentinel)
        && Objects.equals(timestamp, p.timestamp);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sentinel, timestamp);
  }

  @Override
  public String toString() {
    return timestamp == null ? sentinel.toString() : sentinel + "(" + timestamp + ")";
  }
}
