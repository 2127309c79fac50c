package io.kinesislite.benchmarks;

import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.engine.SyncPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code serve} in a JVM of its own, for {@link ServeBenchmark}: an HTTP Kinesis endpoint on
 * 127.0.0.1 with the Kinesis throughput limits off, in memory or durable in a directory.
 *
 * <pre>
 * java -cp benchmarks.jar io.kinesislite.benchmarks.ServeMain --port 4567 [--dir DIR [--sync interval|always|never]]
 * </pre>
 *
 * <p>It stops on SIGTERM, and also when its standard input reaches end of file, which happens when
 * the benchmark that started it dies, however it dies; so it never outlives the benchmark.
 */
public final class ServeMain {
  private ServeMain() {}

  public static void main(String[] args) throws InterruptedException {
    int port = -1;
    Path directory = null;
    SyncPolicy sync = SyncPolicy.INTERVAL;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(required(args[i], value));
        case "--dir" -> directory = Path.of(required(args[i], value));
        case "--sync" ->
            sync = SyncPolicy.valueOf(required(args[i], value).toUpperCase(Locale.ROOT));
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
      i++;
    }
    if (port < 0) {
      throw new IllegalArgumentException("--port is required");
    }
    EngineConfig.Builder engine = EngineConfig.builder().limitsEnabled(false);
    if (directory != null) {
      engine.directory(directory).syncPolicy(sync);
    }
    KinesisServer server =
        KinesisServer.start(ServerConfig.builder().port(port).engine(engine.build()).build());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "serve-main-shutdown"));
    Thread stdin =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // nothing is ever written; wait for end of file
                }
              } catch (IOException e) {
                // the pipe broke: the parent is gone as well
              }
              System.exit(0);
            },
            "serve-main-stdin");
    stdin.setDaemon(true);
    stdin.start();
    server.awaitClose();
  }

  private static String required(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }
}
