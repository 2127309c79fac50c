package io.kinesislite.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads the agent's {@code /metrics} and {@code /health} the way Prometheus and a load balancer
 * would, and sums the samples of one metric. Not thread-safe.
 */
final class MetricsScrape {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;

  MetricsScrape(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** The exposition text, or null while nothing answers. */
  String metrics() {
    HttpResponse<String> r = get("/metrics");
    return r == null ? null : r.body();
  }

  /** The health response, or null while nothing answers. */
  HttpResponse<String> health() {
    return get("/health");
  }

  private HttpResponse<String> get(String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * The sum of the samples of {@code name} whose labels contain {@code labelPart} ("" for all); -1
   * if the metric is not there (yet).
   */
  static double sum(String text, String name, String labelPart) {
    if (text == null) {
      return -1;
    }
    double total = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String labels = line.substring(name.length(), space);
      if (labels.contains(labelPart)) {
        total += Double.parseDouble(line.substring(space + 1));
        found = true;
      }
    }
    return found ? total : -1;
  }

  /** A port nothing listens on now. */
  static int freePort() {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
