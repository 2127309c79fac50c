package io.kinesislite.transport;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One user record unpacked from a KPL aggregated record by {@link AggregateDecoder}. Immutable.
 *
 * <p>All user records of an aggregate share the sequence number of the Kinesis record that carried
 * them; {@link #subSequenceNumber()} tells them apart and is their 0-based position in the
 * aggregate.
 */
public final class UserRecord {
  private final String partitionKey;
  private final String explicitHashKey;
  private final BigInteger explicitHashKeyValue;
  private final byte[] data;
  private final long subSequenceNumber;

  /**
   * Makes a user record. The data array is kept, not copied; {@link #data()} hands out read-only
   * views.
   *
   * @param explicitHashKey the explicit hash key it was written with, or null if it had none
   * @param subSequenceNumber its 0-based position in the aggregate
   * @throws InvalidArgumentException if {@code explicitHashKey} is not a valid hash key
   * @throws IllegalArgumentException if {@code subSequenceNumber} is negative
   */
  public UserRecord(
      String partitionKey, String explicitHashKey, byte[] data, long subSequenceNumber) {
    this.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey == null");
    // Parsed once here so that hashKey() cannot fail later, far from where the record was read.
    this.explicitHashKeyValue =
        explicitHashKey == null ? null : HashKeys.parseExplicit(explicitHashKey);
    this.explicitHashKey = explicitHashKey;
    this.data = Objects.requireNonNull(data, "data == null");
    if (subSequenceNumber < 0) {
      throw new IllegalArgumentException("subSequenceNumber < 0: " + subSequenceNumber);
    }
    this.subSequenceNumber = subSequenceNumber;
  }

  public String partitionKey() {
    return partitionKey;
  }

  /** Returns the explicit hash key the record was written with, as it was written. */
  public Optional<String> explicitHashKey() {
    return Optional.ofNullable(explicitHashKey);
  }

  /** Returns a read-only view of the data. */
  public ByteBuffer data() {
    return ByteBuffer.wrap(data).asReadOnlyBuffer();
  }

  /** Returns a copy of the data. */
  public byte[] dataBytes() {
    return data.clone();
  }

  /** Returns the data size in bytes. */
  public int dataSize() {
    return data.length;
  }

  /** Returns the record's 0-based position in its aggregate. */
  public long subSequenceNumber() {
    return subSequenceNumber;
  }

  /**
   * Returns the hash key that decides the record's shard: the explicit hash key if it has one,
   * otherwise the MD5 hash of the partition key (see {@link HashKeys}).
   */
  public BigInteger hashKey() {
    return explicitHashKeyValue != null ? explicitHashKeyValue : HashKeys.of(partitionKey);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof UserRecord)) {
      return false;
    }
    UserRecord that = (UserRecord) o;
    return subSequenceNumber == that.subSequenceNumber
        && partitionKey.equals(that.partitionKey)
        && Objects.equals(explicitHashKey, that.explicitHashKey)
        && Arrays.equals(data, that.data);
  }

  @Override
  public int hashCode() {
    int result = Objects.hash(partitionKey, explicitHashKey, subSequenceNumber);
    return 31 * result + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "UserRecord{partitionKey="
        + partitionKey
        + (explicitHashKey != null ? ", explicitHashKey=" + explicitHashKey : "")
        + ", subSequenceNumber="
        + subSequenceNumber
        + ", data="
        + data.length
        + " bytes}";
  }
}
