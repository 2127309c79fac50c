package io.kinesislite.engine;

import io.kinesislite.testkit.Eventually;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of {@link ServeProcess} in a child JVM, seen from the test: started with the test's own
 * class path, its standard error kept in a log file, its {@code ready} and {@code closed} lines
 * read off standard output. Exists so that a test can kill {@code serve} with SIGKILL, which no
 * in-process server allows. Not thread-safe.
 */
final class ServedProcess {
  private static final Duration START_BOUND = Duration.ofSeconds(60);

  private final Process process;
  private final Path log;
  private final CompletableFuture<Integer> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final int port;

  private ServedProcess(Path directory, int port, Path log) throws IOException {
    this.log = log;
    this.process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", // starts faster; the test measures no speed
                "-cp",
                System.getProperty("java.class.path"),
                ServeProcess.class.getName(),
                "--dir",
                directory.toString(),
                "--port",
                String.valueOf(port))
            .redirectError(log.toFile())
            .start();
    Thread reader = new Thread(this::readOutput, "served-process-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      this.port = ready.get(START_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new AssertionError("serve did not start; its log:\n" + logText(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new AssertionError("interrupted while serve started", e);
    }
  }

  /** Starts serve on {@code port} (0: any free port) and waits until it says it listens. */
  static ServedProcess start(Path directory, int port, Path log) throws IOException {
    return new ServedProcess(directory, port, log);
  }

  private void readOutput() {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("ready ")) {
          ready.complete(Integer.parseInt(line.substring("ready ".length()).trim()));
        } else if (line.equals("closed")) {
          closed.complete(null);
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process died; the futures below say so
    }
    ready.completeExceptionally(new IllegalStateException("serve exited before it was ready"));
    closed.completeExceptionally(new IllegalStateException("serve exited without closing"));
  }

  int port() {
    return port;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Waits until {@code GET /ready} answers 200; returns how long that took. */
  Duration awaitReady(HttpClient http) {
    HttpRequest probe =
        HttpRequest.newBuilder(endpoint().resolve("/ready"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    return Eventually.within(
        START_BOUND,
        "GET /ready answers 200 on port " + port,
        () -> {
          try {
            return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        },
        this::logText);
  }

  /** Sends SIGKILL and waits for the process to end; returns its exit status. */
  int kill() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook runs
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("serve did not die within 30 s of SIGKILL");
    }
    return process.exitValue();
  }

  /**
   * Sends SIGTERM and waits for the shutdown hook to close the server and the process to end;
   * returns the exit status.
   */
  int terminate() throws InterruptedException {
    // SIGTERM. Process.destroy() would also close our end of its output and lose the last lines.
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("serve did not stop within 60 s of SIGTERM; log:\n" + logText());
    }
    return process.exitValue();
  }

  /** True if the process printed that its server closed (only a graceful stop does). */
  boolean closedGracefully() {
    try {
      closed.get(10, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Kills the process if it still runs; for clean-up after a failed test. */
  void destroy() {
    process.destroyForcibly();
  }

  String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
