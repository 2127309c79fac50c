package io.kinesislite.engine.internal.log;

import java.util.Objects;

/**
 * A record to append to a {@link ShardLog}; the log gives it its offset. Immutable while the caller
 * leaves {@code data} alone.
 *
 * @param arrivalMillis when the engine accepted it, epoch milliseconds; never smaller than the
 *     previous record's in the same shard (the engine keeps arrival times monotonic per shard)
 * @param partitionKey the partition key, 1 to 256 characters
 * @param explicitHashKey the explicit hash key in decimal, or null
 * @param data the record data, not copied
 */
public record NewRecord(
    long arrivalMillis, String partitionKey, String explicitHashKey, byte[] data) {
  public NewRecord {
    Objects.requireNonNull(partitionKey, "partitionKey == null");
    Objects.requireNonNull(data, "data == null");
  }
}
