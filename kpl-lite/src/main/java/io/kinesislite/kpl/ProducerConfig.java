package io.kinesislite.kpl;

import io.kinesislite.transport.internal.ConfigChecks;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a {@link KinesisProducer} buffers, aggregates, limits and retries. Immutable; build with
 * {@link #builder()}, or load a KPL properties file with {@link KplProperties}. The options the KPL
 * has keep its names (without {@code set}), defaults and ranges; each setter checks its value and
 * throws {@link IllegalArgumentException} naming the option and the range.
 *
 * <pre>{@code
 * ProducerConfig config = ProducerConfig.builder()
 *     .recordMaxBufferedTime(Duration.ofMillis(50))
 *     .maxOutstandingBytes(64L << 20)   // add() blocks above 64 MiB in flight
 *     .build();
 * }</pre>
 */
public final class ProducerConfig {
  /** What the producer reports as metrics, as in the KPL. */
  public enum MetricsLevel {
    NONE,
    SUMMARY,
    DETAILED
  }

  /** How finely metrics are tagged, as in the KPL: overall, per stream, or per shard. */
  public enum MetricsGranularity {
    GLOBAL,
    STREAM,
    SHARD
  }

  /** The longest time the KPL accepts: 2^63-1 milliseconds. */
  private static final Duration MAX_MILLIS = Duration.ofMillis(Long.MAX_VALUE);

  private static final Pattern NAMESPACE = Pattern.compile("(?!AWS/).{1,255}");

  private final boolean aggregationEnabled;
  private final long aggregationMaxCount;
  private final int aggregationMaxSize;
  private final int collectionMaxCount;
  private final long collectionMaxSize;
  private final Duration recordMaxBufferedTime;
  private final Duration recordTtl;
  private final long rateLimit;
  private final boolean failIfThrottled;
  private final int maxUserRecordSize;
  private final MetricsLevel metricsLevel;
  private final MetricsGranularity metricsGranularity;
  private final String metricsNamespace;
  private final long maxOutstandingRecords;
  private final long maxOutstandingBytes;
  private final Duration bufferFullWait;
  private final boolean strictOrdering;
  private final Duration closeTimeout;
  private final Clock clock;

  private ProducerConfig(Builder b) {
    this.aggregationEnabled = b.aggregationEnabled;
    this.aggregationMaxCount = b.aggregationMaxCount;
    this.aggregationMaxSize = b.aggregationMaxSize;
    this.collectionMaxCount = b.collectionMaxCount;
    this.collectionMaxSize = b.collectionMaxSize;
    this.recordMaxBufferedTime = b.recordMaxBufferedTime;
    this.recordTtl = b.recordTtl;
    this.rateLimit = b.rateLimit;
    this.failIfThrottled = b.failIfThrottled;
    this.maxUserRecordSize = b.maxUserRecordSize;
    this.metricsLevel = b.metricsLevel;
    this.metricsGranularity = b.metricsGranularity;
    this.metricsNamespace = b.metricsNamespace;
    this.maxOutstandingRecords = b.maxOutstandingRecords;
    this.maxOutstandingBytes = b.maxOutstandingBytes;
    this.bufferFullWait = b.bufferFullWait;
    this.strictOrdering = b.strictOrdering;
    this.closeTimeout = b.closeTimeout;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns the defaults: the KPL's, plus kinesis-lite's own limits. */
  public static ProducerConfig defaults() {
    return builder().build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.aggregationEnabled = aggregationEnabled;
    b.aggregationMaxCount = aggregationMaxCount;
    b.aggregationMaxSize = aggregationMaxSize;
    b.collectionMaxCount = collectionMaxCount;
    b.collectionMaxSize = collectionMaxSize;
    b.recordMaxBufferedTime = recordMaxBufferedTime;
    b.recordTtl = recordTtl;
    b.rateLimit = rateLimit;
    b.failIfThrottled = failIfThrottled;
    b.maxUserRecordSize = maxUserRecordSize;
    b.metricsLevel = metricsLevel;
    b.metricsGranularity = metricsGranularity;
    b.metricsNamespace = metricsNamespace;
    b.maxOutstandingRecords = maxOutstandingRecords;
    b.maxOutstandingBytes = maxOutstandingBytes;
    b.bufferFullWait = bufferFullWait;
    b.strictOrdering = strictOrdering;
    b.closeTimeout = closeTimeout;
    b.clock = clock;
    return b;
  }

  public boolean aggregationEnabled() {
    return aggregationEnabled;
  }

  public long aggregationMaxCount() {
    return aggregationMaxCount;
  }

  public int aggregationMaxSize() {
    return aggregationMaxSize;
  }

  public int collectionMaxCount() {
    return collectionMaxCount;
  }

  public long collectionMaxSize() {
    return collectionMaxSize;
  }

  public Duration recordMaxBufferedTime() {
    return recordMaxBufferedTime;
  }

  public Duration recordTtl() {
    return recordTtl;
  }

  public long rateLimit() {
    return rateLimit;
  }

  public boolean failIfThrottled() {
    return failIfThrottled;
  }

  public int maxUserRecordSize() {
    return maxUserRecordSize;
  }

  public MetricsLevel metricsLevel() {
    return metricsLevel;
  }

  public MetricsGranularity metricsGranularity() {
    return metricsGranularity;
  }

  public String metricsNamespace() {
    return metricsNamespace;
  }

  public long maxOutstandingRecords() {
    return maxOutstandingRecords;
  }

  public long maxOutstandingBytes() {
    return maxOutstandingBytes;
  }

  public Duration bufferFullWait() {
    return bufferFullWait;
  }

  public boolean strictOrdering() {
    return strictOrdering;
  }

  public Duration closeTimeout() {
    return closeTimeout;
  }

  public Clock clock() {
    return clock;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProducerConfig c
        && aggregationEnabled == c.aggregationEnabled
        && aggregationMaxCount == c.aggregationMaxCount
        && aggregationMaxSize == c.aggregationMaxSize
        && collectionMaxCount == c.collectionMaxCount
        && collectionMaxSize == c.collectionMaxSize
        && recordMaxBufferedTime.equals(c.recordMaxBufferedTime)
        && recordTtl.equals(c.recordTtl)
        && rateLimit == c.rateLimit
        && failIfThrottled == c.failIfThrottled
        && maxUserRecordSize == c.maxUserRecordSize
        && metricsLevel == c.metricsLevel
        && metricsGranularity == c.metricsGranularity
        && metricsNamespace.equals(c.metricsNamespace)
        && maxOutstandingRecords == c.maxOutstandingRecords
        && maxOutstandingBytes == c.maxOutstandingBytes
        && bufferFullWait.equals(c.bufferFullWait)
        && strictOrdering == c.strictOrdering
        && closeTimeout.equals(c.closeTimeout)
        && clock.equals(c.clock);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        aggregationEnabled,
        aggregationMaxCount,
        aggregationMaxSize,
        collectionMaxCount,
        collectionMaxSize,
        recordMaxBufferedTime,
        recordTtl,
        rateLimit,
        failIfThrottled,
        maxUserRecordSize,
        metricsLevel,
        metricsGranularity,
        metricsNamespace,
        maxOutstandingRecords,
        maxOutstandingBytes,
        bufferFullWait,
        strictOrdering,
        closeTimeout,
        clock);
  }

  @Override
  public String toString() {
    return "ProducerConfig{AggregationEnabled="
        + aggregationEnabled
        + ", AggregationMaxCount="
        + aggregationMaxCount
        + ", AggregationMaxSize="
        + aggregationMaxSize
        + ", CollectionMaxCount="
        + collectionMaxCount
        + ", CollectionMaxSize="
        + collectionMaxSize
        + ", RecordMaxBufferedTime="
        + recordMaxBufferedTime.toMillis()
        + "ms, RecordTtl="
        + recordTtl.toMillis()
        + "ms, RateLimit="
        + rateLimit
        + ", FailIfThrottled="
        + failIfThrottled
        + ", MaxUserRecordSize="
        + maxUserRecordSize
        + ", MetricsLevel="
        + metricsLevel.name().toLowerCase(Locale.ROOT)
        + ", MetricsGranularity="
        + metricsGranularity.name().toLowerCase(Locale.ROOT)
        + ", MetricsNamespace="
        + metricsNamespace
        + ", MaxOutstandingRecords="
        + maxOutstandingRecords
        + ", MaxOutstandingBytes="
        + maxOutstandingBytes
        + ", BufferFullWait="
        + bufferFullWait.toMillis()
        + "ms, StrictOrdering="
        + strictOrdering
        + ", CloseTimeout="
        + closeTimeout.toMillis()
        + "ms}";
  }

  /** Builds a {@link ProducerConfig}. Not thread-safe. */
  public static final class Builder {
    private boolean aggregationEnabled = true;
    private long aggregationMaxCount = 4_294_967_295L;
    private int aggregationMaxSize = 51_200;
    private int collectionMaxCount = 500;
    private long collectionMaxSize = 5L * 1024 * 1024;
    private Duration recordMaxBufferedTime = Duration.ofMillis(100);
    private Duration recordTtl = Duration.ofSeconds(30);
    private long rateLimit = 150;
    private boolean failIfThrottled;
    private int maxUserRecordSize = 1024 * 1024;
    private MetricsLevel metricsLevel = MetricsLevel.DETAILED;
    private MetricsGranularity metricsGranularity = MetricsGranularity.SHARD;
    private String metricsNamespace = "KinesisProducerLibrary";
    private long maxOutstandingRecords = 500_000;
    private long maxOutstandingBytes = 256L * 1024 * 1024;
    private Duration bufferFullWait = Duration.ofSeconds(10);
    private boolean strictOrdering;
    private Duration closeTimeout = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Packs user records bound for the same shard into KPL aggregates, which the KCL and kcl-lite
     * unpack. Default: true.
     */
    public Builder aggregationEnabled(boolean enabled) {
      this.aggregationEnabled = enabled;
      return this;
    }

    /** Sets the most user records per aggregate. Default: 4,294,967,295; range: 1 and up. */
    public Builder aggregationMaxCount(long count) {
      this.aggregationMaxCount =
          ConfigChecks.range("AggregationMaxCount", count, 1, Long.MAX_VALUE);
      return this;
    }

    /**
     * Sets the largest aggregate in bytes, magic and checksum included. Default: 51,200; range: 64
     * to 10,485,760. Over 1 MiB only for streams configured for records that large.
     */
    public Builder aggregationMaxSize(int bytes) {
      this.aggregationMaxSize = ConfigChecks.range("AggregationMaxSize", bytes, 64, 10 << 20);
      return this;
    }

    /** Sets the most Kinesis records per put-many call. Default: 500; range: 1 to 500. */
    public Builder collectionMaxCount(int count) {
      this.collectionMaxCount = ConfigChecks.range("CollectionMaxCount", count, 1, 500);
      return this;
    }

    /**
     * Sets the most bytes (partition keys plus data) per put-many call. Default: 5,242,880; range:
     * 52,224 and up, as in the KPL. Values over 5,242,880, the Kinesis limit for one call, act as
     * that limit.
     */
    public Builder collectionMaxSize(long bytes) {
      this.collectionMaxSize =
          ConfigChecks.range("CollectionMaxSize", bytes, 52_224, Long.MAX_VALUE);
      return this;
    }

    /**
     * Sets how long a record may wait in the buffer for others to share a put with. Lower means
     * less delay and less efficiency. Default: 100 ms; range: 0 to 2^63-1 ms, as in the KPL.
     */
    public Builder recordMaxBufferedTime(Duration time) {
      this.recordMaxBufferedTime =
          ConfigChecks.range("RecordMaxBufferedTime", time, Duration.ZERO, MAX_MILLIS);
      return this;
    }

    /**
     * Sets how long the producer keeps trying to put a record before its future fails with {@link
     * RecordExpiredException}. Default: 30 s; range: 100 ms to 2^63-1 ms, as in the KPL.
     */
    public Builder recordTtl(Duration ttl) {
      this.recordTtl = ConfigChecks.range("RecordTtl", ttl, Duration.ofMillis(100), MAX_MILLIS);
      return this;
    }

    /**
     * Sets how fast the producer writes to one shard, in percent of the shard's limit (1,000
     * records and 1 MiB per second). Over 100 lets one producer use a shard fully while the buckets
     * refill. Default: 150; range: 1 to 2^63-1, as in the KPL; a very large value takes the limit
     * out of the way.
     */
    public Builder rateLimit(long percent) {
      this.rateLimit = ConfigChecks.range("RateLimit", percent, 1, Long.MAX_VALUE);
      return this;
    }

    /** Fails a throttled record at once instead of retrying it. Default: false. */
    public Builder failIfThrottled(boolean fail) {
      this.failIfThrottled = fail;
      return this;
    }

    /**
     * Sets the largest user record data in bytes; larger records are refused by add. Default:
     * 1,048,576; range: 64 to 10,485,760.
     */
    public Builder maxUserRecordSize(int bytes) {
      this.maxUserRecordSize = ConfigChecks.range("MaxUserRecordSize", bytes, 64, 10 << 20);
      return this;
    }

    /** Sets which metrics are reported. Default: DETAILED. */
    public Builder metricsLevel(MetricsLevel level) {
      this.metricsLevel = Objects.requireNonNull(level, "MetricsLevel == null");
      return this;
    }

    /** Sets how finely metrics are tagged. Default: SHARD. */
    public Builder metricsGranularity(MetricsGranularity granularity) {
      this.metricsGranularity = Objects.requireNonNull(granularity, "MetricsGranularity == null");
      return this;
    }

    /**
     * Sets the prefix of every metric name. Default: KinesisProducerLibrary; 1 to 255 characters,
     * not starting with {@code AWS/}.
     */
    public Builder metricsNamespace(String namespace) {
      Objects.requireNonNull(namespace, "MetricsNamespace == null");
      if (!NAMESPACE.matcher(namespace).matches()) {
        throw new IllegalArgumentException(
            "MetricsNamespace must be 1 to 255 characters not starting with AWS/: '"
                + namespace
                + "'");
      }
      this.metricsNamespace = namespace;
      return this;
    }

    /**
     * Sets the most records outstanding (added, not yet delivered or failed); add waits above it.
     * Default: 500,000; range: 1 to 1,000,000,000.
     */
    public Builder maxOutstandingRecords(long records) {
      this.maxOutstandingRecords =
          ConfigChecks.range("MaxOutstandingRecords", records, 1, 1_000_000_000L);
      return this;
    }

    /**
     * Sets the most bytes (partition keys plus data) outstanding; add waits above it. Default: 256
     * MiB; range: 1 KiB and up.
     */
    public Builder maxOutstandingBytes(long bytes) {
      this.maxOutstandingBytes =
          ConfigChecks.range("MaxOutstandingBytes", bytes, 1024, Long.MAX_VALUE);
      return this;
    }

    /**
     * Sets how long add waits for room when a buffer limit is reached before it throws {@link
     * BufferFullException}; zero throws at once. Default: 10 s; range: 0 to 1 h.
     */
    public Builder bufferFullWait(Duration wait) {
      this.bufferFullWait =
          ConfigChecks.range("BufferFullWait", wait, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /**
     * Keeps the records of each partition key in the order they were added, retries included: each
     * shard then has one put in flight at a time, carrying at most one Kinesis record per partition
     * key (an aggregate counts every member's key), so an entry that fails never has a later record
     * of its key stored beside it. With aggregation on, or with many partition keys, a shard can
     * still be written at its full rate; a single key goes at one Kinesis record per round trip.
     * Default: false.
     */
    public Builder strictOrdering(boolean strict) {
      this.strictOrdering = strict;
      return this;
    }

    /**
     * Sets how long close waits for outstanding records before failing them. Default: 30 s; range:
     * 0 to 1 h.
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout =
          ConfigChecks.range("CloseTimeout", timeout, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /** Sets the clock for buffering deadlines, rate limits and expiry. Default: system UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    public ProducerConfig build() {
      return new ProducerConfig(this);
    }
  }
}
