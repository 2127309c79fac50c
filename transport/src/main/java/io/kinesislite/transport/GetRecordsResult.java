package io.kinesislite.transport;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of records read from a shard. Immutable.
 *
 * @param records the records, in sequence order
 * @param nextShardIterator where to read next; empty once a closed shard has been read to its end
 * @param millisBehindLatest how far the read position is behind the shard's newest record
 * @param childShards the shards that follow this one, reported at the end of a closed shard
 */
public record GetRecordsResult(
    List<StreamRecord> records,
    Optional<String> nextShardIterator,
    long millisBehindLatest,
    List<ChildShard> childShards) {
  public GetRecordsResult {
    records = List.copyOf(records);
    Objects.requireNonNull(nextShardIterator, "nextShardIterator == null");
    childShards = List.copyOf(childShards);
  }

  /** Returns true if the shard is closed and every record in it has been read. */
  public boolean isShardEnd() {
    return nextShardIterator.isEmpty();
  }
}
