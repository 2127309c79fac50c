package io.kinesislite.transport;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where to start reading a shard: the shard iterator types of Kinesis. Immutable.
 *
 * <pre>{@code
 * StartingPosition.trimHorizon();                // the oldest record kept
 * StartingPosition.afterSequenceNumber(lastSeen); // resume after a checkpoint
 * }</pre>
 */
public final class StartingPosition {
  /** The kinds of starting position. */
  public enum Type {
    /** The oldest record still kept. */
    TRIM_HORIZON,
    /** Just after the newest record: only records written from now on. */
    LATEST,
    /** The record with the given sequence number. */
    AT_SEQUENCE_NUMBER,
    /** The record after the given sequence number. */
    AFTER_SEQUENCE_NUMBER,
    /** The first record that arrived at or after the given time. */
    AT_TIMESTAMP
  }

  private static final StartingPosition TRIM_HORIZON =
      new StartingPosition(Type.TRIM_HORIZON, null, null);
  private static final StartingPosition LATEST = new StartingPosition(Type.LATEST, null, null);

  private final Type type;
  private final String sequenceNumber;
  private final Instant timestamp;

  private StartingPosition(Type type, String sequenceNumber, Instant timestamp) {
    this.type = type;
    this.sequenceNumber = sequenceNumber;
    this.timestamp = timestamp;
  }

  public static StartingPosition trimHorizon() {
    return TRIM_HORIZON;
  }

  public static StartingPosition latest() {
    return LATEST;
  }

  public static StartingPosition atSequenceNumber(String sequenceNumber) {
    return new StartingPosition(Type.AT_SEQUENCE_NUMBER, checkSequence(sequenceNumber), null);
  }

  public static StartingPosition afterSequenceNumber(String sequenceNumber) {
    return new StartingPosition(Type.AFTER_SEQUENCE_NUMBER, checkSequence(sequenceNumber), null);
  }

  public static StartingPosition atTimestamp(Instant timestamp) {
    return new StartingPosition(
        Type.AT_TIMESTAMP, null, Objects.requireNonNull(timestamp, "timestamp == null"));
  }

  public Type type() {
    return type;
  }

  /** Returns the sequence number of an {@code AT_} or {@code AFTER_SEQUENCE_NUMBER} position. */
  public Optional<String> sequenceNumber() {
    return Optional.ofNullable(sequenceNumber);
  }

  /** Returns the time of an {@code AT_TIMESTAMP} position. */
  public Optional<Instant> timestamp() {
    return Optional.ofNullable(timestamp);
  }

  private static String checkSequence(String sequenceNumber) {
    Objects.requireNonNull(sequenceNumber, "sequenceNumber == null");
    boolean digits = !sequenceNumber.isEmpty() && sequenceNumber.length() <= 128;
    for (int i = 0; digits && i < sequenceNumber.length(); i++) {
      char c = sequenceNumber.charAt(i);
      digits = c >= '0' && c <= '9';
    }
    if (!digits) {
      throw new InvalidArgumentException(
          "sequenceNumber must be 1 to 128 decimal digits: '" + sequenceNumber + "'");
    }
    return sequenceNumber;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StartingPosition that
        && type == that.type
        && Objects.equals(sequenceNumber, that.sequenceNumber)
        && Objects.equals(timestamp, that.timestamp);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, sequenceNumber, timestamp);
  }

  @Override
  public String toString() {
    return sequenceNumber != null
        ? type + " " + sequenceNumber
        : timestamp != null ? type + " " + timestamp : type.toString();
  }
}
