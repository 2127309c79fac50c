package io.kinesislite.engine;

import io.kinesislite.transport.internal.ConfigChecks;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link ShardEngine} runs: in memory or durable in a directory, how it syncs, and which
 * Kinesis limits it enforces. Immutable; build with {@link #builder()}. Each setter checks its
 * value at once and throws {@link IllegalArgumentException} naming the option and its range.
 *
 * <pre>{@code
 * EngineConfig config = EngineConfig.builder()
 *     .directory(Path.of("/var/lib/kinesis-lite"))
 *     .syncPolicy(SyncPolicy.ALWAYS)
 *     .build();
 * }</pre>
 */
public final class EngineConfig {
  /** Default per-engine limit of open shards: 500, the Kinesis default in its largest regions. */
  public static final int DEFAULT_SHARD_LIMIT = 500;

  /** Default largest record: 1 MiB, as in Kinesis. */
  public static final int DEFAULT_MAX_RECORD_SIZE = 1024 * 1024;

  /** The largest record Kinesis allows on a stream configured for it: 10 MiB. */
  public static final int MAX_RECORD_SIZE_LIMIT = 10 * 1024 * 1024;

  private final Path directory;
  private final SyncPolicy syncPolicy;
  private final Duration syncInterval;
  private final boolean limitsEnabled;
  private final int maxRecordSize;
  private final int shardLimit;
  private final int onDemandInitialShards;
  private final Duration maintenanceInterval;
  private final long segmentBytes;
  private final Duration segmentMaxAge;
  private final Duration subscriptionLifetime;
  private final Clock clock;

  private EngineConfig(Builder b) {
    this.directory = b.directory;
    this.syncPolicy = b.syncPolicy;
    this.syncInterval = b.syncInterval;
    this.limitsEnabled = b.limitsEnabled;
    this.maxRecordSize = b.maxRecordSize;
    this.shardLimit = b.shardLimit;
    this.onDemandInitialShards = b.onDemandInitialShards;
    this.maintenanceInterval = b.maintenanceInterval;
    this.segmentBytes = b.segmentBytes;
    this.segmentMaxAge = b.segmentMaxAge;
    this.subscriptionLifetime = b.subscriptionLifetime;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns a config with all defaults: in memory, limits on. */
  public static EngineConfig inMemory() {
    return builder().build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.directory = directory;
    b.syncPolicy = syncPolicy;
    b.syncInterval = syncInterval;
    b.limitsEnabled = limitsEnabled;
    b.maxRecordSize = maxRecordSize;
    b.shardLimit = shardLimit;
    b.onDemandInitialShards = onDemandInitialShards;
    b.maintenanceInterval = maintenanceInterval;
    b.segmentBytes = segmentBytes;
    b.segmentMaxAge = segmentMaxAge;
    b.subscriptionLifetime = subscriptionLifetime;
    b.clock = clock;
    return b;
  }

  /** Returns the data directory of a durable engine; empty for an in-memory one. */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  public SyncPolicy syncPolicy() {
    return syncPolicy;
  }

  public Duration syncInterval() {
    return syncInterval;
  }

  public boolean limitsEnabled() {
    return limitsEnabled;
  }

  public int maxRecordSize() {
    return maxRecordSize;
  }

  public int shardLimit() {
    return shardLimit;
  }

  public int onDemandInitialShards() {
    return onDemandInitialShards;
  }

  public Duration maintenanceInterval() {
    return maintenanceInterval;
  }

  public long segmentBytes() {
    return segmentBytes;
  }

  public Duration segmentMaxAge() {
    return segmentMaxAge;
  }

  public Duration subscriptionLifetime() {
    return subscriptionLifetime;
  }

  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "EngineConfig{"
        + (directory != null ? "directory=" + directory + ", sync=" + syncPolicy : "in memory")
        + ", limits="
        + (limitsEnabled ? "on" : "off")
        + ", maxRecordSize="
        + maxRecordSize
        + ", shardLimit="
        + shardLimit
        + "}";
  }

  /** Builds an {@link EngineConfig}. Not thread-safe. */
  public static final class Builder {
    private Path directory;
    private SyncPolicy syncPolicy = SyncPolicy.INTERVAL;
    private Duration syncInterval = Duration.ofMillis(100);
    private boolean limitsEnabled = true;
    private int maxRecordSize = DEFAULT_MAX_RECORD_SIZE;
    private int shardLimit = DEFAULT_SHARD_LIMIT;
    private int onDemandInitialShards = 4;
    private Duration maintenanceInterval = Duration.ofSeconds(10);
    private long segmentBytes = 64L * 1024 * 1024;
    private Duration segmentMaxAge = Duration.ofHours(1);
    private Duration subscriptionLifetime = Duration.ofMinutes(5);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Keeps the engine's data in {@code directory}, created if missing, so that it survives
     * restarts. Only one engine may use a directory at a time. Default: none (in memory).
     */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory == null");
      return this;
    }

    /** Keeps the engine's data in memory only; the default. */
    public Builder inMemory() {
      this.directory = null;
      return this;
    }

    /** Sets when a durable engine acknowledges puts; see {@link SyncPolicy}. Default: INTERVAL. */
    public Builder syncPolicy(SyncPolicy syncPolicy) {
      this.syncPolicy = Objects.requireNonNull(syncPolicy, "syncPolicy == null");
      return this;
    }

    /** Sets how often the INTERVAL policy syncs. Default: 100 ms; range: 1 ms to 60 s. */
    public Builder syncInterval(Duration syncInterval) {
      this.syncInterval =
          ConfigChecks.range(
              "syncInterval", syncInterval, Duration.ofMillis(1), Duration.ofSeconds(60));
      return this;
    }

    /**
     * Turns the Kinesis throughput limits on or off: per shard 1 MiB/s and 1,000 records/s written,
     * 2 MiB/s and 5 calls/s read by polling consumers, 2 MiB/s per fan-out consumer. With them on,
     * code meets the throttling it would meet on Kinesis. Record size, call size and shard limits
     * apply either way. Default: on.
     */
    public Builder limitsEnabled(boolean limitsEnabled) {
      this.limitsEnabled = limitsEnabled;
      return this;
    }

    /**
     * Sets the largest record data in bytes. Default: 1 MiB (1,048,576); range: 1 to 10 MiB
     * (10,485,760).
     */
    public Builder maxRecordSize(int maxRecordSize) {
      this.maxRecordSize =
          ConfigChecks.range("maxRecordSize", maxRecordSize, 1, MAX_RECORD_SIZE_LIMIT);
      return this;
    }

    /** Sets how many open shards the engine allows in all. Default: 500; range: 1 to 100,000. */
    public Builder shardLimit(int shardLimit) {
      this.shardLimit = ConfigChecks.range("shardLimit", shardLimit, 1, 100_000);
      return this;
    }

    /** Sets how many shards a new on-demand stream starts with. Default: 4; range: 1 to 1,000. */
    public Builder onDemandInitialShards(int shards) {
      this.onDemandInitialShards = ConfigChecks.range("onDemandInitialShards", shards, 1, 1_000);
      return this;
    }

    /**
     * Sets how often the engine applies retention and scales on-demand streams; an on-demand shard
     * is split when its write demand over one interval passes its limit. Default: 10 s; range: 10
     * ms to 1 h.
     */
    public Builder maintenanceInterval(Duration interval) {
      this.maintenanceInterval =
          ConfigChecks.range(
              "maintenanceInterval", interval, Duration.ofMillis(10), Duration.ofHours(1));
      return this;
    }

    /**
     * Sets the size at which a durable shard starts a new segment file; retention deletes whole
     * segments. Default: 64 MiB; range: 4 KiB to 1 GiB.
     */
    public Builder segmentBytes(long segmentBytes) {
      this.segmentBytes = ConfigChecks.range("segmentBytes", segmentBytes, 4096, 1L << 30);
      return this;
    }

    /**
     * Sets the age at which a shard starts a new segment even if the current one is not full, so
     * that retention can drop data written slowly. Default: 1 h; range: 1 s to 7 days.
     */
    public Builder segmentMaxAge(Duration segmentMaxAge) {
      this.segmentMaxAge =
          ConfigChecks.range(
              "segmentMaxAge", segmentMaxAge, Duration.ofSeconds(1), Duration.ofDays(7));
      return this;
    }

    /**
     * Sets how long a fan-out subscription lasts before it ends and the consumer must resubscribe.
     * Kinesis ends each after 5 minutes; a shorter time exercises resubscription sooner. Default: 5
     * min; range: 1 s to 5 min.
     */
    public Builder subscriptionLifetime(Duration lifetime) {
      this.subscriptionLifetime =
          ConfigChecks.range(
              "subscriptionLifetime", lifetime, Duration.ofSeconds(1), Duration.ofMinutes(5));
      return this;
    }

    /**
     * Sets the clock for arrival times, rate limits, iterator expiry and retention; tests move a
     * manual clock to expire iterators and records. Default: the system UTC clock.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    public EngineConfig build() {
      return new EngineConfig(this);
    }
  }
}
