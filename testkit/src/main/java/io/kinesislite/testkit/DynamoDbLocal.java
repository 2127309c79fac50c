package io.kinesislite.testkit;

import io.kinesislite.testkit.internal.DynamoDbLocalLauncher;
import io.kinesislite.testkit.internal.PeerDefaults;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A running DynamoDB Local {@value #VERSION}, in memory (or, with {@link
 * Options.Builder#dataDirectory(Path)}, in a database file that outlives it), as its own JVM, for
 * integration tests.
 *
 * <p>It runs with its own classpath (copied by the {@code testkit-dynamodb-local} module and named
 * by the system property {@code kinesislite.dynamodb.local.lib}, which Failsafe sets), so its AWS
 * SDK does not meet the project's. Telemetry is off. It binds all interfaces on a free port (it has
 * no host option); clients use {@link #endpoint()}, on 127.0.0.1, with any static credentials and
 * any region.
 *
 * <p>If the classpath directory is missing or the server cannot start, {@link #start()} fails the
 * test in CI mode ({@code CI=true} or {@code -Dkinesislite.ci=true}; see {@link
 * Options.Builder#ciMode(boolean)}) and otherwise aborts it, so it is reported as skipped with the
 * reason.
 *
 * <pre>{@code
 * try (DynamoDbLocal dynamo = DynamoDbLocal.start()) {
 *   DynamoDbAsyncClient client = DynamoDbAsyncClient.builder()
 *       .endpointOverride(dynamo.endpoint())
 *       .region(Region.US_EAST_1)
 *       .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
 *       .build();
 *   ...
 * }
 * }</pre>
 *
 * <p>Most tests share one instance through {@link DynamoDbLocalExtension}.
 *
 * <p>Unlike {@link KinesisMock}, it can outlive a test JVM killed with SIGKILL (for example by a
 * Failsafe fork timeout), since no shutdown hook runs then and its JVM, whose classpath the testkit
 * does not control, has no watchdog; such a leftover shows in {@code pgrep -af ServerRunner}.
 *
 * <p>Thread-safe.
 */
public final class DynamoDbLocal extends TestPeer {
  /** The DynamoDB Local version the {@code testkit-dynamodb-local} module provides. */
  public static final String VERSION = "2.6.1";

  private final int port;

  private DynamoDbLocal(DynamoDbLocalLauncher.Launch launch) {
    super(launch.process());
    this.port = launch.port();
  }

  /**
   * Starts DynamoDB Local with {@link Options#defaults()}.
   *
   * @return the running server; the caller closes it
   * @throws IllegalStateException if it cannot start in CI mode
   * @throws org.opentest4j.TestAbortedException if it cannot start outside CI
   */
  public static DynamoDbLocal start() {
    return start(Options.defaults());
  }

  /**
   * Starts DynamoDB Local and returns once it answers HTTP (about one second).
   *
   * @param options how to run it
   * @return the running server; the caller closes it
   * @throws IllegalStateException if it cannot start and {@code options.ciMode()}
   * @throws org.opentest4j.TestAbortedException if it cannot start outside CI mode
   */
  public static DynamoDbLocal start(Options options) {
    Objects.requireNonNull(options, "options == null");
    return new DynamoDbLocal(DynamoDbLocalLauncher.launch(options));
  }

  /**
   * Returns the endpoint, {@code http://127.0.0.1:<port>}.
   *
   * @return the endpoint
   */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public String toString() {
    return "DynamoDbLocal[pid=" + pid() + ", endpoint=" + endpoint() + "]";
  }

  /**
   * How {@link DynamoDbLocal#start(Options)} runs DynamoDB Local. Build with {@link #builder()}.
   *
   * <p>Immutable and thread-safe.
   */
  public static final class Options {
    /** Default time allowed from process start to the first HTTP answer. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final String javaCommand;
    private final Path libDir;
    private final Path logDir;
    private final Duration startupTimeout;
    private final boolean ciMode;
    private final Path dataDirectory;
    private final int port;

    private Options(Builder b) {
      javaCommand = b.javaCommand;
      libDir = b.libDir;
      logDir = b.logDir;
      startupTimeout = b.startupTimeout;
      ciMode = b.ciMode;
      dataDirectory = b.dataDirectory;
      port = b.port;
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
      Builder b = new Builder().javaCommand(javaCommand).logDir(logDir);
      b.libDir = libDir;
      b.dataDirectory = dataDirectory;
      return b.startupTimeout(startupTimeout).ciMode(ciMode).port(port);
    }

    /**
     * Returns the java command; see {@link Builder#javaCommand(String)}.
     *
     * @return the java command
     */
    public String javaCommand() {
      return javaCommand;
    }

    /**
     * Returns the directory with DynamoDB Local's jars, if known; see {@link Builder#libDir(Path)}.
     *
     * @return the directory
     */
    public Optional<Path> libDir() {
      return Optional.ofNullable(libDir);
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
     * Returns the startup timeout; see {@link Builder#startupTimeout(Duration)}.
     *
     * @return the startup timeout
     */
    public Duration startupTimeout() {
      return startupTimeout;
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
     * Returns the directory of the database file, if the tables live in one; see {@link
     * Builder#dataDirectory(Path)}.
     *
     * @return the directory, or empty when in memory
     */
    public Optional<Path> dataDirectory() {
      return Optional.ofNullable(dataDirectory);
    }

    /**
     * Returns the port to listen on, 0 for a free one; see {@link Builder#port(int)}.
     *
     * @return the port
     */
    public int port() {
      return port;
    }

    /**
     * Builds {@link Options}. Setters validate at once.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
      private String javaCommand = DynamoDbLocalLauncher.currentJava();
      private Path libDir = DynamoDbLocalLauncher.configuredLibDir().orElse(null);
      private Path logDir = PeerDefaults.logDir();
      private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
      private boolean ciMode = PeerDefaults.ciMode();
      private Path dataDirectory;
      private int port;

      private Builder() {}

      /**
       * Sets the java executable, a name looked up on {@code PATH} or a path. Default: the running
       * JVM's, else {@code ${java.home}/bin/java}.
       *
       * @param javaCommand the command
       * @return this builder
       */
      public Builder javaCommand(String javaCommand) {
        Objects.requireNonNull(javaCommand, "javaCommand == null");
        if (javaCommand.isBlank()) {
          throw new IllegalArgumentException("javaCommand is blank");
        }
        this.javaCommand = javaCommand;
        return this;
      }

      /**
       * Sets the directory holding DynamoDB Local's jar and its dependencies. Default: system
       * property {@code kinesislite.dynamodb.local.lib} (Failsafe sets it to {@code
       * testkit-dynamodb-local/target/lib}); none if unset, which is a start failure.
       *
       * @param libDir the directory
       * @return this builder
       */
      public Builder libDir(Path libDir) {
        this.libDir = Objects.requireNonNull(libDir, "libDir == null");
        return this;
      }

      /**
       * Sets the directory for the server's log file. Default: system property {@code
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
       * Sets how long the server may take to answer HTTP. Default: 60 s; range: &gt; 0.
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
       * Sets whether a server that cannot start fails the test (true) or skips it with the reason
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
       * Keeps the tables in one database file in {@code dir} ({@code -dbPath dir -sharedDb})
       * instead of in memory, so that a server started again over the same directory finds them:
       * for tests that stop and restart DynamoDB Local. Default: in memory ({@code -inMemory}).
       *
       * @param dir the directory, created if missing
       * @return this builder
       */
      public Builder dataDirectory(Path dir) {
        this.dataDirectory = Objects.requireNonNull(dir, "dataDirectory == null");
        return this;
      }

      /**
       * Sets the port to listen on, so that a restarted server keeps its endpoint. Default: 0, a
       * free port picked at each start (and picked again if it was taken before the server bound
       * it); a fixed port that is taken fails the start.
       *
       * @param port 0 to 65535
       * @return this builder
       */
      public Builder port(int port) {
        if (port < 0 || port > 65_535) {
          throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
        }
        this.port = port;
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
    }
  }
}
