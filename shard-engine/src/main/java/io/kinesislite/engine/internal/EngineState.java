package io.kinesislite.engine.internal;

import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.internal.MetadataStore.ConsumerMetadata;
import io.kinesislite.engine.internal.MetadataStore.ShardMetadata;
import io.kinesislite.engine.internal.MetadataStore.StreamMetadata;
import io.kinesislite.engine.internal.log.ShardLog;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.StreamMode;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every engine operation shares: the streams by name, the shard budget, where logs and
 * metadata go, and the clock.
 *
 * <p>Thread-safe. Creating and deleting streams is serialized on this object, so two creates of one
 * name cannot both win and the shard budget stays exact.
 */
public final class EngineState {
  private static final Logger log = LoggerFactory.getLogger(EngineState.class);

  static final String ARN_PREFIX = "arn:aws:kinesis:us-east-1:000000000000:stream/";
  static final int DEFAULT_RETENTION_HOURS = 24;

  final EngineConfig config;
  final Clock clock;
  final LogFactory logs;
  private final MetadataStore metadata; // null in memory
  private final ConcurrentMap<String, EngineStream> streams = new ConcurrentHashMap<>();

  // Guarded by this.
  private int openShards;

  // Guarded by this: the sequence-number tag of each name's latest incarnation, so that a stream
  // made again under a deleted one's name never accepts the old one's sequence numbers.
  private final java.util.Map<String, Integer> lastTags = new java.util.HashMap<>();

  /** Makes {@link ShardLog}s for shards, in memory or on disk. */
  public interface LogFactory extends AutoCloseable {
    ShardLog open(EngineStream stream, int ordinal);

    @Override
    void close();
  }

  EngineState(EngineConfig config, LogFactory logs, MetadataStore metadata) {
    this.config = config;
    this.clock = config.clock();
    this.logs = logs;
    this.metadata = metadata;
  }

  /** Returns the stream, or throws ResourceNotFoundException. */
  EngineStream stream(String name) {
    EngineStream stream = streams.get(name);
    if (stream == null) {
      throw KinesisErrors.streamNotFound(name);
    }
    return stream;
  }

  EngineStream streamOrNull(String name) {
    return streams.get(name);
  }

  List<EngineStream> streams() {
    return List.copyOf(streams.values());
  }

  synchronized EngineStream create(String name, StreamMode mode, int shardCount) {
    if (streams.containsKey(name)) {
      throw KinesisErrors.inUse("Stream " + name + " under account 000000000000 already exists.");
    }
    reserveShards(shardCount);
    long now = clock.millis();
    long incarnation = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    Integer previousTag = lastTags.get(name);
    while (previousTag != null && SequenceNumbers.tagOf(incarnation) == previousTag) {
      incarnation = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
    lastTags.put(name, SequenceNumbers.tagOf(incarnation));
    EngineStream stream =
        new EngineStream(name, ARN_PREFIX + name, incarnation, mode, now, DEFAULT_RETENTION_HOURS);
    stream.lock.writeLock().lock();
    try {
      for (HashKeyRange range : evenRanges(HashKeyRange.ALL, shardCount)) {
        addShard(stream, range, null, null, now);
      }
      stream.refreshOpenShards();
      persist(stream);
    } catch (RuntimeException e) {
      releaseShards(shardCount);
      for (EngineShard shard : stream.shards.values()) {
        shard.log.delete(); // the stream never existed; load() drops a directory without metadata
      }
      throw e;
    } finally {
      stream.lock.writeLock().unlock();
    }
    streams.put(name, stream);
    return stream;
  }

  /**
   * Removes a stream; the caller holds its write lock and has checked consumers. The metadata goes
   * first, so a crash midway cannot bring the stream back with some of its records missing.
   */
  synchronized void remove(EngineStream stream) {
    if (metadata != null) {
      closeLogs(stream);
      metadata.delete(stream.name, stream.incarnation);
    } else {
      for (EngineShard shard : stream.shards.values()) {
        shard.log.delete();
      }
    }
    streams.remove(stream.name, stream);
    stream.deleted = true;
    releaseShards(stream.openShards().length);
  }

  /** Takes {@code count} from the open-shard budget or throws LimitExceededException. */
  synchronized void reserveShards(int count) {
    if (openShards + count > config.shardLimit()) {
      throw KinesisErrors.limitExceeded(
          "This request would exceed the shard limit for the account: "
              + openShards
              + " open shards plus "
              + count
              + " is over the limit of "
              + config.shardLimit());
    }
    openShards += count;
  }

  synchronized void releaseShards(int count) {
    openShards -= count;
  }

  /** Adds a new open shard; the caller holds the stream's write lock. */
  EngineShard addShard(
      EngineStream stream, HashKeyRange range, String parent, String adjacentParent, long now) {
    int ordinal = stream.nextOrdinal++;
    EngineShard shard =
        new EngineShard(
            SequenceNumbers.tagOf(stream.incarnation),
            ordinal,
            range,
            parent,
            adjacentParent,
            now,
            logs.open(stream, ordinal),
            clock,
            config.limitsEnabled(),
            config.maxRecordSize());
    stream.shards.put(ordinal, shard);
    return shard;
  }

  /** Saves the stream's metadata if the engine is durable; the caller holds its write lock. */
  void persist(EngineStream stream) {
    if (metadata == null) {
      return;
    }
    List<ShardMetadata> shards = new ArrayList<>();
    for (EngineShard s : stream.shards.values()) {
      shards.add(
          new ShardMetadata(
              s.ordinal,
              s.parentShardId,
              s.adjacentParentShardId,
              s.range.start().toString(),
              s.range.end().toString(),
              s.createdAtMillis,
              s.closedAtMillis(),
              s.endOffset()));
    }
    List<ConsumerMetadata> consumers = new ArrayList<>();
    for (EngineStream.ConsumerRecord c : stream.consumers.values()) {
      consumers.add(new ConsumerMetadata(c.name(), c.arn(), c.createdAtMillis()));
    }
    metadata.save(
        new StreamMetadata(
            1,
            stream.name,
            stream.arn,
            stream.incarnation,
            stream.mode.name(),
            stream.createdAtMillis,
            stream.retentionHours,
            stream.nextOrdinal,
            shards,
            consumers));
  }

  /** Loads the streams a durable engine stored before. */
  synchronized void load() {
    if (metadata == null) {
      return;
    }
    for (StreamMetadata m : metadata.loadAll()) {
      EngineStream stream =
          new EngineStream(
              m.name(),
              m.arn(),
              m.incarnation(),
              StreamMode.valueOf(m.mode()),
              m.createdAtMillis(),
              m.retentionHours());
      stream.nextOrdinal = m.nextOrdinal();
      for (ShardMetadata s : m.shards()) {
        EngineShard shard =
            new EngineShard(
                SequenceNumbers.tagOf(stream.incarnation),
                s.ordinal(),
                new HashKeyRange(
                    new BigInteger(s.startingHashKey()), new BigInteger(s.endingHashKey())),
                s.parentShardId(),
                s.adjacentParentShardId(),
                s.createdAtMillis(),
                logs.open(stream, s.ordinal()),
                clock,
                config.limitsEnabled(),
                config.maxRecordSize());
        if (s.endOffset() >= 0) {
          // Records past a saved end cannot exist; records before it can have been lost with an
          // unsynced tail (INTERVAL, power loss). The log's end is then the shard's end, or
          // readers would wait forever for records that will never come.
          shard.restoreClosed(Math.min(s.endOffset(), shard.log.nextOffset()), s.closedAtMillis());
        } else {
          openShards++;
        }
        stream.shards.put(s.ordinal(), shard);
      }
      metadata.pruneShardDirs(stream.name, stream.incarnation, stream.shards.keySet());
      for (ConsumerMetadata c : m.consumers()) {
        stream.consumers.put(
            c.name(), new EngineStream.ConsumerRecord(c.name(), c.arn(), c.createdAtMillis()));
      }
      stream.refreshOpenShards();
      streams.put(stream.name, stream);
      lastTags.put(stream.name, SequenceNumbers.tagOf(stream.incarnation));
      log.info(
          "Recovered stream {}: {} shards ({} open), {} consumers.",
          stream.name,
          stream.shards.size(),
          stream.openShards().length,
          stream.consumers.size());
    }
  }

  /** Closes every log once its pending appends are synced (within a bound), then the factory. */
  void closeAll() {
    for (EngineStream stream : streams.values()) {
      for (EngineShard shard : stream.shards.values()) {
        try {
          shard.awaitAppends(CLOSE_WAIT);
        } catch (RuntimeException e) {
          log.warn("Closing {} {}: {}", stream.name, shard.shardId, e.getMessage());
        }
      }
      closeLogs(stream);
    }
    logs.close();
  }

  private static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(5);

  private static void closeLogs(EngineStream stream) {
    for (EngineShard shard : stream.shards.values()) {
      try {
        shard.log.close();
      } catch (RuntimeException e) {
        log.warn("Closing the log of {} {} failed.", stream.name, shard.shardId, e);
      }
    }
  }

  /** Splits {@code range} into {@code count} ranges of even size that tile it. */
  static List<HashKeyRange> evenRanges(HashKeyRange range, int count) {
    BigInteger size = range.end().subtract(range.start()).add(BigInteger.ONE);
    BigInteger step = size.divide(BigInteger.valueOf(count));
    List<HashKeyRange> ranges = new ArrayList<>(count);
    BigInteger start = range.start();
    for (int i = 0; i < count; i++) {
      BigInteger end = i == count - 1 ? range.end() : start.add(step).subtract(BigInteger.ONE);
      ranges.add(new HashKeyRange(start, end));
      start = end.add(BigInteger.ONE);
    }
    return ranges;
  }
}
