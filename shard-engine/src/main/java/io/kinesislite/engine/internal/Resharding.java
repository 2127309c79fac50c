package io.kinesislite.engine.internal;

import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.StreamMode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits, merges and uniform rescaling. Each change runs under the stream's write lock: parents
 * close (once their pending appends are acknowledged, so their ends are final) and children open in
 * one step, the metadata is saved, and only then does the change count. If opening a child's log or
 * saving fails, the change is undone in memory, so what the engine serves always matches what it
 * would recover.
 *
 * <p>{@link #updateShardCount} works as Kinesis does, through real splits and then merges, so that
 * every child has one or two parents and consumers can follow the lineage; the intermediate shards
 * it makes are closed at once and hold no records.
 *
 * <p>Thread-safe.
 */
final class Resharding {
  private static final Logger log = LoggerFactory.getLogger(Resharding.class);
  private static final Duration APPEND_WAIT = Duration.ofSeconds(30);

  private final EngineState state;

  Resharding(EngineState state) {
    this.state = state;
  }

  void split(String streamName, String shardId, BigInteger newStartingHashKey) {
    EngineStream stream = state.stream(streamName);
    Change change = new Change(stream);
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
      change.run(
          () -> {
            change.reserve(1);
            change.split(parent, newStartingHashKey);
          });
    } finally {
      stream.lock.writeLock().unlock();
    }
    change.wakeReaders();
  }

  void merge(String streamName, String shardId, String adjacentShardId) {
    EngineStream stream = state.stream(streamName);
    Change change = new Change(stream);
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
      change.run(() -> change.merge(first, second));
      state.releaseShards(1);
    } finally {
      stream.lock.writeLock().unlock();
    }
    change.wakeReaders();
  }

  void updateShardCount(String streamName, int target) {
    EngineStream stream = state.stream(streamName);
    Change change = new Change(stream);
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
      change.run(() -> rescale(stream, change, current, target));
      if (target < current) {
        state.releaseShards(current - target);
      }
    } finally {
      stream.lock.writeLock().unlock();
    }
    change.wakeReaders();
  }

  private static void rescale(EngineStream stream, Change change, int current, int target) {
    if (target > current) {
      change.reserve(target - current);
    }
    List<HashKeyRange> targets = EngineState.evenRanges(HashKeyRange.ALL, target);
    // 1. Split every open shard at each target boundary inside it; each piece then lies in one
    //    target range.
    for (EngineShard shard : List.of(stream.openShards())) {
      EngineShard rest = shard;
      for (HashKeyRange t : targets) {
        BigInteger boundary = t.start();
        if (boundary.compareTo(rest.range.start()) > 0
            && boundary.compareTo(rest.range.end()) <= 0) {
          rest = change.split(rest, boundary)[1];
        }
      }
    }
    stream.refreshOpenShards();
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
          merged.add(change.merge(inside.get(i), inside.get(i + 1)));
        }
        if (inside.size() % 2 == 1) {
          merged.add(inside.get(inside.size() - 1));
        }
        inside = merged;
      }
    }
  }

  /**
   * One reshard in progress: what it closed, opened and reserved, so that it can be undone. Used
   * under the stream's write lock only.
   */
  private final class Change {
    private final EngineStream stream;
    private final int nextOrdinal;
    private final long now;
    private final List<EngineShard> closed = new ArrayList<>();
    private final List<EngineShard> added = new ArrayList<>();
    private int reserved;

    Change(EngineStream stream) {
      this.stream = stream;
      this.nextOrdinal = stream.nextOrdinal;
      this.now = state.clock.millis();
    }

    /** Runs {@code steps}, then saves; undoes everything if either fails. */
    void run(Runnable steps) {
      try {
        steps.run();
        stream.refreshOpenShards();
        state.persist(stream);
      } catch (RuntimeException e) {
        rollback(e);
        throw e;
      }
    }

    void reserve(int count) {
      state.reserveShards(count);
      reserved += count;
    }

    EngineShard[] split(EngineShard parent, BigInteger boundary) {
      close(parent);
      EngineShard low =
          add(
              new HashKeyRange(parent.range.start(), boundary.subtract(BigInteger.ONE)),
              parent,
              null);
      EngineShard high = add(new HashKeyRange(boundary, parent.range.end()), parent, null);
      return new EngineShard[] {low, high};
    }

    EngineShard merge(EngineShard first, EngineShard second) {
      EngineShard lower = first.range.start().compareTo(second.range.start()) < 0 ? first : second;
      EngineShard upper = lower == first ? second : first;
      close(first);
      close(second);
      return add(new HashKeyRange(lower.range.start(), upper.range.end()), first, second);
    }

    private void close(EngineShard shard) {
      shard.awaitAppends(APPEND_WAIT);
      shard.close(now);
      closed.add(shard);
    }

    private EngineShard add(HashKeyRange range, EngineShard parent, EngineShard adjacentParent) {
      EngineShard shard =
          state.addShard(
              stream,
              range,
              parent.shardId,
              adjacentParent == null ? null : adjacentParent.shardId,
              now);
      added.add(shard);
      return shard;
    }

    private void rollback(RuntimeException cause) {
      for (EngineShard shard : added) {
        stream.shards.remove(shard.ordinal);
        try {
          shard.log.delete();
        } catch (RuntimeException e) {
          cause.addSuppressed(e);
        }
      }
      for (EngineShard shard : closed) {
        shard.reopen();
      }
      stream.nextOrdinal = nextOrdinal;
      stream.refreshOpenShards();
      state.releaseShards(reserved);
      log.warn("Resharding stream {} failed and was undone: {}", stream.name, cause.getMessage());
    }

    // A fan-out subscription waiting on a parent must learn at once that it ended, not at its next
    // heartbeat. Called after the lock is released: the listeners read the stream.
    void wakeReaders() {
      for (EngineShard parent : closed) {
        if (!parent.isOpen()) {
          parent.signalData();
        }
      }
    }
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
