package io.kinesislite.reliability;

import io.kinesislite.testkit.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of a campaign: started with this test's class path, its standard output and error
 * appended to a log file (which survives restarts, so one file tells the child's whole story), its
 * standard input left a pipe from this JVM (the campaigns' own child mains exit when it closes; see
 * {@link StdinWatch}). Exists so that a campaign can SIGKILL a part of the pipeline, which no
 * in-process component allows. Not thread-safe: one thread drives a child.
 */
final class ChildJvm implements AutoCloseable {
  private static final Duration EXIT_BOUND = Duration.ofSeconds(30);

  private final String name;
  private final Process process;
  private final Path log;
  private final long logStart;

  private ChildJvm(String name, Process process, Path log, long logStart) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.logStart = logStart;
  }

  /**
   * Starts {@code mainClass} with {@code args}; {@code jvmOptions} come before the main class.
   *
   * @param name what the child is, for messages ("serve", "worker-2")
   */
  static ChildJvm start(
      String name, Path log, List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1"); // starts faster; the campaign measures no speed
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    command.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    try {
      long logStart = Files.exists(log) ? Files.size(log) : 0;
      Files.writeString(
          log,
          "=== " + name + " started at " + Instant.now() + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      return new ChildJvm(name, p, log, logStart);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  String name() {
    return name;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until this run of the child has written a log line containing {@code text}; returns how
   * long that took.
   *
   * @throws AssertionError with the log's end if the child exits first or the time runs out
   */
  Duration awaitLog(String text, Duration timeout) {
    return Eventually.within(
        timeout,
        name + " logs '" + text + "'",
        () -> {
          if (!process.isAlive() && !logSinceStart().contains(text)) {
            throw new AssertionError(
                name
                    + " exited with "
                    + process.exitValue()
                    + " before it logged '"
                    + text
                    + "'; its log ends:\n"
                    + logTail());
          }
          return logSinceStart().contains(text);
        },
        this::logTail);
  }

  /** SIGKILL ({@code destroyForcibly} on Linux): no shutdown hook runs, nothing is flushed. */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(EXIT_BOUND.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not die within " + EXIT_BOUND + " of SIGKILL");
    }
    return process.exitValue();
  }

  /** The last lines of the child's log (all its runs), for failure messages. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** Lines of the whole log (every run) that contain {@code text}. */
  long logLines(String text) {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
          .filter(l -> l.contains(text))
          .count();
    } catch (IOException e) {
      return 0;
    }
  }

  private String logSinceStart() {
    try (SeekableByteChannel channel = Files.newByteChannel(log)) {
      channel.position(logStart);
      return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Kills the child if it still runs and waits for it; for clean-up, also after a failure. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        if (!process.waitFor(EXIT_BOUND.toSeconds(), TimeUnit.SECONDS)) {
          System.err.println(name + " (pid " + process.pid() + ") did not exit after SIGKILL");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return name + "[pid " + process.pid() + (process.isAlive() ? "" : ", exited") + "]";
  }
}
