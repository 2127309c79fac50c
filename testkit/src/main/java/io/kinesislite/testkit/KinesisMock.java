package io.kinesislite.testkit;

import io.kinesislite.testkit.internal.Faketime;
import io.kinesislite.testkit.internal.HttpProbe;
import io.kinesislite.testkit.internal.KinesisMockLauncher;
import io.kinesislite.testkit.internal.PeerDefaults;
import io.kinesislite.testkit.internal.PeerFailures;
import io.kinesislite.testkit.internal.PeerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A running <a href="https://github.com/etspaceman/kinesis-mock">kinesis-mock</a> (npm package
 * {@code kinesis-local} {@value #VERSION}) on 127.0.0.1, for integration tests.
 *
 * <p>{@link #start()} installs the package on first use into the peer cache (see {@link Options}),
 * starts {@code node} on two free ports (plain HTTP and TLS) with all stream operations instant, no
 * persistence and nothing loaded from disk, and returns once {@code /healthcheck} answers. Output
 * goes to {@link #logFile()}. The mock binds all interfaces (it has no host option); clients use
 * {@link #httpEndpoint()} or {@link #httpsEndpoint()}, both on 127.0.0.1. The TLS certificate is
 * self-signed without a SAN, so https clients must trust all certificates. Any static credentials
 * work; the default account is {@code 000000000000} in {@code us-east-1}.
 *
 * <p>Under libfaketime (Debian package {@code faketime}) the mock's clock can be moved forward with
 * {@link #advanceClock(Duration)}, so a test sees a real {@code ExpiredIteratorException} without
 * waiting five minutes. {@link #pause()}, {@link #resume()} and {@link #kill()} inject faults.
 *
 * <p>If node or npm is missing or the mock cannot start, {@link #start()} fails the test when in CI
 * mode ({@code CI=true} or {@code -Dkinesislite.ci=true}; see {@link
 * Options.Builder#ciMode(boolean)}) and otherwise aborts it, so it is reported as skipped with the
 * reason.
 *
 * <pre>{@code
 * try (KinesisMock kinesis = KinesisMock.start()) {
 *   KinesisClient client = KinesisClient.builder()
 *       .endpointOverride(kinesis.httpEndpoint())
 *       .region(Region.US_EAST_1)
 *       .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
 *       .build();
 *   ...
 *   kinesis.advanceClock(Duration.ofMinutes(6)); // iterators taken before are now expired
 * }
 * }</pre>
 *
 * <p>Most tests share one instance through {@link KinesisMockExtension}; a test that kills or
 * pauses the mock starts its own.
 *
 * <p>node exits by itself when the JVM that started it dies, even by SIGKILL (for example a
 * Failsafe fork timeout), when no shutdown hook runs: it watches its stdin, a pipe from that JVM. A
 * mock {@linkplain #pause() paused} at that moment exits only once it is continued.
 *
 * <p>Thread-safe.
 */
public final class KinesisMock extends TestPeer {
  /** The npm package version of kinesis-mock that is installed and run. */
  public static final String VERSION = "0.6.2";

  private static final String PEER = KinesisMockLauncher.PEER;
  private static final Duration CLOCK_TIMEOUT = Duration.ofSeconds(10);

  private final Options options;
  private final int plainPort;
  private final int tlsPort;
  private final Path offsetFile;
  private final Object lock = new Object();
  private Duration clockOffset = Duration.ZERO;

  private KinesisMock(Options options, KinesisMockLauncher.Launch launch) {
    super(launch.process());
    this.options = options;
    this.plainPort = launch.plainPort();
    this.tlsPort = launch.tlsPort();
    this.offsetFile = launch.offsetFile();
  }

  /**
   * Starts kinesis-mock with {@link Options#defaults()}.
   *
   * @return the running mock; the caller closes it
   * @throws IllegalStateException if it cannot start in CI mode
   * @throws org.opentest4j.TestAbortedException if it cannot start outside CI
   */
  public static KinesisMock start() {
    return start(Options.defaults());
  }

  /**
   * Starts kinesis-mock, installing it first if needed.
   *
   * @param options how to install and run it
   * @return the running mock; the caller closes it
   * @throws IllegalStateException if it cannot start and {@code options.ciMode()}
   * @throws org.opentest4j.TestAbortedException if it cannot start outside CI mode
   */
  public static KinesisMock start(Options options) {
    Objects.requireNonNull(options, "options == null");
    return new KinesisMock(options, KinesisMockLauncher.launch(options));
  }

  /**
   * Returns the plain HTTP endpoint, {@code http://127.0.0.1:<port>} (HTTP/1.1 and h2c).
   *
   * @return the endpoint
   */
  public URI httpEndpoint() {
    return URI.create("http://127.0.0.1:" + plainPort);
  }

  /**
   * Returns the TLS endpoint, {@code https://127.0.0.1:<port>} (HTTP/1.1 and HTTP/2 via ALPN). Its
   * certificate is self-signed and has no SAN, so clients must trust all certificates.
   *
   * @return the endpoint
   */
  public URI httpsEndpoint() {
    return URI.create("https://127.0.0.1:" + tlsPort);
  }

  /**
   * Returns whether {@link #advanceClock(Duration)} works, that is, whether the mock runs under
   * libfaketime.
   *
   * @return true if the clock can be moved
   */
  public boolean canAdvanceClock() {
    return offsetFile != null;
  }

  /**
   * Returns how far {@link #advanceClock(Duration)} has moved the mock's clock so far.
   *
   * @return the total offset from real time
   */
  public Duration clockOffset() {
    synchronized (lock) {
      return clockOffset;
    }
  }

  /**
   * Moves the mock's clock (wall and monotonic) forward by {@code amount} and returns once the mock
   * shows it: its HTTP {@code Date} header, which it sets from its own clock, has moved by at least
   * {@code amount}. That takes one to two seconds, because libfaketime re-reads its offset at most
   * once a second and the header has one-second resolution. Offsets are exact to the millisecond;
   * the clock never moves back.
   *
   * @param amount how far to move the clock; not negative
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws IllegalStateException if the mock is paused, is not answering, or its clock does not
   *     move within 10 s; or, with {@code ciMode}, if libfaketime is not available
   * @throws org.opentest4j.TestAbortedException if libfaketime is not available outside CI mode
   */
  public void advanceClock(Duration amount) {
    Objects.requireNonNull(amount, "amount == null");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount < 0: " + amount);
    }
    if (!canAdvanceClock()) {
      String why =
          options.faketime().isPresent()
              ? "libfaketime was turned off in its options"
              : "libfaketime was not found; install the Debian package '" + Faketime.PACKAGE + "'";
      throw PeerFailures.unavailable(options.ciMode(), PEER + " cannot advance its clock: " + why);
    }
    synchronized (lock) {
      if (process().isPaused()) {
        throw new IllegalStateException("Cannot advance the clock of a paused " + PEER + ".");
      }
      Instant before =
          mockDate()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          PEER
                              + " did not answer /healthcheck with a Date header; is it running?"));
      Duration next = clockOffset.plus(amount);
      try {
        Faketime.writeOffset(offsetFile, next);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write the faketime offset " + offsetFile + ".", e);
      }
      clockOffset = next;
      Instant target = before.plus(amount);
      awaitClock(target);
    }
  }

  private void awaitClock(Instant target) {
    PeerProcess.Readiness outcome;
    try {
      outcome =
          process()
              .awaitReady(
                  () -> mockDate().map(date -> !date.isBefore(target)).orElse(false),
                  CLOCK_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while advancing the clock of " + PEER + ".", e);
    }
    if (outcome != PeerProcess.Readiness.READY) {
      throw new IllegalStateException(
          PeerFailures.withLogTail(
              PEER
                  + "'s clock did not reach "
                  + target
                  + " within "
                  + CLOCK_TIMEOUT
                  + " (its Date header says "
                  + mockDate().map(Instant::toString).orElse("nothing")
                  + ").",
              process().logTail(10)));
    }
  }

  private Optional<Instant> mockDate() {
    return HttpProbe.get(httpEndpoint().resolve("/healthcheck")).flatMap(HttpProbe.Answer::date);
  }

  @Override
  public String toString() {
    return "KinesisMock[pid="
        + pid()
        + ", http="
        + httpEndpoint()
        + ", https="
        + httpsEndpoint()
        + "]";
  }

  /**
   * How {@link KinesisMock#start(Options)} installs and runs kinesis-mock. Build with {@link
   * #builder()}.
   *
   * <p>Immutable and thread-safe.
   */
  public static final class Options {
    /** Default shard limit across all streams, as in kinesis-mock and a new AWS account. */
    public static final int DEFAULT_SHARD_LIMIT = 50;

    /** Default time allowed from process start to a 200 from {@code /healthcheck}. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final String nodeCommand;
    private final String npmCommand;
    private final Path cacheDir;
    private final Path logDir;
    private final int shardLimit;
    private final Duration startupTimeout;
    private final Boolean faketime;
    private final boolean ciMode;

    private Options(Builder b) {
      nodeCommand = b.nodeCommand;
      npmCommand = b.npmCommand;
      cacheDir = b.cacheDir;
      logDir = b.logDir;
      shardLimit = b.shardLimit;
      startupTimeout = b.startupTimeout;
      faketime = b.faketime;
      ciMode = b.ciMode;
    }

    /**
     * Returns the defaults.
     *
     * @return options with every default
     */
    public static Options defaults() {
      return builder().build();
    }

    /**
     * Returns a builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
      return new Builder();
    }

    /**
     * Returns a builder holding these options.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
      Builder b = new Builder().nodeCommand(nodeCommand).npmCommand(npmCommand);
      b.cacheDir(cacheDir).logDir(logDir).shardLimit(shardLimit).startupTimeout(startupTimeout);
      b.faketime = faketime;
      return b.ciMode(ciMode);
    }

    /**
     * Returns the node command; see {@link Builder#nodeCommand(String)}.
     *
     * @return the node command
     */
    public String nodeCommand() {
      return nodeCommand;
    }

    /**
     * Returns the npm command; see {@link Builder#npmCommand(String)}.
     *
     * @return the npm command
     */
    public String npmCommand() {
      return npmCommand;
    }

    /**
     * Returns the peer cache directory; see {@link Builder#cacheDir(Path)}.
     *
     * @return the peer cache directory
     */
    public Path cacheDir() {
      return cacheDir;
    }

    /**
     * Returns the log directory; see {@link Builder#logDir(Path)}.
     *
     * @return the log directory
     */
    public Path logDir() {
      return logDir;
    }

    /**
     * Returns the shard limit; see {@link Builder#shardLimit(int)}.
     *
     * @return the shard limit
     */
    public int shardLimit() {
      return shardLimit;
    }

    /**
     * Returns the startup timeout; see {@link Builder#startupTimeout(Duration)}.
     *
     * @return the startup timeout
     */
    public Duration startupTimeout() {
      return startupTimeout;
    }

    /**
     * Returns the explicit libfaketime choice, or empty for "when available".
     *
     * @return the explicit libfaketime choice, or empty for "when available"
     */
    public Optional<Boolean> faketime() {
      return Optional.ofNullable(faketime);
    }

    /**
     * Returns whether failures fail the build; see {@link Builder#ciMode(boolean)}.
     *
     * @return whether failures fail the build
     */
    public boolean ciMode() {
      return ciMode;
    }

    /**
     * Builds {@link Options}. Setters validate at once.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
      private String nodeCommand = "node";
      private String npmCommand = "npm";
      private Path cacheDir = PeerDefaults.cacheDir();
      private Path logDir = PeerDefaults.logDir();
      private int shardLimit = DEFAULT_SHARD_LIMIT;
      private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
      private Boolean faketime;
      private boolean ciMode = PeerDefaults.ciMode();

      private Builder() {}

      /**
       * Sets the node executable, a name looked up on {@code PATH} or a path. Default: "node".
       *
       * @param nodeCommand the command
       * @return this builder
       */
      public Builder nodeCommand(String nodeCommand) {
        this.nodeCommand = nonEmpty(nodeCommand, "nodeCommand");
        return this;
      }

      /**
       * Sets the npm executable, used only to install kinesis-mock. Default: "npm".
       *
       * @param npmCommand the command
       * @return this builder
       */
      public Builder npmCommand(String npmCommand) {
        this.npmCommand = nonEmpty(npmCommand, "npmCommand");
        return this;
      }

      /**
       * Sets the machine-wide directory kinesis-mock is installed into (in {@code
       * kinesis-local-<version>}). Default: system property {@code kinesislite.peer.cache}, else
       * {@code ~/.cache/kinesis-lite/peers}.
       *
       * @param cacheDir the directory
       * @return this builder
       */
      public Builder cacheDir(Path cacheDir) {
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir == null");
        return this;
      }

      /**
       * Sets the directory for the mock's log file. Default: system property {@code
       * kinesislite.peer.logs}, else {@code java.io.tmpdir}.
       *
       * @param logDir the directory
       * @return this builder
       */
      public Builder logDir(Path logDir) {
        this.logDir = Objects.requireNonNull(logDir, "logDir == null");
        return this;
      }

      /**
       * Sets the total number of shards the mock allows across streams. Default: 50; range: ≥ 1.
       *
       * @param shardLimit the limit
       * @return this builder
       */
      public Builder shardLimit(int shardLimit) {
        if (shardLimit < 1) {
          throw new IllegalArgumentException("shardLimit < 1: " + shardLimit);
        }
        this.shardLimit = shardLimit;
        return this;
      }

      /**
       * Sets how long the mock may take to become ready. Default: 60 s; range: &gt; 0.
       *
       * @param startupTimeout the timeout
       * @return this builder
       */
      public Builder startupTimeout(Duration startupTimeout) {
        Objects.requireNonNull(startupTimeout, "startupTimeout == null");
        if (startupTimeout.isZero() || startupTimeout.isNegative()) {
          throw new IllegalArgumentException("startupTimeout <= 0: " + startupTimeout);
        }
        this.startupTimeout = startupTimeout;
        return this;
      }

      /**
       * Sets whether to run under libfaketime, which {@link KinesisMock#advanceClock(Duration)}
       * needs. True when it is missing is a start failure. Default: when the library is found.
       *
       * @param faketime true to require it, false to run on the real clock
       * @return this builder
       */
      public Builder faketime(boolean faketime) {
        this.faketime = faketime;
        return this;
      }

      /**
       * Sets whether a mock that cannot start fails the test (true) or skips it with the reason
       * (false). Default: the system property {@code kinesislite.ci} if set ({@code true} or {@code
       * false}), else whether the environment variable {@code CI} is {@code true}, {@code 1} or
       * {@code yes} (any case).
       *
       * @param ciMode true to fail
       * @return this builder
       */
      public Builder ciMode(boolean ciMode) {
        this.ciMode = ciMode;
        return this;
      }

      /**
       * Builds the options.
       *
       * @return the options
       */
      public Options build() {
        return new Options(this);
      }

      private static String nonEmpty(String value, String name) {
        Objects.requireNonNull(value, name + " == null");
        if (value.isBlank()) {
          throw new IllegalArgumentException(name + " is blank");
        }
        return value;
      }
    }
  }
}
