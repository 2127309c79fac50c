package io.kinesislite.testkit.internal;

import io.kinesislite.testkit.KinesisMock;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Installs (once) and starts the kinesis-mock node process for {@link KinesisMock}.
 *
 * <p>node preloads a watchdog ({@code --require}, written into the peer's private working
 * directory) that exits node when its stdin, a pipe from this JVM (see {@link PeerProcess}),
 * reaches end of file: so kinesis-mock, which binds all interfaces, does not outlive a JVM killed
 * with SIGKILL. The watchdog keeps the original {@code process.exit}, because kinesis-mock (a Cats
 * Effect {@code IOApp}) replaces it with a graceful shutdown.
 *
 * <p>Thread-safe (stateless).
 */
public final class KinesisMockLauncher {
  /** The peer's name in messages. */
  public static final String PEER = "kinesis-mock";

  private static final String PACKAGE = "kinesis-local";
  private static final List<String> DURATIONS =
      List.of(
          "CREATE_STREAM_DURATION",
          "DELETE_STREAM_DURATION",
          "REGISTER_STREAM_CONSUMER_DURATION",
          "DEREGISTER_STREAM_CONSUMER_DURATION",
          "START_STREAM_ENCRYPTION_DURATION",
          "STOP_STREAM_ENCRYPTION_DURATION",
          "SPLIT_SHARD_DURATION",
          "MERGE_SHARDS_DURATION",
          "UPDATE_SHARD_COUNT_DURATION",
          "UPDATE_STREAM_MODE_DURATION");
  // Settings of kinesis-mock that must not leak in from the environment of the build.
  private static final List<String> NOT_INHERITED =
      List.of(
          "INITIALIZE_STREAMS",
          "PERSIST_PATH",
          "PERSIST_FILE_NAME",
          "PERSIST_INTERVAL",
          "ON_DEMAND_STREAM_COUNT_LIMIT",
          "ROOT_LOG_LEVEL",
          "KINESIS_MOCK_CERT_PASSWORD");

  /** The watchdog's file name in the working directory. */
  static final String WATCHDOG = "exit-with-jvm.js";

  private static final String WATCHDOG_SCRIPT =
      """
      'use strict';
      // Written by the kinesis-lite testkit: exit when the JVM that started node dies, which
      // closes node's stdin. Runs before kinesis-mock, which replaces process.exit.
      const exit = process.exit.bind(process);
      process.stdin.on('end', () => exit(0));
      process.stdin.on('error', () => exit(0));
      process.stdin.resume();
      """;

  /**
   * A started, ready kinesis-mock.
   *
   * @param process the node process
   * @param plainPort the plain HTTP port
   * @param tlsPort the TLS port
   * @param offsetFile the libfaketime offset file, or null if the clock is real
   */
  public record Launch(PeerProcess process, int plainPort, int tlsPort, Path offsetFile)
      implements PeerLauncher.Candidate {
    @Override
    public boolean isReady() {
      return HttpProbe.answersOk(URI.create("http://127.0.0.1:" + plainPort + "/healthcheck"));
    }
  }

  private KinesisMockLauncher() {}

  /**
   * Installs kinesis-mock if needed, starts it and waits until {@code /healthcheck} answers 200.
   *
   * @param options the options
   * @return the ready mock
   */
  public static Launch launch(KinesisMock.Options options) {
    Path node = Executables.require(PEER, options.nodeCommand(), options.ciMode());
    NpmInstall install =
        new NpmInstall(options.cacheDir(), PACKAGE, KinesisMock.VERSION, "main.js");
    if (!install.isInstalled()) {
      Path npm = Executables.require(PEER, options.npmCommand(), options.ciMode());
      Path log =
          options.logDir().resolve("npm-install-" + PACKAGE + "-" + KinesisMock.VERSION + ".log");
      try {
        install.ensureInstalled(npm, node.getParent(), log);
      } catch (IOException e) {
        throw PeerFailures.unavailable(
            options.ciMode(), PEER + " cannot start: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while installing " + PEER + ".", e);
      }
    }
    Optional<Path> faketime = faketimeLibrary(options);
    Path packageDir = install.packageDir();
    return PeerLauncher.launch(
        PEER,
        options.ciMode(),
        options.startupTimeout(),
        () -> launchOnce(options, node, packageDir, faketime));
  }

  private static Optional<Path> faketimeLibrary(KinesisMock.Options options) {
    Optional<Boolean> wanted = options.faketime();
    if (wanted.isPresent() && !wanted.get()) {
      return Optional.empty();
    }
    Optional<Path> library = Faketime.library();
    if (library.isEmpty() && wanted.isPresent()) {
      throw PeerFailures.unavailable(
          options.ciMode(),
          PEER
              + " cannot start: libfaketime was requested but not found; install the Debian"
              + " package '"
              + Faketime.PACKAGE
              + "'.");
    }
    return library;
  }

  private static Launch launchOnce(
      KinesisMock.Options options, Path node, Path packageDir, Optional<Path> faketime)
      throws IOException {
    int[] ports = Ports.freePair();
    Path workDir = Files.createTempDirectory("kinesis-mock-");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(key -> key.startsWith("FAKETIME") || NOT_INHERITED.contains(key));
    env.put("KINESIS_MOCK_CERT_PATH", packageDir.resolve("server.json").toString());
    env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(ports[0]));
    env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(ports[1]));
    DURATIONS.forEach(name -> env.put(name, "0ms"));
    env.put("LOAD_DATA_IF_EXISTS", "false");
    env.put("SHOULD_PERSIST_DATA", "false");
    env.put("SHARD_LIMIT", Integer.toString(options.shardLimit()));
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCOUNT_ID", "000000000000");
    // INFO logs start-up and handled errors (as WARN with a stack trace), not every request.
    env.put("LOG_LEVEL", "INFO");
    Path offsetFile = null;
    if (faketime.isPresent()) {
      offsetFile = workDir.resolve("faketime-offset");
      Faketime.writeOffset(offsetFile, Duration.ZERO);
      env.putAll(Faketime.environment(faketime.get(), offsetFile, env.get("LD_PRELOAD")));
    }
    Path logFile = options.logDir().resolve("kinesis-mock-" + ports[0] + "-" + ports[1] + ".log");
    try {
      Path watchdog = workDir.resolve(WATCHDOG);
      Files.writeString(watchdog, WATCHDOG_SCRIPT, StandardCharsets.UTF_8);
      List<String> command =
          List.of(
              node.toString(),
              "--require",
              watchdog.toString(),
              packageDir.resolve("main.js").toString());
      PeerProcess process = PeerProcess.start(PEER, command, env, workDir, logFile);
      return new Launch(process, ports[0], ports[1], offsetFile);
    } catch (IOException e) {
      PeerProcess.deleteRecursively(workDir);
      throw e;
    }
  }
}
