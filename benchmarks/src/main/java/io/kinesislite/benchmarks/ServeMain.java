package io.kinesislite.benchmarks;

import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.engine.SyncPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code serve} in a JVM of its own, for {@link ServeBenchmark} and the side-by-side comparison: an
 * HTTP Kinesis endpoint on 127.0.0.1 with the Kinesis throughput limits off, in memory or durable
 * in a directory; with {@code --tls}, HTTPS with a generated self-signed certificate, written (PEM)
 * to the {@code --certificate-output} file when one is given (the real KPL speaks only HTTPS).
 *
 * <pre>
 * java -cp benchmarks.jar io.kinesislite.benchmarks.ServeMain --port 4567 [--dir DIR [--sync interval|always|never]] [--tls [--certificate-output FILE]]
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
    boolean tls = false;
    Path certificateOutput = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(required(args[i], value));
        case "--dir" -> directory = Path.of(required(args[i], value));
        case "--sync" ->
            sync = SyncPolicy.valueOf(required(args[i], value).toUpperCase(Locale.ROOT));
        case "--tls" -> {
          tls = true;
          i--; // takes no value
        }
        case "--certificate-output" -> certificateOutput = Path.of(required(args[i], value));
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
      i++;
    }
    if (port < 0) {
      throw new IllegalArgumentException("--port is required");
    }
    if (certificateOutput != null && !tls) {
      throw new IllegalArgumentException("--certificate-output needs --tls");
    }
    EngineConfig.Builder engine = EngineConfig.builder().limitsEnabled(false);
    if (directory != null) {
      engine.directory(directory).syncPolicy(sync);
    }
    ServerConfig.Builder config = ServerConfig.builder().port(port).engine(engine.build()).tls(tls);
    if (certificateOutput != null) {
      config.certificateOutput(certificateOutput);
    }
    KinesisServer server = KinesisServer.start(config.build());
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
