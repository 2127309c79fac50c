package io.kinesislite.kcl;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One user record as a record processor sees it: a plain Kinesis record, or one user record taken
 * out of a KPL aggregate (then several share a sequence number and differ by sub-sequence number).
 * Immutable; {@link #data()} returns a read-only view.
 *
 * @param partitionKey the key the producer gave
 * @param explicitHashKey the explicit hash key the producer gave, when the record came inside an
 *     aggregate that carried it (Kinesis does not return it for plain records)
 * @param sequenceNumber the sequence number of the Kinesis record that carried it
 * @param subSequenceNumber its index inside that aggregate; 0 for a plain record
 * @param arrivalTime when Kinesis accepted the carrying record
 * @param aggregated true if it came out of a KPL aggregate
 */
public record ConsumerRecord(
    ByteBuffer data,
    String partitionKey,
    Optional<String> explicitHashKey,
    String sequenceNumber,
    long subSequenceNumber,
    Instant arrivalTime,
    boolean aggregated) {

  public ConsumerRecord {
    data = data.asReadOnlyBuffer();
    Objects.requireNonNull(partitionKey, "partitionKey == null");
    Objects.requireNonNull(explicitHashKey, "explicitHashKey == null");
    Objects.requireNonNull(sequenceNumber, "sequenceNumber == null");
    Objects.requireNonNull(arrivalTime, "arrivalTime == null");
  }

  @Override
  public ByteBuffer data() {
    return data.duplicate();
  }

  /** Returns a copy of the data. */
  public byte[] dataBytes() {
    ByteBuffer b = data.duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return bytes;
  }

  /** Returns the position of this record, for {@link Checkpointer#checkpoint(Checkpoint)}. */
  public Checkpoint checkpoint() {
    return Checkpoint.at(sequenceNumber, subSequenceNumber);
  }
}
