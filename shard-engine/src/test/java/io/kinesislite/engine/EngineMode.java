package io.kinesislite.engine;

import java.nio.file.Path;

/**
 * The two ways an engine keeps its data, for integration tests that must hold in both: in memory,
 * and durable in a directory, syncing every put so that a record is readable only after its fsync.
 */
enum EngineMode {
  IN_MEMORY {
    @Override
    EngineConfig.Builder configure(EngineConfig.Builder builder, Path directory) {
      return builder.inMemory();
    }
  },
  DURABLE {
    @Override
    EngineConfig.Builder configure(EngineConfig.Builder builder, Path directory) {
      return builder.directory(directory).syncPolicy(SyncPolicy.ALWAYS);
    }
  };

  /** Sets the mode on {@code builder}; a durable engine keeps its data in {@code directory}. */
  abstract EngineConfig.Builder configure(EngineConfig.Builder builder, Path directory);
}
