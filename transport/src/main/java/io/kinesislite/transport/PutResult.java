package io.kinesislite.transport;

import java.util.Objects;

/**
 * Where a written record landed. Immutable.
 *
 * @param shardId the shard that holds the record
 * @param sequenceNumber its sequence number in that shard
 */
public record PutResult(String shardId, String sequenceNumber) implements PutRecordsEntryResult {
  public PutResult {
    Objects.requireNonNull(shardId, "shardId == null");
    Objects.requireNonNull(sequenceNumber, "sequenceNumber == null");
  }

  @Override
  public boolean isSuccessful() {
    return true;
  }
}
