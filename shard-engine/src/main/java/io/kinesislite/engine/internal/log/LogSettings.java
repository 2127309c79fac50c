package io.kinesislite.engine.internal.log;

import io.kinesislite.engine.SyncPolicy;
import io.kinesislite.transport.internal.ConfigChecks;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ShardLog} stores records: when it syncs, when it starts a new segment and how dense
 * its index is. Immutable and thread-safe; build with {@link #builder()}. Each setter checks its
 * value at once and throws {@link IllegalArgumentException} naming the field and its range. The
 * ranges match those of {@code EngineConfig}, so the engine can pass its values straight on.
 *
 * <pre>{@code
 * LogSettings settings = LogSettings.builder()
 *     .syncPolicy(SyncPolicy.ALWAYS)
 *     .segmentBytes(16 * 1024 * 1024)
 *     .build();
 * }</pre>
 */
public final class LogSettings {
  /** Default sync policy: {@link SyncPolicy#INTERVAL}. */
  public static final SyncPolicy DEFAULT_SYNC_POLICY = SyncPolicy.INTERVAL;

  /** Default interval between syncs under {@link SyncPolicy#INTERVAL}: 100 ms. */
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMillis(100);

  /** Default segment size: 64 MiB. */
  public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;

  /** Default segment age: 1 h. */
  public static final Duration DEFAULT_SEGMENT_MAX_AGE = Duration.ofHours(1);

  /** Default distance between index entries: 4 KiB. */
  public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;

  private static final LogSettings DEFAULTS = builder().build();

  private final SyncPolicy syncPolicy;
  private final Duration syncInterval;
  private final long segmentBytes;
  private final Duration segmentMaxAge;
  private final int indexIntervalBytes;
  private final Clock clock;

  private LogSettings(Builder b) {
    this.syncPolicy = b.syncPolicy;
    this.syncInterval = b.syncInterval;
    this.segmentBytes = b.segmentBytes;
    this.segmentMaxAge = b.segmentMaxAge;
    this.indexIntervalBytes = b.indexIntervalBytes;
    this.clock = b.clock;
  }

  /** Returns the settings with every default. */
  public static LogSettings defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.syncPolicy = syncPolicy;
    b.syncInterval = syncInterval;
    b.segmentBytes = segmentBytes;
    b.segmentMaxAge = segmentMaxAge;
    b.indexIntervalBytes = indexIntervalBytes;
    b.clock = clock;
    return b;
  }

  /** Returns when appends are acknowledged and forced to disk. */
  public SyncPolicy syncPolicy() {
    return syncPolicy;
  }

  /**
   * Returns how often dirty segments are forced under {@link SyncPolicy#INTERVAL}. The {@link
   * Syncer} does the forcing, so the engine builds it with this value: {@code new
   * Syncer(settings.syncInterval())}.
   */
  public Duration syncInterval() {
    return syncInterval;
  }

  /** Returns the size after which an append starts a new segment. */
  public long segmentBytes() {
    return segmentBytes;
  }

  /** Returns the age of its first record after which an append starts a new segment. */
  public Duration segmentMaxAge() {
    return segmentMaxAge;
  }

  /** Returns the most bytes of records between two entries of a segment's sparse index. */
  public int indexIntervalBytes() {
    return indexIntervalBytes;
  }

  /** Returns the clock that decides a segment's age. */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "LogSettings{sync="
        + syncPolicy
        + (syncPolicy == SyncPolicy.INTERVAL ? " every " + syncInterval.toMillis() + " ms" : "")
        + ", segmentBytes="
        + segmentBytes
        + ", segmentMaxAge="
        + segmentMaxAge
        + ", indexIntervalBytes="
        + indexIntervalBytes
        + "}";
  }

  /** Builds {@link LogSettings}. Not thread-safe. */
  public static final class Builder {
    private SyncPolicy syncPolicy = DEFAULT_SYNC_POLICY;
    private Duration syncInterval = DEFAULT_SYNC_INTERVAL;
    private long segmentBytes = DEFAULT_SEGMENT_BYTES;
    private Duration segmentMaxAge = DEFAULT_SEGMENT_MAX_AGE;
    private int indexIntervalBytes = DEFAULT_INDEX_INTERVAL_BYTES;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Sets when appends are acknowledged; see {@link SyncPolicy}. Default: INTERVAL. */
    public Builder syncPolicy(SyncPolicy syncPolicy) {
      this.syncPolicy = Objects.requireNonNull(syncPolicy, "syncPolicy == null");
      return this;
    }

    /**
     * Sets how often the INTERVAL policy forces written records to disk. Default: 100 ms; range: 1
     * ms to 60 s.
     */
    public Builder syncInterval(Duration syncInterval) {
      this.syncInterval =
          ConfigChecks.range(
              "syncInterval", syncInterval, Duration.ofMillis(1), Duration.ofSeconds(60));
      return this;
    }

    /**
     * Sets the size of a segment file: an append that would take the current segment past it starts
     * a new one (a single append larger than this gets a segment to itself). Retention deletes
     * whole segments. Default: 64 MiB; range: 4 KiB to 1 GiB.
     */
    public Builder segmentBytes(long segmentBytes) {
      this.segmentBytes = ConfigChecks.range("segmentBytes", segmentBytes, 4096, 1L << 30);
      return this;
    }

    /**
     * Sets the age, by the clock, of a segment's first record after which the next append starts a
     * new segment, so that retention can drop records written slowly. Default: 1 h; range: 1 s to 7
     * days.
     */
    public Builder segmentMaxAge(Duration segmentMaxAge) {
      this.segmentMaxAge =
          ConfigChecks.range(
              "segmentMaxAge", segmentMaxAge, Duration.ofSeconds(1), Duration.ofDays(7));
      return this;
    }

    /**
     * Sets how many bytes of records may lie between two entries of a segment's sparse index; a
     * read scans at most about this much to find its first record. Default: 4 KiB; range: 64 B to 1
     * MiB.
     */
    public Builder indexIntervalBytes(int indexIntervalBytes) {
      this.indexIntervalBytes =
          ConfigChecks.range("indexIntervalBytes", indexIntervalBytes, 64, 1024 * 1024);
      return this;
    }

    /** Sets the clock that decides a segment's age. Default: the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    public LogSettings build() {
      return new LogSettings(this);
    }
  }
}
