package io.kinesislite.kcl;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A position in a shard as the KCL's lease table stores it: a sequence number with the sub-sequence
 * number of a user record inside a KPL aggregate, or one of the sentinels {@link #TRIM_HORIZON},
 * {@link #LATEST}, {@link #AT_TIMESTAMP} (where a new lease starts) and {@link #SHARD_END} (the
 * shard is closed and every record of it was processed). Immutable.
 *
 * <p>Ordered as the KCL orders them: AT_TIMESTAMP &lt; TRIM_HORIZON &lt; LATEST &lt; any sequence
 * number (by value, then sub-sequence number) &lt; SHARD_END.
 *
 * @param sequenceNumber a decimal sequence number, or a sentinel's name
 * @param subSequenceNumber the user record's index inside its aggregate; 0 for plain records and
 *     sentinels
 */
public record Checkpoint(String sequenceNumber, long subSequenceNumber)
    implements Comparable<Checkpoint> {
  public static final Checkpoint AT_TIMESTAMP = new Checkpoint("AT_TIMESTAMP", 0);
  public static final Checkpoint TRIM_HORIZON = new Checkpoint("TRIM_HORIZON", 0);
  public static final Checkpoint LATEST = new Checkpoint("LATEST", 0);
  public static final Checkpoint SHARD_END = new Checkpoint("SHARD_END", 0);

  /**
   * @throws IllegalArgumentException if the sequence number is neither a sentinel nor a decimal of
   *     at most 128 digits, or the sub-sequence number is negative
   */
  public Checkpoint {
    Objects.requireNonNull(sequenceNumber, "sequenceNumber == null");
    if (subSequenceNumber < 0) {
      throw new IllegalArgumentException("subSequenceNumber must be >= 0: " + subSequenceNumber);
    }
    if (rank(sequenceNumber) == 0) {
      if (sequenceNumber.isEmpty()
          || sequenceNumber.length() > 128
          || !sequenceNumber.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException(
            "sequenceNumber must be a decimal of 1 to 128 digits or one of AT_TIMESTAMP,"
                + " TRIM_HORIZON, LATEST, SHARD_END: '"
                + sequenceNumber
                + "'");
      }
    } else if (subSequenceNumber != 0) {
      throw new IllegalArgumentException(
          "a sentinel checkpoint has sub-sequence number 0: " + sequenceNumber);
    }
  }

  /** Returns the checkpoint at a record: a sequence number and its sub-sequence number. */
  public static Checkpoint at(String sequenceNumber, long subSequenceNumber) {
    return new Checkpoint(sequenceNumber, subSequenceNumber);
  }

  /** Returns true for AT_TIMESTAMP, TRIM_HORIZON, LATEST and SHARD_END. */
  public boolean isSentinel() {
    return rank(sequenceNumber) != 0;
  }

  public boolean isShardEnd() {
    return sequenceNumber.equals(SHARD_END.sequenceNumber);
  }

  // Sentinels below any sequence number are negative, SHARD_END is above; 0 for a sequence number.
  private static int rank(String s) {
    switch (s) {
      case "AT_TIMESTAMP":
        return -3;
      case "TRIM_HORIZON":
        return -2;
      case "LATEST":
        return -1;
      case "SHARD_END":
        return 1;
      default:
        return 0;
    }
  }

  @Override
  public int compareTo(Checkpoint o) {
    int a = rank(sequenceNumber);
    int b = rank(o.sequenceNumber);
    if (a != 0 || b != 0) {
      return Integer.compare(a, b);
    }
    int bySequence = new BigInteger(sequenceNumber).compareTo(new BigInteger(o.sequenceNumber));
    return bySequence != 0 ? bySequence : Long.compare(subSequenceNumber, o.subSequenceNumber);
  }

  @Override
  public String toString() {
    return isSentinel() ? sequenceNumber : sequenceNumber + "/" + subSequenceNumber;
  }
}
