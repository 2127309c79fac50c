package io.kinesislite.reliability;

import io.kinesislite.testkit.DynamoDbLocal;
import io.kinesislite.testkit.internal.Ports;
import java.net.URI;
import java.nio.file.Path;

/**
 * DynamoDB Local that can be stopped and started again with its tables and its endpoint: it keeps
 * the tables in a database file under {@code dataDirectory} and listens on one port picked at
 * construction. A server that cannot start fails the campaign (CI mode), never skips it: a fault
 * the campaign cannot inject is a failure.
 *
 * <p>Not thread-safe; the campaign thread starts and stops it.
 */
final class RestartableDynamoDb implements AutoCloseable {
  private final DynamoDbLocal.Options options;
  private final URI endpoint;
  private DynamoDbLocal running;

  RestartableDynamoDb(Path dataDirectory) {
    int port = Ports.free();
    this.options =
        DynamoDbLocal.Options.builder()
            .dataDirectory(dataDirectory)
            .port(port)
            .ciMode(true)
            .build();
    this.endpoint = URI.create("http://127.0.0.1:" + port);
  }

  /** The endpoint, the same across restarts. */
  URI endpoint() {
    return endpoint;
  }

  /** Starts the server and returns once it answers. */
  void start() {
    if (running != null) {
      throw new IllegalStateException("DynamoDB Local is already running: " + running);
    }
    running = DynamoDbLocal.start(options);
  }

  /** Stops it: with SIGKILL as a crash would if {@code crash}, else with SIGTERM. */
  void stop(boolean crash) {
    if (running == null) {
      throw new IllegalStateException("DynamoDB Local is not running");
    }
    try {
      if (crash) {
        running.kill();
      }
    } finally {
      running.close();
      running = null;
    }
  }

  @Override
  public void close() {
    if (running != null) {
      running.close();
      running = null;
    }
  }
}
