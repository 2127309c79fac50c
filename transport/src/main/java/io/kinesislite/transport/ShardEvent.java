package io.kinesislite.transport;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of a {@link KinesisTransport#subscribeToShard} subscription. Immutable.
 *
 * @param records the records, in sequence order; may be empty
 * @param continuationSequenceNumber where to resubscribe to continue after this event; empty at the
 *     end of a closed shard
 * @param millisBehindLatest how far this event is behind the shard's newest record
 * @param childShards the shards that follow this one, at the end of a closed shard
 */
public record ShardEvent(
    List<StreamRecord> records,
    Optional<String> continuationSequenceNumber,
    long millisBehindLatest,
    List<ChildShard> childShards) {
  public ShardEvent {
    records = List.copyOf(records);
    Objects.requireNonNull(continuationSequenceNumber, "continuationSequenceNumber == null");
    childShards = List.copyOf(childShards);
  }

  /** Returns true if the shard is closed and this event delivered its last records. */
  public boolean isShardEnd() {
    return continuationSequenceNumber.isEmpty();
  }
}
