package io.kinesislite.engine.internal;

import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.internal.log.LogSettings;
import io.kinesislite.engine.internal.log.MemoryShardLog;
import io.kinesislite.engine.internal.log.SegmentShardLog;
import io.kinesislite.engine.internal.log.ShardLog;
import io.kinesislite.engine.internal.log.Syncer;

/** The two ways the engine keeps shard logs: in memory, or in segment files. Thread-safe. */
final class LogFactories {
  private LogFactories() {}

  static EngineState.LogFactory memory(EngineConfig config) {
    LogSettings settings = settings(config);
    return new EngineState.LogFactory() {
      @Override
      public ShardLog open(EngineStream stream, int ordinal) {
        return new MemoryShardLog(settings);
      }

      @Override
      public void close() {}
    };
  }

  static EngineState.LogFactory durable(EngineConfig config, MetadataStore metadata) {
    LogSettings settings = settings(config);
    // One sync thread for all shards: concurrent writers anywhere share one round of fsyncs.
    Syncer syncer = new Syncer(config.syncInterval());
    return new EngineState.LogFactory() {
      @Override
      public ShardLog open(EngineStream stream, int ordinal) {
        return SegmentShardLog.open(
            metadata.shardDir(stream.name, stream.incarnation, ordinal), settings, syncer);
      }

      @Override
      public void close() {
        syncer.close();
      }
    };
  }

  private static LogSettings settings(EngineConfig config) {
    return LogSettings.builder()
        .syncPolicy(config.syncPolicy())
        .syncInterval(config.syncInterval())
        .segmentBytes(config.segmentBytes())
        .segmentMaxAge(config.segmentMaxAge())
        .clock(config.clock())
        .build();
  }
}
