package io.kinesislite.transport;

/** How a stream's capacity is managed. */
public enum StreamMode {
  /** The owner sets the shard count. */
  PROVISIONED,
  /** The service adds shards as traffic grows. */
  ON_DEMAND
}
