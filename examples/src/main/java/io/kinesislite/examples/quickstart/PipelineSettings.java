package io.kinesislite.examples.quickstart;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the quickstart pipeline runs: how long and how fast the log is written, where its data goes,
 * and which stream endpoint and lease table it uses. Immutable; every setter checks its value and
 * names the option and its range.
 */
public final class PipelineSettings {
  private final Duration duration;
  private final int linesPerSecond;
  private final Path dataDirectory;
  private final boolean serve;
  private final String transport;
  private final String awsRegion;
  private final URI dynamoDbEndpoint;
  private final Duration drainTimeout;
  private final boolean keep;
  private final int shards;
  private final Duration rotateEvery;

  private PipelineSettings(Builder b) {
    duration = b.duration;
    linesPerSecond = b.linesPerSecond;
    dataDirectory = b.dataDirectory;
    serve = b.serve;
    transport = b.transport;
    awsRegion = b.awsRegion;
    dynamoDbEndpoint = b.dynamoDbEndpoint;
    drainTimeout = b.drainTimeout;
    keep = b.keep;
    shards = b.shards;
    rotateEvery = b.rotateEvery;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Duration duration() {
    return duration;
  }

  public int linesPerSecond() {
    return linesPerSecond;
  }

  /** Empty: a new temporary directory. */
  public Optional<Path> dataDirectory() {
    return Optional.ofNullable(dataDirectory);
  }

  public boolean serve() {
    return serve;
  }

  /** Empty: the bundled durable engine in the data directory. */
  public Optional<String> transport() {
    return Optional.ofNullable(transport);
  }

  public Optional<String> awsRegion() {
    return Optional.ofNullable(awsRegion);
  }

  public Optional<URI> dynamoDbEndpoint() {
    return Optional.ofNullable(dynamoDbEndpoint);
  }

  public Duration drainTimeout() {
    return drainTimeout;
  }

  public boolean keep() {
    return keep;
  }

  public int shards() {
    return shards;
  }

  public Duration rotateEvery() {
    return rotateEvery;
  }

  /** Builds {@link PipelineSettings}; not thread-safe. */
  public static final class Builder {
    private Duration duration = Duration.ofSeconds(60);
    private int linesPerSecond = 2000;
    private Path dataDirectory;
    private boolean serve;
    private String transport;
    private String awsRegion;
    private URI dynamoDbEndpoint;
    private Duration drainTimeout = Duration.ofSeconds(60);
    private boolean keep;
    private int shards = 4;
    private Duration rotateEvery;

    private Builder() {}

    /** How long the generator writes: 5 s to 24 h. Default: 60 s. */
    public Builder duration(Duration duration) {
      this.duration = within("duration", duration, Duration.ofSeconds(5), Duration.ofHours(24));
      return this;
    }

    /** Lines written per second: 1 to 100,000. Default: 2,000. */
    public Builder linesPerSecond(int rate) {
      if (rate < 1 || rate > 100_000) {
        throw new IllegalArgumentException("rate must be 1 to 100000 lines/s, not " + rate);
      }
      this.linesPerSecond = rate;
      return this;
    }

    /** Where the data goes; null: a new temporary directory. Default: null. */
    public Builder dataDirectory(Path directory) {
      this.dataDirectory = directory;
      return this;
    }

    /** Whether calls go through serve over HTTP. Default: false. */
    public Builder serve(boolean serve) {
      this.serve = serve;
      return this;
    }

    /** A transport selection instead of the bundled engine; null: the engine. Default: null. */
    public Builder transport(String selection) {
      this.transport = selection;
      return this;
    }

    /** Real Kinesis and DynamoDB in this region; null: local. Default: null. */
    public Builder awsRegion(String region) {
      this.awsRegion = region;
      return this;
    }

    /** The lease table in this DynamoDB; null: beside the data. Default: null. */
    public Builder dynamoDbEndpoint(URI endpoint) {
      this.dynamoDbEndpoint = endpoint;
      return this;
    }

    /** How long to wait for the consumers to catch up at the end: 1 s to 1 h. Default: 60 s. */
    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout =
          within("drain-timeout", timeout, Duration.ofSeconds(1), Duration.ofHours(1));
      return this;
    }

    /** Keep the data (and an AWS stream) afterwards. Default: false. */
    public Builder keep(boolean keep) {
      this.keep = keep;
      return this;
    }

    /** The stream's shards before the split: 1 to 50. Default: 4. */
    public Builder shards(int shards) {
      if (shards < 1 || shards > 50) {
        throw new IllegalArgumentException("shards must be 1 to 50, not " + shards);
      }
      this.shards = shards;
      return this;
    }

    /** How often the log rotates: 1 s to 1 h; null: a quarter of the duration. Default: null. */
    public Builder rotateEvery(Duration every) {
      this.rotateEvery =
          every == null
              ? null
              : within("rotate-every", every, Duration.ofSeconds(1), Duration.ofHours(1));
      return this;
    }

    public PipelineSettings build() {
      if (serve && (transport != null || awsRegion != null)) {
        throw new IllegalArgumentException(
            "--serve starts its own endpoint: it does not go with --transport or --aws");
      }
      if (transport != null && awsRegion != null) {
        throw new IllegalArgumentException("give --transport or --aws, not both");
      }
      if (rotateEvery == null) {
        rotateEvery = duration.dividedBy(4);
      }
      return new PipelineSettings(this);
    }

    private static Duration within(String name, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, name + " == null");
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            name
                + " must be "
                + min.toString().substring(2)
                + " to "
                + max.toString().substring(2)
                + ", not "
                + value.toString().substring(2));
      }
      return value;
    }
  }
}
