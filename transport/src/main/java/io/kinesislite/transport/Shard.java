package io.kinesislite.transport;

import java.util.Objects;
import java.util.Optional;

/**
 * A shard as {@link KinesisTransport#listShards} reports it. Immutable.
 *
 * @param shardId the shard id, for example {@code shardId-000000000003}
 * @param parentShardId the shard this one was split from or merged from, if any
 * @param adjacentParentShardId the second parent of a merge, if any
 * @param hashKeyRange the hash keys this shard owns
 * @param startingSequenceNumber the first sequence number the shard can hold
 * @param endingSequenceNumber the last sequence number of a closed shard; empty while it is open
 */
public record Shard(
    String shardId,
    Optional<String> parentShardId,
    Optional<String> adjacentParentShardId,
    HashKeyRange hashKeyRange,
    String startingSequenceNumber,
    Optional<String> endingSequenceNumber) {

  public Shard {
    Objects.requireNonNull(shardId, "shardId == null");
    Objects.requireNonNull(parentShardId, "parentShardId == null");
    Objects.requireNonNull(adjacentParentShardId, "adjacentParentShardId == null");
    Objects.requireNonNull(hashKeyRange, "hashKeyRange == null");
    Objects.requireNonNull(startingSequenceNumber, "startingSequenceNumber == null");
    Objects.requireNonNull(endingSequenceNumber, "endingSequenceNumber == null");
  }

  /**
   * Returns true while the shard accepts new records, that is, it has no ending sequence number.
   */
  public boolean isOpen() {
    return endingSequenceNumber.isEmpty();
  }
}
