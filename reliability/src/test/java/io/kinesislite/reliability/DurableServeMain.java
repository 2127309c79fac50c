package io.kinesislite.reliability;

import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.engine.SyncPolicy;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child process of the campaigns: {@code serve} in a JVM of its own, so that a campaign can
 * SIGKILL it the way a crash or the OOM killer would. It serves a durable engine with sync {@code
 * ALWAYS} (a put is answered only after its record is on disk) in {@code --dir}, on {@code --port},
 * prints {@code ready <port>} once it listens, and exits at once when its standard input closes, so
 * that a test JVM that dies takes it along.
 *
 * <p>Limits are off: the campaigns test durability and recovery, not throttling. A process main: it
 * shares nothing with other threads but the server it starts.
 */
public final class DurableServeMain {
  private DurableServeMain() {}

  public static void main(String[] args) throws InterruptedException {
    Path directory = null;
    int port = -1;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--dir" -> directory = Path.of(args[i + 1]);
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (directory == null || port < 0) {
      throw new IllegalArgumentException("usage: DurableServeMain --dir DIR --port PORT");
    }
    StdinWatch.exitWhenClosed();
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
    out.println("ready " + server.port());
    server.awaitClose();
  }
}
