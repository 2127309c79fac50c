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
 * What the engine does on its own, once per maintenance interval: drops records past each stream's
 * retention (whole segments), forgets closed shards whose records are all gone, and splits the
 * hottest shards of on-demand streams.
 *
 * <p>An on-demand shard is split at the middle of its range when the write demand it saw in the
 * last interval, throttled attempts included, passed its limit of 1,000 records or 1 MiB per
 * second. That is how Kinesis's on-demand mode adds capacity under sustained load.
 *
 * <p>Thread-safe; {@link #run()} is called by one scheduler thread, or by tests.
 */
final class Maintenance {
  private static final Logger log = LoggerFactory.getLogger(Maintenance.class);

  private final EngineState state;
  private final Resharding resharding;
  private long lastRunMillis;

  Maintenance(EngineState state, Resharding resharding) {
    this.state = state;
    this.resharding = resharding;
    this.lastRunMillis = state.clock.millis();
  }

  synchronized void run() {
    long now = state.clock.millis();
    long elapsed = Math.max(1, now - lastRunMillis);
    lastRunMillis = now;
    for (EngineStream stream : state.streams()) {
      try {
        applyRetention(stream, now);
        if (stream.mode == StreamMode.ON_DEMAND) {
          scaleOut(stream, elapsed);
        }
      } catch (RuntimeException e) {
        log.warn("Maintenance of stream {} failed; it runs again next interval.", stream.name, e);
      }
    }
  }

  private void applyRetention(EngineStream stream, long now) {
    long cutoff = now - Duration.ofHours(stream.retentionHours).toMillis();
    List<EngineShard> gone = new ArrayList<>();
    stream.lock.readLock().lock();
    try {
      for (EngineShard shard : stream.shards.values()) {
        long first = shard.log.trimBefore(cutoff);
        if (!shard.isOpen() && shard.closedAtMillis() < cutoff && first >= shard.endOffset()) {
          gone.add(shard);
        }
      }
    } finally {
      stream.lock.readLock().unlock();
    }
    if (gone.isEmpty()) {
      return;
    }
    stream.lock.writeLock().lock();
    try {
      if (stream.deleted) {
        return;
      }
      for (EngineShard shard : gone) {
        stream.shards.remove(shard.ordinal);
      }
      try {
        state.persist(stream);
      } catch (RuntimeException e) {
        for (EngineShard shard : gone) {
          stream.shards.put(shard.ordinal, shard);
        }
        throw e;
      }
      // Only once the metadata no longer lists them: a crash in between leaves directories that
      // the next start prunes, never a listed shard without its records.
      for (EngineShard shard : gone) {
        shard.log.delete();
      }
      log.info(
          "Stream {}: {} closed shards passed retention and were removed.",
          stream.name,
          gone.size());
    } finally {
      stream.lock.writeLock().unlock();
    }
  }

  private void scaleOut(EngineStream stream, long elapsedMillis) {
    List<EngineShard> hot = new ArrayList<>();
    for (EngineShard shard : stream.openShards()) {
      long records = shard.demandRecords.sumThenReset();
      long bytes = shard.demandBytes.sumThenReset();
      double recordsPerSecond = records * 1000.0 / elapsedMillis;
      double bytesPerSecond = bytes * 1000.0 / elapsedMillis;
      if (recordsPerSecond > EngineShard.WRITE_RECORDS_PER_SECOND
          || bytesPerSecond > EngineShard.WRITE_BYTES_PER_SECOND) {
        hot.add(shard);
      }
    }
    for (EngineShard shard : hot) {
      HashKeyRange range = shard.range;
      if (range.start().equals(range.end())) {
        continue; // a single hash key cannot be split further
      }
      BigInteger middle = range.start().add(range.end()).add(BigInteger.ONE).shiftRight(1);
      try {
        resharding.split(stream.name, shard.shardId, middle);
        log.info(
            "On-demand stream {}: split hot shard {} at {}.", stream.name, shard.shardId, middle);
      } catch (RuntimeException e) {
        log.warn(
            "On-demand stream {}: could not split hot shard {}: {}",
            stream.name,
            shard.shardId,
            e.getMessage());
      }
    }
  }
}
