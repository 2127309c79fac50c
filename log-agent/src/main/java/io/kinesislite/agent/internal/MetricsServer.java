package io.kinesislite.agent.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code GET /metrics} (Prometheus text format) and {@code GET /health} (200 {@code ok}, or
 * 503 with the reason) on the configured address, 127.0.0.1 by default, with the JDK's HTTP server.
 * One thread, {@code kinesis-lite-agent-http}, stopped by {@link #close()}. Thread-safe.
 */
public final class MetricsServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  /** Why the agent is unhealthy, or null when it is healthy. */
  public interface Health extends Supplier<String> {}

  public MetricsServer(InetSocketAddress address, PrometheusMeterRegistry registry, Health health) {
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve metrics on " + address + ": " + e.getMessage(), e);
    }
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "kinesis-lite-agent-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext(
        "/health",
        exchange -> {
          String problem = health.get();
          respond(
              exchange,
              problem == null ? 200 : 503,
              "text/plain; charset=utf-8",
              problem == null ? "ok\n" : problem + "\n");
        });
    server.start();
  }

  /** The address the server listens on (with the port chosen when 0 was asked). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
