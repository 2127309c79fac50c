package io.kinesislite.transport;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which shards {@link KinesisTransport#listShards(String, ShardFilter)} returns: the shard filters
 * of the Kinesis {@code ListShards} call. Immutable.
 *
 * <pre>{@code
 * transport.listShards("orders", ShardFilter.atLatest()); // the open shards only
 * }</pre>
 */
public final class ShardFilter {
  /** The kinds of filter, as in Kinesis. */
  public enum Type {
    /** Every shard the stream still knows, open or closed. */
    ALL,
    /** The shards after the given shard id. */
    AFTER_SHARD_ID,
    /** The shards open at the trim horizon. */
    AT_TRIM_HORIZON,
    /** Every shard from the trim horizon on, open or closed. */
    FROM_TRIM_HORIZON,
    /** The shards open now. */
    AT_LATEST,
    /** The shards open at the given time. */
    AT_TIMESTAMP,
    /** The shards open at the given time or created after it. */
    FROM_TIMESTAMP
  }

  private static final ShardFilter ALL = new ShardFilter(Type.ALL, null, null);
  private static final ShardFilter AT_TRIM_HORIZON =
      new ShardFilter(Type.AT_TRIM_HORIZON, null, null);
  private static final ShardFilter FROM_TRIM_HORIZON =
      new ShardFilter(Type.FROM_TRIM_HORIZON, null, null);
  private static final ShardFilter AT_LATEST = new ShardFilter(Type.AT_LATEST, null, null);

  private final Type type;
  private final String shardId;
  private final Instant timestamp;

  private ShardFilter(Type type, String shardId, Instant timestamp) {
    this.type = type;
    this.shardId = shardId;
    this.timestamp = timestamp;
  }

  public static ShardFilter all() {
    return ALL;
  }

  public static ShardFilter afterShardId(String shardId) {
    return new ShardFilter(
        Type.AFTER_SHARD_ID, Objects.requireNonNull(shardId, "shardId == null"), null);
  }

  public static ShardFilter atTrimHorizon() {
    return AT_TRIM_HORIZON;
  }

  public static ShardFilter fromTrimHorizon() {
    return FROM_TRIM_HORIZON;
  }

  public static ShardFilter atLatest() {
    return AT_LATEST;
  }

  public static ShardFilter atTimestamp(Instant timestamp) {
    return new ShardFilter(
        Type.AT_TIMESTAMP, null, Objects.requireNonNull(timestamp, "timestamp == null"));
  }

  public static ShardFilter fromTimestamp(Instant timestamp) {
    return new ShardFilter(
        Type.FROM_TIMESTAMP, null, Objects.requireNonNull(timestamp, "timestamp == null"));
  }

  public Type type() {
    return type;
  }

  /** Returns the shard id of an {@code AFTER_SHARD_ID} filter. */
  public Optional<String> shardId() {
    return Optional.ofNullable(shardId);
  }

  /** Returns the time of an {@code AT_TIMESTAMP} or {@code FROM_TIMESTAMP} filter. */
  public Optional<Instant> timestamp() {
    return Optional.ofNullable(timestamp);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardFilter that
        && type == that.type
        && Objects.equals(shardId, that.shardId)
        && Objects.equals(timestamp, that.timestamp);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, shardId, timestamp);
  }

  @Override
  public String toString() {
    return shardId != null
        ? type + " " + shardId
        : timestamp != null ? type + " " + timestamp : type.toString();
  }
}
