package io.kinesislite.engine.internal.log;

import java.util.Objects;

/**
 * A record as a {@link ShardLog} holds it. Immutable; the data array is shared, never modified.
 *
 * @param offset its position in the shard, from 0, one more than the record before it
 * @param arrivalMillis when the engine accepted it, epoch milliseconds
 * @param partitionKey the partition key
 * @param explicitHashKey the explicit hash key in decimal, or null
 * @param data the record data
 */
public record StoredRecord(
    long offset, long arrivalMillis, String partitionKey, String explicitHashKey, byte[] data) {
  public StoredRecord {
    Objects.requireNonNull(partitionKey, "partitionKey == null");
    Objects.requireNonNull(data, "data == null");
  }
}
