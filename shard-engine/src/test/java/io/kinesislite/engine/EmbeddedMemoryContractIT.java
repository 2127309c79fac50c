package io.kinesislite.engine;

/** The transport contract against the in-memory engine. */
class EmbeddedMemoryContractIT extends EngineContractBase {
  @Override
  EngineConfig.Builder engineConfig() {
    return EngineConfig.builder().inMemory();
  }
}
