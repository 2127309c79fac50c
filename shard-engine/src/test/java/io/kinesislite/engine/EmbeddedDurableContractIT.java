package io.kinesislite.engine;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transport contract against the durable engine, syncing every put ({@link SyncPolicy#ALWAYS}),
 * so that records are readable only after their fsync.
 */
class EmbeddedDurableContractIT extends EngineContractBase {
  @TempDir Path directory;

  @Override
  EngineConfig.Builder engineConfig() {
    return EngineConfig.builder().directory(directory).syncPolicy(SyncPolicy.ALWAYS);
  }
}
