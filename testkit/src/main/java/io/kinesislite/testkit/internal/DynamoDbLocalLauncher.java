package io.kinesislite.testkit.internal;

import io.kinesislite.testkit.DynamoDbLocal;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts DynamoDB Local as its own JVM for {@link DynamoDbLocal}.
 *
 * <p>Thread-safe (stateless).
 */
public final class DynamoDbLocalLauncher {
  /** The peer's name in messages. */
  public static final String PEER = "DynamoDB Local";

  /** System property naming the directory with DynamoDB Local's jars. */
  public static final String LIB_PROPERTY = "kinesislite.dynamodb.local.lib";

  private static final String MAIN_CLASS =
      "com.amazonaws.services.dynamodbv2.local.main.ServerRunner";

  /**
   * A started, ready DynamoDB Local.
   *
   * @param process the JVM process
   * @param port the HTTP port
   */
  public record Launch(PeerProcess process, int port) implements PeerLauncher.Candidate {
    @Override
    public boolean isReady() {
      // Any HTTP answer means it serves; GET / gets 400.
      return HttpProbe.answers(URI.create("http://127.0.0.1:" + port + "/"));
    }
  }

  private DynamoDbLocalLauncher() {}

  /**
   * Returns the JVM running this code, to run DynamoDB Local with.
   *
   * @return the java executable
   */
  public static String currentJava() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * Returns the directory named by {@value #LIB_PROPERTY}, if set.
   *
   * @return the directory
   */
  public static Optional<Path> configuredLibDir() {
    String configured = System.getProperty(LIB_PROPERTY);
    return configured == null || configured.isBlank()
        ? Optional.empty()
        : Optional.of(Path.of(configured));
  }

  /**
   * Starts DynamoDB Local and waits until it answers HTTP.
   *
   * @param options the options
   * @return the ready server
   */
  public static Launch launch(DynamoDbLocal.Options options) {
    Path libDir = requireLibDir(options);
    Path java = Executables.require(PEER, options.javaCommand(), options.ciMode());
    return PeerLauncher.launch(
        PEER, options.ciMode(), options.startupTimeout(), () -> launchOnce(options, java, libDir));
  }

  private static Path requireLibDir(DynamoDbLocal.Options options) {
    Optional<Path> libDir = options.libDir();
    if (libDir.isPresent() && hasServerJar(libDir.get())) {
      return libDir.get();
    }
    String where =
        libDir.map(dir -> "no DynamoDBLocal-*.jar in " + dir).orElse(LIB_PROPERTY + " is not set");
    throw PeerFailures.unavailable(
        options.ciMode(),
        PEER
            + " cannot start: its classpath directory is missing ("
            + where
            + "). Build the testkit-dynamodb-local module first: "
            + "mvn -pl testkit-dynamodb-local generate-resources");
  }

  private static boolean hasServerJar(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "DynamoDBLocal-*.jar")) {
      return jars.iterator().hasNext();
    } catch (IOException e) {
      return false;
    }
  }

  private static Launch launchOnce(DynamoDbLocal.Options options, Path java, Path libDir)
      throws IOException {
    int port = options.port() != 0 ? options.port() : Ports.free();
    // Private java.io.tmpdir: DynamoDB Local copies its sqlite4java native library there.
    Path workDir = Files.createTempDirectory("dynamodb-local-");
    Map<String, String> env = new HashMap<>(System.getenv());
    // Agents and options meant for the build's JVMs must not reach the peer's JVM.
    env.remove("JAVA_TOOL_OPTIONS");
    env.remove("JDK_JAVA_OPTIONS");
    env.remove("_JAVA_OPTIONS");
    env.put("DDB_LOCAL_TELEMETRY", "0");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-Xmx256m",
                "-Djava.io.tmpdir=" + workDir,
                "-cp",
                libDir.toAbsolutePath() + "/*",
                MAIN_CLASS));
    Optional<Path> data = options.dataDirectory();
    if (data.isPresent()) {
      // One file for every access key and region, so any client sees the same tables.
      Files.createDirectories(data.get());
      command.addAll(List.of("-dbPath", data.get().toAbsolutePath().toString(), "-sharedDb"));
    } else {
      command.add("-inMemory");
    }
    command.addAll(List.of("-port", Integer.toString(port), "-disableTelemetry"));
    Path logFile = options.logDir().resolve("dynamodb-local-" + port + ".log");
    try {
      return new Launch(PeerProcess.start(PEER, command, env, workDir, logFile), port);
    } catch (IOException e) {
      PeerProcess.deleteRecursively(workDir);
      throw e;
    }
  }
}
