package io.kinesislite.kcl;

import io.kinesislite.transport.internal.ConfigChecks;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * How a {@link Worker} consumes a stream. Immutable; made by {@link #builder()}, where every option
 * documents its default and range and is checked when set.
 *
 * <pre>{@code
 * ConsumerConfig config = ConsumerConfig.builder()
 *     .applicationName("orders-app")
 *     .streamName("orders")
 *     .initialPosition(InitialPosition.trimHorizon())
 *     .build();
 * }</pre>
 */
public final class ConsumerConfig {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

  private final String applicationName;
  private final String streamName;
  private final String workerId;
  private final InitialPosition initialPosition;
  private final Duration failoverTime;
  private final Duration renewInterval;
  private final Duration takeInterval;
  private final Duration shardSyncInterval;
  private final Duration idleWait;
  private final int maxRecordsPerCall;
  private final int maxLeasesPerWorker;
  private final int maxStealsAtOnce;
  private final Duration handOffTimeout;
  private final Duration processorRetryBackoff;
  private final Duration shutdownTimeout;
  private final Duration startTimeout;
  private final boolean enhancedFanOut;
  private final Clock clock;

  private ConsumerConfig(Builder b) {
    this.applicationName = b.applicationName;
    this.streamName = b.streamName;
    this.workerId = b.workerId != null ? b.workerId : defaultWorkerId();
    this.initialPosition = b.initialPosition;
    this.failoverTime = b.failoverTime;
    this.renewInterval = b.renewInterval != null ? b.renewInterval : failoverTime.dividedBy(3);
    this.takeInterval = b.takeInterval;
    this.shardSyncInterval = b.shardSyncInterval;
    this.idleWait = b.idleWait;
    this.maxRecordsPerCall = b.maxRecordsPerCall;
    this.maxLeasesPerWorker = b.maxLeasesPerWorker;
    this.maxStealsAtOnce = b.maxStealsAtOnce;
    this.handOffTimeout = b.handOffTimeout;
    this.processorRetryBackoff = b.processorRetryBackoff;
    this.shutdownTimeout = b.shutdownTimeout;
    this.startTimeout = b.startTimeout;
    this.enhancedFanOut = b.enhancedFanOut;
    this.clock = b.clock;
  }

  private static String defaultWorkerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String applicationName() {
    return applicationName;
  }

  public String streamName() {
    return streamName;
  }

  public String workerId() {
    return workerId;
  }

  public InitialPosition initialPosition() {
    return initialPosition;
  }

  public Duration failoverTime() {
    return failoverTime;
  }

  public Duration renewInterval() {
    return renewInterval;
  }

  public Duration takeInterval() {
    return takeInterval;
  }

  public Duration shardSyncInterval() {
    return shardSyncInterval;
  }

  public Duration idleWait() {
    return idleWait;
  }

  public int maxRecordsPerCall() {
    return maxRecordsPerCall;
  }

  public int maxLeasesPerWorker() {
    return maxLeasesPerWorker;
  }

  public int maxStealsAtOnce() {
    return maxStealsAtOnce;
  }

  public Duration handOffTimeout() {
    return handOffTimeout;
  }

  public Duration processorRetryBackoff() {
    return processorRetryBackoff;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  public Duration startTimeout() {
    return startTimeout;
  }

  public boolean enhancedFanOut() {
    return enhancedFanOut;
  }

  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "ConsumerConfig{applicationName="
        + applicationName
        + ", streamName="
        + streamName
        + ", workerId="
        + workerId
        + ", initialPosition="
        + initialPosition
        + ", failoverTime="
        + ConfigChecks.readable(failoverTime)
        + ", renewInterval="
        + ConfigChecks.readable(renewInterval)
        + ", takeInterval="
        + ConfigChecks.readable(takeInterval)
        + "}";
  }

  /** Builds a {@link ConsumerConfig}. Not thread-safe. */
  public static final class Builder {
    private String applicationName;
    private String streamName;
    private String workerId;
    private InitialPosition initialPosition = InitialPosition.latest();
    private Duration failoverTime = Duration.ofSeconds(10);
    private Duration renewInterval;
    private Duration takeInterval = Duration.ofSeconds(2);
    private Duration shardSyncInterval = Duration.ofSeconds(60);
    private Duration idleWait = Duration.ofSeconds(1);
    private int maxRecordsPerCall = 10_000;
    private int maxLeasesPerWorker = Integer.MAX_VALUE;
    private int maxStealsAtOnce = 1;
    private Duration handOffTimeout = Duration.ofSeconds(30);
    private Duration processorRetryBackoff = Duration.ofSeconds(1);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private Duration startTimeout = Duration.ofSeconds(60);
    private boolean enhancedFanOut;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets the application's name, which is also the lease table's name: one table per application.
     * Required; 1 to 128 of {@code [a-zA-Z0-9_.-]}.
     */
    public Builder applicationName(String name) {
      this.applicationName = name(name, "applicationName");
      return this;
    }

    /** Sets the stream to consume. Required; 1 to 128 of {@code [a-zA-Z0-9_.-]}. */
    public Builder streamName(String name) {
      this.streamName = name(name, "streamName");
      return this;
    }

    private static String name(String value, String field) {
      Objects.requireNonNull(value, field + " == null");
      if (!NAME.matcher(value).matches()) {
        throw new IllegalArgumentException(
            field + " must be 1 to 128 characters of [a-zA-Z0-9_.-]: '" + value + "'");
      }
      return value;
    }

    /**
     * Sets this worker's id, stored as the owner of its leases. A worker restarted with the same id
     * resumes its leases at once. Default: host name plus a random suffix; 1 to 256 characters.
     */
    public Builder workerId(String id) {
      Objects.requireNonNull(id, "workerId == null");
      if (id.isEmpty() || id.length() > 256) {
        throw new IllegalArgumentException("workerId must be 1 to 256 characters: '" + id + "'");
      }
      this.workerId = id;
      return this;
    }

    /** Sets where a shard with no checkpoint starts. Default: LATEST. */
    public Builder initialPosition(InitialPosition position) {
      this.initialPosition = Objects.requireNonNull(position, "initialPosition == null");
      return this;
    }

    /**
     * Sets how long a lease's counter must stand still before other workers take it: the longest a
     * dead worker's shards go unprocessed, less one taking round. Default: 10 s; range: 1 s to 10
     * min.
     */
    public Builder failoverTime(Duration time) {
      this.failoverTime =
          ConfigChecks.range("failoverTime", time, Duration.ofSeconds(1), Duration.ofMinutes(10));
      return this;
    }

    /**
     * Sets how often held leases are renewed. Default: a third of the failover time; range: 100 ms
     * to 10 min, and shorter than the failover time (checked at build).
     */
    public Builder renewInterval(Duration interval) {
      this.renewInterval =
          ConfigChecks.range(
              "renewInterval", interval, Duration.ofMillis(100), Duration.ofMinutes(10));
      return this;
    }

    /**
     * Sets how often the worker reads the lease table to take unowned, expired or stolen leases.
     * Default: 2 s; range: 100 ms to 10 min.
     */
    public Builder takeInterval(Duration interval) {
      this.takeInterval =
          ConfigChecks.range(
              "takeInterval", interval, Duration.ofMillis(100), Duration.ofMinutes(10));
      return this;
    }

    /**
     * Sets how often the worker lists the stream's shards to create leases for new ones (children
     * found at a shard's end get theirs at once). Default: 60 s; range: 1 s to 1 h.
     */
    public Builder shardSyncInterval(Duration interval) {
      this.shardSyncInterval =
          ConfigChecks.range(
              "shardSyncInterval", interval, Duration.ofSeconds(1), Duration.ofHours(1));
      return this;
    }

    /**
     * Sets the longest wait between reads of a shard that is caught up; reads come sooner while
     * records arrive. Default: 1 s; range: 10 ms to 1 min.
     */
    public Builder idleWait(Duration wait) {
      this.idleWait =
          ConfigChecks.range("idleWait", wait, Duration.ofMillis(10), Duration.ofMinutes(1));
      return this;
    }

    /** Sets the most Kinesis records per read. Default: 10,000; range: 1 to 10,000. */
    public Builder maxRecordsPerCall(int records) {
      this.maxRecordsPerCall = ConfigChecks.range("maxRecordsPerCall", records, 1, 10_000);
      return this;
    }

    /** Sets the most leases this worker holds. Default: no limit; range: 1 and up. */
    public Builder maxLeasesPerWorker(int leases) {
      this.maxLeasesPerWorker =
          ConfigChecks.range("maxLeasesPerWorker", leases, 1, Integer.MAX_VALUE);
      return this;
    }

    /** Sets the most leases stolen in one taking round. Default: 1; range: 1 to 100. */
    public Builder maxStealsAtOnce(int leases) {
      this.maxStealsAtOnce = ConfigChecks.range("maxStealsAtOnce", leases, 1, 100);
      return this;
    }

    /**
     * Sets how long a worker whose lease is stolen has to hand it over gracefully: its processor
     * finishes the batch, checkpoints in {@code shutdownRequested} and the lease is released to the
     * thief, so no record is processed twice. After this time (or once the owner stops renewing for
     * the failover time) the thief takes the lease anyway. Zero steals by taking the lease at once,
     * as the KCL 2.x does; the owner then learns at its next write and its batch in flight is
     * processed again by the thief. Default: 30 s (the KCL 3.x's graceful hand-off timeout); range:
     * 0 to 10 min.
     */
    public Builder handOffTimeout(Duration timeout) {
      this.handOffTimeout =
          ConfigChecks.range("handOffTimeout", timeout, Duration.ZERO, Duration.ofMinutes(10));
      return this;
    }

    /**
     * Sets how long to wait before giving a batch again to a processor that threw. Default: 1 s;
     * range: 10 ms to 10 min.
     */
    public Builder processorRetryBackoff(Duration backoff) {
      this.processorRetryBackoff =
          ConfigChecks.range(
              "processorRetryBackoff", backoff, Duration.ofMillis(10), Duration.ofMinutes(10));
      return this;
    }

    /**
     * Sets how long a graceful shutdown waits for processors to checkpoint and leases to be
     * released. Default: 30 s; range: 0 to 1 h.
     */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout =
          ConfigChecks.range("shutdownTimeout", timeout, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /**
     * Sets how long {@link Worker#start()} keeps trying to create or read the lease table and to
     * describe the stream while they fail with a retriable error (the store or Kinesis unreachable,
     * throttling, a timeout), as when the worker starts before its DynamoDB endpoint. A fatal
     * error, such as a missing stream or refused credentials, fails at once. Default: 60 s; range:
     * 0 (one try) to 1 h.
     */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout =
          ConfigChecks.range("startTimeout", timeout, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /**
     * Reads through enhanced fan-out (subscribe-to-shard, a dedicated 2 MiB/s per shard pushed as
     * records arrive) instead of polling get-records. The worker registers a stream consumer named
     * after the application if there is none. Default: false (polling).
     */
    public Builder enhancedFanOut(boolean enabled) {
      this.enhancedFanOut = enabled;
      return this;
    }

    /** Sets the clock for record times and waits. Default: system UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Builds the config.
     *
     * @throws IllegalStateException if applicationName or streamName is missing, or the renew
     *     interval is not shorter than the failover time
     */
    public ConsumerConfig build() {
      if (applicationName == null) {
        throw new IllegalStateException("applicationName is required");
      }
      if (streamName == null) {
        throw new IllegalStateException("streamName is required");
      }
      Duration renew = renewInterval != null ? renewInterval : failoverTime.dividedBy(3);
      if (renew.compareTo(failoverTime) >= 0) {
        throw new IllegalStateException(
            "renewInterval ("
                + ConfigChecks.readable(renew)
                + ") must be shorter than failoverTime ("
                + ConfigChecks.readable(failoverTime)
                + ")");
      }
      return new ConsumerConfig(this);
    }
  }
}
