package io.kinesislite.kcl;

/** Makes a {@link RecordProcessor} for a shard; called on the worker's threads. */
@FunctionalInterface
public interface RecordProcessorFactory {
  RecordProcessor create(String shardId);
}
