package io.kinesislite.kpl.internal;

import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.kpl.ProducerConfig.MetricsGranularity;
import io.kinesislite.kpl.ProducerConfig.MetricsLevel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Reports the producer's metrics to a Micrometer {@link MeterRegistry} under the KPL's names,
 * levels and granularities: meter {@code <namespace>.<KplName>}, for example {@code
 * KinesisProducerLibrary.UserRecordsPut}.
 *
 * <p>Levels as in the KPL. {@link MetricsLevel#SUMMARY} registers only UserRecordsPut,
 * KinesisRecordsPut, ErrorsByCode, AllErrors, BufferingTime and UserRecordExpired; {@link
 * MetricsLevel#DETAILED} also UserRecordsReceived, UserRecordsPending, UserRecordsDataPut,
 * KinesisRecordsDataPut, RetriesPerRecord, RequestTime, UserRecordsPerKinesisRecord,
 * KinesisRecordsPerPutRecordsRequest and UserRecordsPerPutRecordsRequest. {@link MetricsLevel#NONE}
 * is {@link ProducerMetrics#NONE} (see {@link #of}).
 *
 * <p>Granularity as in the KPL, with tags {@code StreamName} and {@code ShardId}: {@link
 * MetricsGranularity#GLOBAL} tags neither, {@link MetricsGranularity#STREAM} tags the stream,
 * {@link MetricsGranularity#SHARD} tags both; metrics the pipeline reports without a shard
 * (UserRecordsReceived, RequestTime and the per-request distributions) get only the stream. The KPL
 * also emits each shard-level metric again at stream and global level; here there is one meter per
 * finest tag set, because Micrometer and its back ends aggregate across tags. ErrorsByCode adds the
 * tag {@code ErrorCode}. UserRecordsPending is one untagged gauge, since the hook reports the
 * producer's total. A {@code null} stream, shard or error code is tagged {@value #UNKNOWN}, so that
 * every meter name keeps one set of tag keys.
 *
 * <p>Hot path: meters are made once per tag set and kept in {@link ConcurrentHashMap}s keyed by
 * stream, then shard, then error code (at GLOBAL granularity a single field, no lookup at all), so
 * a call after the first for its tag set does two or three {@code get}s on String keys and one
 * meter update: no tags are built, the registry is not consulted and nothing is allocated here.
 * Whether the meter update itself allocates depends on the registry; Micrometer's cumulative and
 * step meters without percentiles or histograms do not. Metrics below the level return before any
 * lookup. Series are never removed: closed shards keep their (idle) meters.
 *
 * <p>Thread-safe.
 */
public final class MicrometerProducerMetrics implements ProducerMetrics {
  /** The tag value used for a {@code null} stream, shard or error code. */
  static final String UNKNOWN = "unknown";

  static final String STREAM_NAME = "StreamName";
  static final String SHARD_ID = "ShardId";
  static final String ERROR_CODE = "ErrorCode";

  private static final String RECORDS = "records";

  private final MeterRegistry registry;
  private final boolean detailed;
  private final MetricsGranularity granularity;
  private final String prefix;
  private final AtomicLong pending = new AtomicLong();
  private final ConcurrentMap<String, StreamMeters> streams = new ConcurrentHashMap<>();
  // Held once so the slow path does not make a new lambda either.
  private final Function<String, StreamMeters> newStream = StreamMeters::new;
  // Non-null only at GLOBAL granularity: every call lands here without a lookup.
  private final StreamMeters global;

  /**
   * Creates the meters' home; at GLOBAL granularity it registers the (untagged) meters at once, at
   * the others on first use of each stream and shard.
   *
   * @param registry where meters are registered
   * @param level SUMMARY or DETAILED
   * @param granularity which of StreamName and ShardId tag the meters
   * @param namespace the meter name prefix, such as {@code KinesisProducerLibrary}
   * @throws IllegalArgumentException if {@code level} is NONE (use {@link ProducerMetrics#NONE}) or
   *     {@code namespace} is empty
   */
  public MicrometerProducerMetrics(
      MeterRegistry registry,
      MetricsLevel level,
      MetricsGranularity granularity,
      String namespace) {
    this.registry = Objects.requireNonNull(registry, "registry == null");
    Objects.requireNonNull(level, "level == null");
    this.granularity = Objects.requireNonNull(granularity, "granularity == null");
    Objects.requireNonNull(namespace, "namespace == null");
    if (level == MetricsLevel.NONE) {
      throw new IllegalArgumentException("level NONE records nothing: use ProducerMetrics.NONE");
    }
    if (namespace.isEmpty()) {
      throw new IllegalArgumentException("namespace is empty");
    }
    this.detailed = level == MetricsLevel.DETAILED;
    this.prefix = namespace + ".";
    if (detailed) {
      Gauge.builder(prefix + "UserRecordsPending", pending, AtomicLong::get)
          .description("User records outstanding in the producer, sampled")
          .baseUnit(RECORDS)
          .strongReference(true)
          .register(registry);
    }
    this.global = granularity == MetricsGranularity.GLOBAL ? new StreamMeters(null) : null;
  }

  /**
   * Returns the metrics {@code config} asks for: {@link ProducerMetrics#NONE} if {@code registry}
   * is {@code null} or the level is NONE, else a {@link MicrometerProducerMetrics} with the
   * config's level, granularity and namespace.
   *
   * @param registry where meters are registered; {@code null} for none
   * @param config the producer's configuration
   */
  public static ProducerMetrics of(MeterRegistry registry, ProducerConfig config) {
    Objects.requireNonNull(config, "config == null");
    if (registry == null || config.metricsLevel() == MetricsLevel.NONE) {
      return ProducerMetrics.NONE;
    }
    return new MicrometerProducerMetrics(
        registry, config.metricsLevel(), config.metricsGranularity(), config.metricsNamespace());
  }

  @Override
  public void userRecordReceived(String stream) {
    if (detailed) {
      stream(stream).userRecordsReceived.increment();
    }
  }

  @Override
  public void userRecordsPut(String stream, String shardId, int count, long dataBytes) {
    ShardMeters m = shard(stream, shardId);
    m.userRecordsPut.increment(count);
    if (detailed) {
      m.userRecordsDataPut.increment(dataBytes);
    }
  }

  @Override
  public void bufferingTime(String stream, String shardId, long millis) {
    shard(stream, shardId).bufferingTime.record(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void retriesPerRecord(String stream, String shardId, int retries) {
    if (detailed) {
      shard(stream, shardId).retriesPerRecord.record(retries);
    }
  }

  @Override
  public void kinesisRecordsPut(String stream, String shardId, int count, long bytes) {
    ShardMeters m = shard(stream, shardId);
    m.kinesisRecordsPut.increment(count);
    if (detailed) {
      m.kinesisRecordsDataPut.increment(bytes);
    }
  }

  @Override
  public void userRecordsPerKinesisRecord(String stream, String shardId, int userRecords) {
    if (detailed) {
      shard(stream, shardId).userRecordsPerKinesisRecord.record(userRecords);
    }
  }

  @Override
  public void putRecordsRequest(String stream, long millis, int kinesisRecords, int userRecords) {
    if (detailed) {
      StreamMeters m = stream(stream);
      m.requestTime.record(millis, TimeUnit.MILLISECONDS);
      m.kinesisRecordsPerPutRecordsRequest.record(kinesisRecords);
      m.userRecordsPerPutRecordsRequest.record(userRecords);
    }
  }

  @Override
  public void error(String stream, String shardId, String code) {
    ShardMeters m = shard(stream, shardId);
    m.allErrors.increment();
    m.errorsByCode(code).increment();
  }

  @Override
  public void userRecordExpired(String stream, String shardId) {
    shard(stream, shardId).userRecordExpired.increment();
  }

  @Override
  public void userRecordsPending(long count) {
    pending.set(count);
  }

  @Override
  public String toString() {
    return "MicrometerProducerMetrics{level="
        + (detailed ? "detailed" : "summary")
        + ", granularity="
        + granularity
        + ", namespace="
        + prefix.substring(0, prefix.length() - 1)
        + "}";
  }

  private StreamMeters stream(String stream) {
    if (global != null) {
      return global;
    }
    String key = stream == null ? UNKNOWN : stream;
    StreamMeters m = streams.get(key);
    return m != null ? m : streams.computeIfAbsent(key, newStream);
  }

  private ShardMeters shard(String stream, String shardId) {
    StreamMeters m = stream(stream);
    return m.single != null ? m.single : m.shard(shardId);
  }

  private Counter counter(String name, String description, String unit, Tags tags) {
    return Counter.builder(prefix + name)
        .description(description)
        .baseUnit(unit)
        .tags(tags)
        .register(registry);
  }

  private DistributionSummary summary(String name, String description, String unit, Tags tags) {
    return DistributionSummary.builder(prefix + name)
        .description(description)
        .baseUnit(unit)
        .tags(tags)
        .register(registry);
  }

  private Timer timer(String name, String description, Tags tags) {
    return Timer.builder(prefix + name).description(description).tags(tags).register(registry);
  }

  /** The meters of one stream's tag set (none at GLOBAL), and its shards' meters. */
  private final class StreamMeters {
    // Detailed only; null at SUMMARY.
    final Counter userRecordsReceived;
    final Timer requestTime;
    final DistributionSummary kinesisRecordsPerPutRecordsRequest;
    final DistributionSummary userRecordsPerPutRecordsRequest;
    // At GLOBAL and STREAM granularity the shard-level meters share this tag set.
    final ShardMeters single;
    private final ConcurrentMap<String, ShardMeters> shards;
    private final Function<String, ShardMeters> newShard;

    StreamMeters(String stream) {
      Tags tags = stream == null ? Tags.empty() : Tags.of(STREAM_NAME, stream);
      if (detailed) {
        userRecordsReceived =
            counter("UserRecordsReceived", "User records accepted by add", RECORDS, tags);
        requestTime = timer("RequestTime", "Time of each put-many call", tags);
        kinesisRecordsPerPutRecordsRequest =
            summary(
                "KinesisRecordsPerPutRecordsRequest",
                "Kinesis records per put-many call",
                RECORDS,
                tags);
        userRecordsPerPutRecordsRequest =
            summary(
                "UserRecordsPerPutRecordsRequest", "User records per put-many call", RECORDS, tags);
      } else {
        userRecordsReceived = null;
        requestTime = null;
        kinesisRecordsPerPutRecordsRequest = null;
        userRecordsPerPutRecordsRequest = null;
      }
      if (granularity == MetricsGranularity.SHARD) {
        single = null;
        shards = new ConcurrentHashMap<>();
        newShard = shardId -> new ShardMeters(tags.and(SHARD_ID, shardId));
      } else {
        single = new ShardMeters(tags);
        shards = null;
        newShard = null;
      }
    }

    ShardMeters shard(String shardId) {
      String key = shardId == null ? UNKNOWN : shardId;
      ShardMeters m = shards.get(key);
      return m != null ? m : shards.computeIfAbsent(key, newShard);
    }
  }

  /** The meters of one shard's tag set (or of the stream's, or global, if coarser). */
  private final class ShardMeters {
    final Counter userRecordsPut;
    final Counter kinesisRecordsPut;
    final Counter allErrors;
    final Counter userRecordExpired;
    final Timer bufferingTime;
    private final ConcurrentMap<String, Counter> errorsByCode = new ConcurrentHashMap<>();
    private final Function<String, Counter> newErrorCounter;
    // Detailed only; null at SUMMARY.
    final Counter userRecordsDataPut;
    final Counter kinesisRecordsDataPut;
    final DistributionSummary retriesPerRecord;
    final DistributionSummary userRecordsPerKinesisRecord;

    ShardMeters(Tags tags) {
      userRecordsPut = counter("UserRecordsPut", "User records put", RECORDS, tags);
      kinesisRecordsPut =
          counter("KinesisRecordsPut", "Kinesis records put, aggregated or not", RECORDS, tags);
      allErrors = counter("AllErrors", "Errors of any code", "errors", tags);
      userRecordExpired =
          counter("UserRecordExpired", "User records that outlived RecordTtl", RECORDS, tags);
      bufferingTime = timer("BufferingTime", "Time from add to a record's first put", tags);
      newErrorCounter =
          code -> counter("ErrorsByCode", "Errors by code", "errors", tags.and(ERROR_CODE, code));
      if (detailed) {
        userRecordsDataPut =
            counter("UserRecordsDataPut", "User record data put", BaseUnits.BYTES, tags);
        kinesisRecordsDataPut =
            counter("KinesisRecordsDataPut", "Kinesis record data put", BaseUnits.BYTES, tags);
        retriesPerRecord =
            summary("RetriesPerRecord", "Tries beyond the first per user record", "retries", tags);
        userRecordsPerKinesisRecord =
            summary(
                "UserRecordsPerKinesisRecord", "User records per Kinesis record", RECORDS, tags);
      } else {
        userRecordsDataPut = null;
        kinesisRecordsDataPut = null;
        retriesPerRecord = null;
        userRecordsPerKinesisRecord = null;
      }
    }

    Counter errorsByCode(String code) {
      String key = code == null ? UNKNOWN : code;
      Counter c = errorsByCode.get(key);
      return c != null ? c : errorsByCode.computeIfAbsent(key, newErrorCounter);
    }
  }
}
