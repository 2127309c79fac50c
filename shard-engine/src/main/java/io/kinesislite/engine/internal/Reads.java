package io.kinesislite.engine.internal;

import io.kinesislite.engine.internal.log.StoredRecord;
import io.kinesislite.transport.ChildShard;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardFilter;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lists shards, issues shard iterators and reads records, with the Kinesis rules: iterators live
 * five minutes; one call returns at most 10,000 records and 10 MiB; readers of a shard share 5
 * calls and 2 MiB per second; reading a closed shard to its end reports its children and no next
 * iterator.
 *
 * <p>Thread-safe.
 */
final class Reads {
  static final Duration ITERATOR_LIFETIME = Duration.ofMinutes(5);
  static final long MAX_BYTES_PER_CALL = 10L * 1024 * 1024;

  private final EngineState state;

  Reads(EngineState state) {
    this.state = state;
  }

  List<Shard> listShards(String streamName, ShardFilter filter) {
    EngineStream stream = state.stream(streamName);
    long now = state.clock.millis();
    List<Shard> result = new ArrayList<>();
    stream.lock.readLock().lock();
    try {
      // The trim horizon is the oldest point still readable: never before the stream's first shards
      // existed, so a stream younger than its retention lists its first shards at it, as Kinesis.
      long oldestShard = Long.MAX_VALUE;
      for (EngineShard shard : stream.shards.values()) {
        oldestShard = Math.min(oldestShard, shard.createdAtMillis);
      }
      long trimHorizon =
          Math.max(now - Duration.ofHours(stream.retentionHours).toMillis(), oldestShard);
      int afterOrdinal =
          filter.type() == ShardFilter.Type.AFTER_SHARD_ID
              ? EngineShard.ordinalOf(filter.shardId().orElseThrow())
              : -1;
      long at = filter.timestamp().map(Instant::toEpochMilli).orElse(now);
      for (EngineShard shard : stream.shards.values()) {
        boolean keep =
            switch (filter.type()) {
              case ALL, FROM_TRIM_HORIZON -> true;
              case AFTER_SHARD_ID -> shard.ordinal > afterOrdinal;
              case AT_LATEST -> shard.isOpen();
              case AT_TRIM_HORIZON -> openAt(shard, trimHorizon);
              case AT_TIMESTAMP -> openAt(shard, at);
              case FROM_TIMESTAMP -> shard.isOpen() || shard.closedAtMillis() > at;
            };
        if (keep) {
          result.add(shard.toShard());
        }
      }
    } finally {
      stream.lock.readLock().unlock();
    }
    return result;
  }

  private static boolean openAt(EngineShard shard, long millis) {
    return shard.createdAtMillis <= millis && (shard.isOpen() || shard.closedAtMillis() > millis);
  }

  String getShardIterator(String streamName, String shardId, StartingPosition position) {
    EngineStream stream = state.stream(streamName);
    EngineShard shard = shard(stream, shardId);
    long offset = startOffset(shard, position);
    return ShardIterators.encode(
        new ShardIterators.Position(
            stream.name, stream.incarnation, shard.ordinal, offset, state.clock.millis()));
  }

  /**
   * Returns the offset a reader starting at {@code position} reads first.
   *
   * @throws io.kinesislite.transport.InvalidArgumentException for a sequence number past the
   *     shard's newest record, which would otherwise skip records written later
   */
  static long startOffset(EngineShard shard, StartingPosition position) {
    long offset = requestedOffset(shard, position);
    long end = shard.isOpen() ? shard.log.readableEnd() : shard.endOffset();
    if (offset > end) {
      throw KinesisErrors.invalid(
          "StartingSequenceNumber "
              + position.sequenceNumber().orElse("")
              + " is beyond the newest record of shard "
              + shard.shardId);
    }
    return offset;
  }

  private static long requestedOffset(EngineShard shard, StartingPosition position) {
    return switch (position.type()) {
      case TRIM_HORIZON -> shard.log.firstOffset();
      case LATEST -> shard.isOpen() ? shard.log.readableEnd() : shard.endOffset();
        // Position p is the record at offset p - 1; position 0 is the shard's start.
      case AT_SEQUENCE_NUMBER ->
          Math.max(0, positionOf(shard, position.sequenceNumber().orElseThrow()) - 1);
      case AFTER_SEQUENCE_NUMBER -> positionOf(shard, position.sequenceNumber().orElseThrow());
      case AT_TIMESTAMP -> shard.log.offsetAt(position.timestamp().orElseThrow().toEpochMilli());
    };
  }

  static long positionOf(EngineShard shard, String sequenceNumber) {
    SequenceNumbers.Parts parts = SequenceNumbers.parse(sequenceNumber);
    if (parts == null || parts.tag() != shard.streamTag || parts.ordinal() != shard.ordinal) {
      throw KinesisErrors.invalid(
          "StartingSequenceNumber "
              + sequenceNumber
              + " used in GetShardIterator on shard "
              + shard.shardId
              + " is not a sequence number of that shard of this stream");
    }
    return parts.position();
  }

  GetRecordsResult getRecords(String iterator, int limit) {
    ShardIterators.Position position = ShardIterators.decode(iterator);
    long now = state.clock.millis();
    if (now - position.issuedAtMillis() > ITERATOR_LIFETIME.toMillis()) {
      throw KinesisErrors.expiredIterator(
          "Iterator expired. The iterator was created at time "
              + Instant.ofEpochMilli(position.issuedAtMillis())
              + " while right now it is "
              + Instant.ofEpochMilli(now)
              + "; iterators are valid for 300 seconds.");
    }
    EngineStream stream = state.streamOrNull(position.stream());
    if (stream == null || stream.incarnation != position.incarnation()) {
      throw KinesisErrors.streamNotFound(position.stream());
    }
    EngineShard shard;
    List<ChildShard> children = List.of();
    stream.lock.readLock().lock();
    try {
      shard = stream.shard(position.ordinal());
      if (shard == null) {
        throw KinesisErrors.notFound(
            "Shard "
                + EngineShard.shardId(position.ordinal())
                + " in stream "
                + stream.name
                + " no longer exists; it passed the retention period");
      }
      // The byte budget may be in debt from a large read; the call budget is spent per call.
      if (shard.readCalls != null
          && (!shard.readBytes.hasTokens() || !shard.readCalls.tryTake(1))) {
        throw KinesisErrors.throughputExceeded(
            "Rate exceeded for shard "
                + shard.shardId
                + " in stream "
                + stream.name
                + ": readers share 5 calls and 2 MiB per second per shard.");
      }
      long from = Math.max(position.offset(), shard.log.firstOffset());
      List<StoredRecord> stored = shard.log.read(from, limit, MAX_BYTES_PER_CALL);
      long next = stored.isEmpty() ? from : stored.get(stored.size() - 1).offset() + 1;
      long bytes = 0;
      List<StreamRecord> records = new ArrayList<>(stored.size());
      for (StoredRecord r : stored) {
        bytes += r.data().length;
        records.add(toStreamRecord(shard, r));
      }
      if (shard.readBytes != null) {
        shard.readBytes.takeAllowingDebt(bytes);
      }
      long end = shard.endOffset();
      boolean shardEnded = end >= 0 && next >= end && shard.log.readableEnd() >= end;
      if (shardEnded) {
        children = childShards(stream, shard);
      }
      long readableEnd = shard.log.readableEnd();
      long behind =
          next >= readableEnd || stored.isEmpty()
              ? 0
              : Math.max(0, now - stored.get(stored.size() - 1).arrivalMillis());
      Optional<String> nextIterator =
          shardEnded
              ? Optional.empty()
              : Optional.of(
                  ShardIterators.encode(
                      new ShardIterators.Position(
                          stream.name, stream.incarnation, shard.ordinal, next, now)));
      return new GetRecordsResult(records, nextIterator, behind, children);
    } finally {
      stream.lock.readLock().unlock();
    }
  }

  static StreamRecord toStreamRecord(EngineShard shard, StoredRecord r) {
    return new StreamRecord(
        shard.sequenceOfRecord(r.offset()),
        Instant.ofEpochMilli(r.arrivalMillis()),
        r.partitionKey(),
        r.explicitHashKey(),
        r.data());
  }

  static List<ChildShard> childShards(EngineStream stream, EngineShard parent) {
    List<ChildShard> children = new ArrayList<>();
    for (EngineShard child : stream.childrenOf(parent.shardId)) {
      List<String> parents = new ArrayList<>(2);
      parents.add(child.parentShardId);
      if (child.adjacentParentShardId != null) {
        parents.add(child.adjacentParentShardId);
      }
      children.add(new ChildShard(child.shardId, parents, child.range));
    }
    return children;
  }

  /** Returns the stream's shard with that id, or throws ResourceNotFoundException. */
  static EngineShard shard(EngineStream stream, String shardId) {
    int ordinal = EngineShard.ordinalOf(shardId);
    stream.lock.readLock().lock();
    try {
      EngineShard shard = ordinal < 0 ? null : stream.shard(ordinal);
      if (shard == null) {
        throw KinesisErrors.notFound(
            "Could not find shard " + shardId + " in stream " + stream.name + ".");
      }
      return shard;
    } finally {
      stream.lock.readLock().unlock();
    }
  }
}
