package io.kinesislite.engine.internal;

import io.kinesislite.transport.StreamMode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One engine stream: its shards (open, and closed ones still within retention), its fan-out
 * consumers and settings.
 *
 * <p>Thread-safe. Writers and readers of records hold the read lock of {@link #lock}; changes to
 * shards, consumers and settings hold its write lock, so a reshard never overlaps an append. The
 * open-shard snapshot used for routing is replaced whole under the write lock.
 */
final class EngineStream {
  final String name;
  final String arn;
  final long incarnation;
  final StreamMode mode;
  final long createdAtMillis;
  final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  // Guarded by lock.
  final TreeMap<Integer, EngineShard> shards = new TreeMap<>();
  final Map<String, ConsumerRecord> consumers = new LinkedHashMap<>();
  int nextOrdinal;
  int retentionHours;
  boolean deleted;

  // Open shards sorted by hash-key range; replaced, never changed, so routing reads it unlocked.
  private volatile EngineShard[] openShards = new EngineShard[0];

  /** A registered fan-out consumer. */
  record ConsumerRecord(String name, String arn, long createdAtMillis) {}

  EngineStream(
      String name,
      String arn,
      long incarnation,
      StreamMode mode,
      long createdAtMillis,
      int retentionHours) {
    this.name = name;
    this.arn = arn;
    this.incarnation = incarnation;
    this.mode = mode;
    this.createdAtMillis = createdAtMillis;
    this.retentionHours = retentionHours;
  }

  /** Rebuilds the routing snapshot; the caller holds the write lock. */
  void refreshOpenShards() {
    List<EngineShard> open = new ArrayList<>();
    for (EngineShard shard : shards.values()) {
      if (shard.isOpen()) {
        open.add(shard);
      }
    }
    open.sort(Comparator.comparing(s -> s.range.start()));
    openShards = open.toArray(new EngineShard[0]);
  }

  EngineShard[] openShards() {
    return openShards;
  }

  /** Returns the open shard that owns {@code hashKey}; open shards tile the key space. */
  static EngineShard route(EngineShard[] open, BigInteger hashKey) {
    int low = 0;
    int high = open.length - 1;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (open[mid].range.start().compareTo(hashKey) <= 0) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return open[low];
  }

  EngineShard shard(int ordinal) {
    return shards.get(ordinal);
  }

  List<EngineShard> childrenOf(String shardId) {
    List<EngineShard> children = new ArrayList<>();
    for (EngineShard shard : shards.values()) {
      if (shardId.equals(shard.parentShardId) || shardId.equals(shard.adjacentParentShardId)) {
        children.add(shard);
      }
    }
    return children;
  }

  String consumerArn(String consumerName, long createdAtMillis) {
    return arn + "/consumer/" + consumerName + ":" + (createdAtMillis / 1000);
  }
}
