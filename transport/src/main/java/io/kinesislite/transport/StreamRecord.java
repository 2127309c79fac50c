package io.kinesislite.transport;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A record read from a shard, as Kinesis stores it (an aggregated KPL record arrives as one record;
 * {@link AggregateDecoder} unpacks it). Immutable.
 */
public final class StreamRecord {
  private final String sequenceNumber;
  private final Instant arrivalTime;
  private final String partitionKey;
  private final String explicitHashKey;
  private final byte[] data;

  /**
   * Makes a record. The data array is kept, not copied; {@link #data()} hands out read-only views.
   *
   * @param explicitHashKey the explicit hash key it was written with, or null where unknown (the
   *     Kinesis API does not return it)
   */
  public StreamRecord(
      String sequenceNumber,
      Instant arrivalTime,
      String partitionKey,
      String explicitHashKey,
      byte[] data) {
    this.sequenceNumber = Objects.requireNonNull(sequenceNumber, "sequenceNumber == null");
    this.arrivalTime = Objects.requireNonNull(arrivalTime, "arrivalTime == null");
    this.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey == null");
    this.explicitHashKey = explicitHashKey;
    this.data = Objects.requireNonNull(data, "data == null");
  }

  public String sequenceNumber() {
    return sequenceNumber;
  }

  /** Returns when the service accepted the record (Kinesis: the approximate arrival time). */
  public Instant arrivalTime() {
    return arrivalTime;
  }

  public String partitionKey() {
    return partitionKey;
  }

  /**
   * Returns the explicit hash key the record was written with, where the transport knows it. Real
   * Kinesis does not report it; the bundled engine does.
   */
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

  @Override
  public String toString() {
    return "StreamRecord{sequenceNumber="
        + sequenceNumber
        + ", arrivalTime="
        + arrivalTime
        + ", partitionKey="
        + partitionKey
        + ", data="
        + data.length
        + " bytes}";
  }
}
