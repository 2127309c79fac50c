package io.kinesislite.transport;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the open shard that owns a hash key, so that a producer can predict where a record lands
 * and aggregate only records bound for the same shard. Lookups cost O(log n).
 *
 * <p>Built from a shard list such as {@link KinesisTransport#listShards} returns; closed shards are
 * left out, since they take no new records. The open shards' ranges must not overlap. Gaps are
 * allowed, as a shard list read in the middle of a resharding may have them; a hash key in a gap
 * has no shard.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * ShardMap map = ShardMap.of(transport.listShards(stream).join());
 * Optional<Shard> shard = map.shardFor("user-42", null);
 * }</pre>
 */
public final class ShardMap {
  private final List<Shard> openShards;
  // Parallel to openShards; kept as arrays so that a lookup is a plain binary search.
  private final BigInteger[] starts;
  private final BigInteger[] ends;

  private ShardMap(List<Shard> openShards) {
    this.openShards = List.copyOf(openShards);
    this.starts = new BigInteger[openShards.size()];
    this.ends = new BigInteger[openShards.size()];
    for (int i = 0; i < openShards.size(); i++) {
      starts[i] = openShards.get(i).hashKeyRange().start();
      ends[i] = openShards.get(i).hashKeyRange().end();
    }
  }

  /**
   * Returns the map of the open shards in {@code shards}.
   *
   * @throws IllegalArgumentException if the ranges of two open shards overlap; the message names
   *     both
   */
  public static ShardMap of(List<Shard> shards) {
    Objects.requireNonNull(shards, "shards == null");
    List<Shard> open = new ArrayList<>();
    for (Shard shard : shards) {
      Objects.requireNonNull(shard, "shards contains null");
      if (shard.isOpen()) {
        open.add(shard);
      }
    }
    open.sort(Comparator.comparing(shard -> shard.hashKeyRange().start()));
    // Sorted by start, any overlap shows up between neighbours.
    for (int i = 1; i < open.size(); i++) {
      Shard previous = open.get(i - 1);
      Shard next = open.get(i);
      if (previous.hashKeyRange().end().compareTo(next.hashKeyRange().start()) >= 0) {
        throw new IllegalArgumentException(
            "open shards overlap: "
                + previous.shardId()
                + " ("
                + previous.hashKeyRange()
                + ") and "
                + next.shardId()
                + " ("
                + next.hashKeyRange()
                + ")");
      }
    }
    return new ShardMap(open);
  }

  /**
   * Returns the open shard whose range holds {@code hashKey}, both ends included, or empty if the
   * key falls in a gap.
   *
   * @throws IllegalArgumentException if {@code hashKey} is not in {@code 0..2^128-1}
   */
  public Optional<Shard> shardFor(BigInteger hashKey) {
    Objects.requireNonNull(hashKey, "hashKey == null");
    if (!HashKeyRange.ALL.contains(hashKey)) {
      throw new IllegalArgumentException("hashKey must be in " + HashKeyRange.ALL + ": " + hashKey);
    }
    int found = Arrays.binarySearch(starts, hashKey);
    // Not found: the range that may hold the key is the one starting just below it.
    int candidate = found >= 0 ? found : -found - 2;
    if (candidate < 0 || ends[candidate].compareTo(hashKey) < 0) {
      return Optional.empty();
    }
    return Optional.of(openShards.get(candidate));
  }

  /**
   * Returns the open shard a record with these keys goes to, or empty if its hash key falls in a
   * gap; see {@link HashKeys#effective}.
   *
   * @param explicitHashKeyOrNull the explicit hash key, or null to route by the partition key
   * @throws InvalidArgumentException if {@code explicitHashKeyOrNull} is not a valid hash key
   */
  public Optional<Shard> shardFor(String partitionKey, String explicitHashKeyOrNull) {
    Objects.requireNonNull(partitionKey, "partitionKey == null");
    return shardFor(HashKeys.effective(partitionKey, explicitHashKeyOrNull));
  }

  /** Returns the open shards, sorted by the start of their ranges. */
  public List<Shard> openShards() {
    return openShards;
  }

  @Override
  public String toString() {
    return "ShardMap{openShards=" + openShards.size() + "}";
  }
}
