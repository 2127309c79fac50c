package io.kinesislite.agent;

import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.internal.ConfigChecks;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@link LogAgent} runs: its flows, where it keeps its state, how much it may buffer, and
 * how it is watched. Immutable; build with {@link #builder()}, or read a file with {@link
 * ConfigFiles}. Every setter checks its value and throws {@link IllegalArgumentException} naming
 * the option and the allowed range.
 *
 * <pre>{@code
 * AgentConfig config = AgentConfig.builder()
 *     .flows(List.of(FlowConfig.builder("app-logs").files(List.of("/var/log/app/*.log")).build()))
 *     .stateDirectory(Path.of("/var/lib/kinesis-lite-agent"))
 *     .build();
 * }</pre>
 */
public final class AgentConfig {
  /** Where the state file lives unless set: {@code /var/lib/kinesis-lite-agent}. */
  public static final Path DEFAULT_STATE_DIRECTORY = Path.of("/var/lib/kinesis-lite-agent");

  /** The metrics and health endpoint unless set: 127.0.0.1:9514. */
  public static final InetSocketAddress DEFAULT_METRICS_ADDRESS =
      new InetSocketAddress("127.0.0.1", 9514);

  private final List<FlowConfig> flows;
  private final Path stateDirectory;
  private final Duration checkpointInterval;
  private final Duration shutdownTimeout;
  private final long maxBufferedBytes;
  private final Duration scanInterval;
  private final Duration pollInterval;
  private final Duration retryInitialBackoff;
  private final Duration retryMaxBackoff;
  private final Optional<InetSocketAddress> metricsAddress;
  private final ProducerConfig producer;

  private AgentConfig(Builder b) {
    this.flows = List.copyOf(b.flows);
    this.stateDirectory = b.stateDirectory;
    this.checkpointInterval = b.checkpointInterval;
    this.shutdownTimeout = b.shutdownTimeout;
    this.maxBufferedBytes = b.maxBufferedBytes;
    this.scanInterval = b.scanInterval;
    this.pollInterval = b.pollInterval;
    this.retryInitialBackoff = b.retryInitialBackoff;
    this.retryMaxBackoff = b.retryMaxBackoff;
    this.metricsAddress = Optional.ofNullable(b.metricsAddress);
    this.producer = b.producer;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.flows = new ArrayList<>(flows);
    b.stateDirectory = stateDirectory;
    b.checkpointInterval = checkpointInterval;
    b.shutdownTimeout = shutdownTimeout;
    b.maxBufferedBytes = maxBufferedBytes;
    b.scanInterval = scanInterval;
    b.pollInterval = pollInterval;
    b.retryInitialBackoff = retryInitialBackoff;
    b.retryMaxBackoff = retryMaxBackoff;
    b.metricsAddress = metricsAddress.orElse(null);
    b.producer = producer;
    return b;
  }

  public List<FlowConfig> flows() {
    return flows;
  }

  /** The directory of the state file ({@code state.json}): per file, what was acknowledged. */
  public Path stateDirectory() {
    return stateDirectory;
  }

  /** How often the state file is written while running. */
  public Duration checkpointInterval() {
    return checkpointInterval;
  }

  /** How long a graceful stop may wait for records in flight before it writes its last state. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * The bytes of records read but not yet acknowledged, over all flows; reading pauses above. The
   * last read may pass it by up to one read chunk (256 KiB) and a record cut by the chunk's end.
   */
  public long maxBufferedBytes() {
    return maxBufferedBytes;
  }

  /** How often the file patterns are listed again to find new, rotated and deleted files. */
  public Duration scanInterval() {
    return scanInterval;
  }

  /** How long the reader waits when no file had anything new. */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** The first wait before a record that failed is sent again; doubles up to the maximum. */
  public Duration retryInitialBackoff() {
    return retryInitialBackoff;
  }

  public Duration retryMaxBackoff() {
    return retryMaxBackoff;
  }

  /** Where metrics ({@code /metrics}) and health ({@code /health}) are served; empty: nowhere. */
  public Optional<InetSocketAddress> metricsAddress() {
    return metricsAddress;
  }

  /** The producer settings of flows that have none of their own. */
  public ProducerConfig producer() {
    return producer;
  }

  /** Returns the flow with this id. */
  public Optional<FlowConfig> flow(String id) {
    return flows.stream().filter(f -> f.id().equals(id)).findFirst();
  }

  /** Builds an {@link AgentConfig}. Not thread-safe. */
  public static final class Builder {
    private List<FlowConfig> flows = new ArrayList<>();
    private Path stateDirectory = DEFAULT_STATE_DIRECTORY;
    private Duration checkpointInterval = Duration.ofSeconds(1);
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private long maxBufferedBytes = 64L * 1024 * 1024;
    private Duration scanInterval = Duration.ofSeconds(1);
    private Duration pollInterval = Duration.ofMillis(100);
    private Duration retryInitialBackoff = Duration.ofMillis(100);
    private Duration retryMaxBackoff = Duration.ofSeconds(10);
    private InetSocketAddress metricsAddress = DEFAULT_METRICS_ADDRESS;
    private ProducerConfig producer = ProducerConfig.defaults();

    private Builder() {}

    /** Sets the flows: 1 to 100, with distinct ids. Required. */
    public Builder flows(List<FlowConfig> flows) {
      Objects.requireNonNull(flows, "flows == null");
      if (flows.isEmpty() || flows.size() > 100) {
        throw new IllegalArgumentException("flows must hold 1 to 100 flows: " + flows.size());
      }
      Set<String> ids = new HashSet<>();
      for (FlowConfig f : flows) {
        Objects.requireNonNull(f, "flows: a flow is null");
        if (!ids.add(f.id())) {
          throw new IllegalArgumentException("flows: two flows have the id '" + f.id() + "'");
        }
      }
      this.flows = new ArrayList<>(flows);
      return this;
    }

    /** Sets the state directory. Default: {@code /var/lib/kinesis-lite-agent}. */
    public Builder stateDirectory(Path directory) {
      this.stateDirectory = Objects.requireNonNull(directory, "stateDirectory == null");
      return this;
    }

    /** Sets how often the state is saved. Default: 1 s; range: 10 ms to 10 min. */
    public Builder checkpointInterval(Duration interval) {
      this.checkpointInterval =
          ConfigChecks.range(
              "checkpointInterval", interval, Duration.ofMillis(10), Duration.ofMinutes(10));
      return this;
    }

    /** Sets how long a graceful stop waits for records in flight. Default: 10 s; 0 to 10 min. */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout =
          ConfigChecks.range("shutdownTimeout", timeout, Duration.ZERO, Duration.ofMinutes(10));
      return this;
    }

    /**
     * Sets how many bytes of records may be read and not yet acknowledged. Default: 64 MiB; range:
     * 1 MiB to 16 GiB. The producer's MaxOutstandingBytes is raised to at least this.
     */
    public Builder maxBufferedBytes(long bytes) {
      this.maxBufferedBytes =
          ConfigChecks.range("maxBufferedBytes", bytes, 1L << 20, 16L * 1024 * 1024 * 1024);
      return this;
    }

    /** Sets how often the patterns are listed again. Default: 1 s; range: 10 ms to 10 min. */
    public Builder scanInterval(Duration interval) {
      this.scanInterval =
          ConfigChecks.range(
              "scanInterval", interval, Duration.ofMillis(10), Duration.ofMinutes(10));
      return this;
    }

    /** Sets the reader's wait when nothing was new. Default: 100 ms; range: 1 ms to 10 s. */
    public Builder pollInterval(Duration interval) {
      this.pollInterval =
          ConfigChecks.range(
              "pollInterval", interval, Duration.ofMillis(1), Duration.ofSeconds(10));
      return this;
    }

    /** Sets the first wait before a failed record is sent again. Default: 100 ms; 1 ms to 1 min. */
    public Builder retryInitialBackoff(Duration backoff) {
      this.retryInitialBackoff =
          ConfigChecks.range(
              "retryInitialBackoff", backoff, Duration.ofMillis(1), Duration.ofMinutes(1));
      return this;
    }

    /**
     * Sets the longest wait before a failed record is sent again. Default: 10 s; 1 ms to 15 min.
     */
    public Builder retryMaxBackoff(Duration backoff) {
      this.retryMaxBackoff =
          ConfigChecks.range(
              "retryMaxBackoff", backoff, Duration.ofMillis(1), Duration.ofMinutes(15));
      return this;
    }

    /**
     * Sets where metrics and health are served (port 0: any free port); null serves nothing.
     * Default: 127.0.0.1:9514. Give an address other than loopback only on purpose: the endpoint
     * has no authentication.
     */
    public Builder metricsAddress(InetSocketAddress address) {
      this.metricsAddress = address;
      return this;
    }

    /** Sets the producer settings of flows without their own. Default: kpl-lite's defaults. */
    public Builder producer(ProducerConfig config) {
      this.producer = Objects.requireNonNull(config, "producer == null");
      return this;
    }

    /**
     * Returns the configuration.
     *
     * @throws IllegalArgumentException if there are no flows, or the backoffs are inverted
     */
    public AgentConfig build() {
      if (flows.isEmpty()) {
        throw new IllegalArgumentException("flows: at least one flow is required");
      }
      if (retryInitialBackoff.compareTo(retryMaxBackoff) > 0) {
        throw new IllegalArgumentException(
            "retryInitialBackoff ("
                + ConfigChecks.readable(retryInitialBackoff)
                + ") must not exceed retryMaxBackoff ("
                + ConfigChecks.readable(retryMaxBackoff)
                + ")");
      }
      return new AgentConfig(this);
    }
  }
}
