package io.kinesislite.engine;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link ServeDurabilityIT}: {@code serve} in a JVM of its own, so that the
 * test can SIGKILL it the way a crash or the OOM killer would. It serves a durable engine with sync
 * ALWAYS (a put is answered only after its record is on disk) in {@code --dir}, on {@code --port}
 * (0: any free port), prints {@code ready <port>} once it listens, and closes gracefully on SIGTERM
 * through a shutdown hook, printing {@code closed}.
 *
 * <p>Limits are off so that the test measures durability, not throttling.
 */
public final class ServeProcess {
  private ServeProcess() {}

  public static void main(String[] args) throws InterruptedException {
    Path directory = null;
    int port = 0;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--dir" -> directory = Path.of(args[i + 1]);
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (directory == null) {
      throw new IllegalArgumentException("usage: ServeProcess --dir DIR [--port PORT]");
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    KinesisServer server =
        KinesisServer.start(
            ServerConfig.builder()
                .port(port)
                .engine(
                    EngineConfig.builder()
                        .directory(directory)
                        .syncPolicy(SyncPolicy.ALWAYS)
                        .limitsEnabled(false)
                        .build())
                .build());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  out.println("closed");
                },
                "serve-process-shutdown"));
    out.println("ready " + server.port());
    server.awaitClose();
  }
}
