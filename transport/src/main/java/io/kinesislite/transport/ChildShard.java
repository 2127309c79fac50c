package io.kinesislite.transport;

import java.util.List;
import java.util.Objects;

/**
 * A shard that follows a closed shard, reported when a reader reaches the closed shard's end.
 * Immutable.
 *
 * @param shardId the child shard's id
 * @param parentShards the ids of its parents: one after a split, two after a merge
 * @param hashKeyRange the hash keys the child owns
 */
public record ChildShard(String shardId, List<String> parentShards, HashKeyRange hashKeyRange) {
  public ChildShard {
    Objects.requireNonNull(shardId, "shardId == null");
    parentShards = List.copyOf(parentShards);
    Objects.requireNonNull(hashKeyRange, "hashKeyRange == null");
  }
}
