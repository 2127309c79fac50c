package io.kinesislite.kpl;

import java.util.List;
import java.util.Objects;

/**
 * Where a user record landed. Immutable.
 *
 * @param shardId the shard that holds it
 * @param sequenceNumber the sequence number of the Kinesis record that carries it; records
 *     aggregated together share it
 * @param subSequenceNumber its position within that aggregate, from 0; 0 for a record sent alone. A
 *     consumer that deaggregates (the KCL, kcl-lite) sees the same pair.
 * @param attempts every try, the successful one last
 */
public record RecordResult(
    String shardId, String sequenceNumber, long subSequenceNumber, List<Attempt> attempts) {
  public RecordResult {
    Objects.requireNonNull(shardId, "shardId == null");
    Objects.requireNonNull(sequenceNumber, "sequenceNumber == null");
    attempts = List.copyOf(attempts);
  }
}
