package io.kinesislite.engine.internal;

import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.StreamMode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits, merges and uniform rescaling. Each change closes parents and opens children in one step
 * under the stream's write lock, so no record lands in a parent after its children exist, and the
 * metadata is saved before the call returns.
 *
 * <p>{@link #updateShardCount} works as Kinesis does, through real splits and then merges, so that
 * every child has one or two parents and consumers can follow the lineage; the intermediate shards
 * it makes are closed at once and hold no records.
 *
 * <p>Thread-safe.
 */
final class Resharding {
  private final EngineState state;

  Resharding(EngineState state) {
    this.state = state;
  }

  void split(String streamName, String shardId, BigInteger newStartingHashKey) {
    EngineStream stream = state.stream(streamName);
    List<EngineShard> closed = new ArrayList<>();
    stream.lock.writeLock().lock();
    try {
      EngineShard parent = openShard(stream, shardId);
      HashKeyRange range = parent.range;
      if (newStartingHashKey.compareTo(range.start()) <= 0
          || newStartingHashKey.compareTo(range.end()) > 0) {
        throw KinesisErrors.invalid(
            "NewStartingHashKey "
                + newStartingHashKey
                + " must lie above the start and at most at the end of "
                + shardId
                + "'s range "
                + range);
      }
      state.reserveShards(1);
      long now = state.clock.millis();
      splitLocked(stream, parent, newStartingHashKey, now);
      closed.add(parent);
      stream.refreshOpenShards();
      state.persist(stream);
    } finally {
      stream.lock.writeLock().unlock();
    }
    wakeReaders(closed);
  }

  void merge(String streamName, String shardId, String adjacentShardId) {
    EngineStream stream = state.stream(streamName);
    List<EngineShard> closed = new ArrayList<>();
    stream.lock.writeLock().lock();
    try {
      EngineShard first = openShard(stream, shardId);
      EngineShard second = openShard(stream, adjacentShardId);
      if (!adjacent(first, second)) {
        throw KinesisErrors.invalid(
            "Shards "
                + shardId
                + " and "
                + adjacentShardId
                + " in stream "
                + streamName
                + " are not adjacent: their hash key ranges "
                + first.range
                + " and "
                + second.range
                + " do not touch");
      }
      long now = state.clock.millis();
      mergeLocked(stream, first, second, now);
      closed.add(first);
      closed.add(second);
      state.releaseShards(1);
      stream.refreshOpenShards();
      state.persist(stream);
    } finally {
      stream.lock.writeLock().unlock();
    }
    wakeReaders(closed);
  }

  void updateShardCount(String streamName, int target) {
    EngineStream stream = state.stream(streamName);
    List<EngineShard> before = List.of(stream.openShards());
    stream.lock.writeLock().lock();
    try {
      if (stream.mode == StreamMode.ON_DEMAND) {
        throw KinesisErrors.invalid(
            "UpdateShardCount is not allowed on stream "
                + streamName
                + ", which is in ON_DEMAND mode");
      }
      int current = stream.openShards().length;
      if (target > current * 2 || target * 2 < current) {
        throw KinesisErrors.invalid(
            "TargetShardCount "
                + target
                + " must be between half and double the current "
                + current
                + " open shards");
      }
      if (target == current) {
        return;
      }
      int added = target - current;
      if (added > 0) {
        state.reserveShards(added);
      }
      long now = state.clock.millis();
      List<HashKeyRange> targets = EngineState.evenRanges(HashKeyRange.ALL, target);
      // 1. Split every open shard at each target boundary inside it; each piece then lies in one
      //    target range.
      for (EngineShard shard : List.of(stream.openShards())) {
        EngineShard rest = shard;
        for (HashKeyRange t : targets) {
          BigInteger boundary = t.start();
          if (boundary.compareTo(rest.range.start()) > 0
              && boundary.compareTo(rest.range.end()) <= 0) {
            EngineShard[] halves = splitLocked(stream, rest, boundary, now);
            rest = halves[1];
          }
        }
        stream.refreshOpenShards();
      }
      // 2. Within each target range, merge neighbours until one shard is left.
      for (HashKeyRange t : targets) {
        List<EngineShard> inside = new ArrayList<>();
        for (EngineShard shard : stream.openShards()) {
          if (t.contains(shard.range.start())) {
            inside.add(shard);
          }
        }
        while (inside.size() > 1) {
          List<EngineShard> merged = new ArrayList<>();
          for (int i = 0; i + 1 < inside.size(); i += 2) {
            merged.add(mergeLocked(stream, inside.get(i), inside.get(i + 1), now));
          }
          if (inside.size() % 2 == 1) {
            merged.add(inside.get(inside.size() - 1));
          }
          inside = merged;
        }
      }
      stream.refreshOpenShards();
      // Splits reserved one each and merges released none so far; settle the budget to target.
      int open = stream.openShards().length;
      state.releaseShards(Math.max(0, current + Math.max(0, added) - open));
      state.persist(stream);
    } finally {
      stream.lock.writeLock().unlock();
    }
    wakeReaders(before);
  }

  // A fan-out subscription waiting on a parent must learn at once that it ended, not at its next
  // heartbeat. Outside the lock: the listeners read the stream.
  private static void wakeReaders(List<EngineShard> parents) {
    for (EngineShard parent : parents) {
      if (!parent.isOpen()) {
        parent.signalData();
      }
    }
  }

  /** Splits {@code parent} at {@code boundary}; returns the two children, lower range first. */
  EngineShard[] splitLocked(
      EngineStream stream, EngineShard parent, BigInteger boundary, long now) {
    parent.close(now);
    EngineShard low =
        state.addShard(
            stream,
            new HashKeyRange(parent.range.start(), boundary.subtract(BigInteger.ONE)),
            parent.shardId,
            null,
            now);
    EngineShard high =
        state.addShard(
            stream, new HashKeyRange(boundary, parent.range.end()), parent.shardId, null, now);
    return new EngineShard[] {low, high};
  }

  private EngineShard mergeLocked(
      EngineStream stream, EngineShard first, EngineShard second, long now) {
    EngineShard lower = first.range.start().compareTo(second.range.start()) < 0 ? first : second;
    EngineShard upper = lower == first ? second : first;
    first.close(now);
    second.close(now);
    return state.addShard(
        stream,
        new HashKeyRange(lower.range.start(), upper.range.end()),
        first.shardId,
        second.shardId,
        now);
  }

  private static boolean adjacent(EngineShard a, EngineShard b) {
    BigInteger one = BigInteger.ONE;
    return a.range.end().add(one).equals(b.range.start())
        || b.range.end().add(one).equals(a.range.start());
  }

  private static EngineShard openShard(EngineStream stream, String shardId) {
    int ordinal = EngineShard.ordinalOf(shardId);
    EngineShard shard = ordinal < 0 ? null : stream.shard(ordinal);
    if (shard == null) {
      throw KinesisErrors.notFound(
          "Could not find shard " + shardId + " in stream " + stream.name + ".");
    }
    if (!shard.isOpen()) {
      throw KinesisErrors.invalid(
          "Shard " + shardId + " in stream " + stream.name + " is closed; only open shards change");
    }
    return shard;
  }
}
