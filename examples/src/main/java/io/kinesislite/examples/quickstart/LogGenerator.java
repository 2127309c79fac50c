package io.kinesislite.examples.quickstart;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes a log file at a steady rate, as an application would, and rotates it the way logrotate's
 * default does: the file is renamed ({@code app.log} → {@code app.log.1}, {@code app.log.2}, …) and
 * a new {@code app.log} is created. Every line starts with its sequence number, from 0, so that a
 * consumer can tell which lines arrived: {@code 17 2026-12-03T10:00:00.123Z INFO GET /orders/17 200
 * ...}.
 *
 * <p>Runs on one thread named {@code quickstart-log-generator}; {@link #stop()} ends it. The
 * counters are thread-safe.
 */
public final class LogGenerator {
  private static final String PADDING = "x".repeat(40);

  private final Path file;
  private final int linesPerSecond;
  private final Duration rotateEvery;
  private final AtomicLong written = new AtomicLong();
  private final AtomicInteger rotations = new AtomicInteger();
  private final Thread thread;
  private volatile boolean stopping;
  private volatile Throwable failure;

  /**
   * @param file the log file, for example {@code logs/app.log}; its directory must exist
   * @param linesPerSecond lines written per second, 1 to 1,000,000
   * @param rotateEvery how often the file is rotated; zero never
   */
  public LogGenerator(Path file, int linesPerSecond, Duration rotateEvery) {
    if (linesPerSecond < 1 || linesPerSecond > 1_000_000) {
      throw new IllegalArgumentException(
          "linesPerSecond must be 1 to 1,000,000, not " + linesPerSecond);
    }
    this.file = file;
    this.linesPerSecond = linesPerSecond;
    this.rotateEvery = rotateEvery;
    this.thread = new Thread(this::run, "quickstart-log-generator");
    this.thread.setDaemon(true);
  }

  /** Starts writing. */
  public void start() {
    thread.start();
  }

  /** Stops writing after the current line and closes the file; returns when it has. */
  public void stop() throws InterruptedException {
    stopping = true;
    thread.join();
    if (failure != null) {
      throw new IllegalStateException("the log generator failed: " + failure, failure);
    }
  }

  /** Lines written and flushed to the file so far. */
  public long written() {
    return written.get();
  }

  /** Rotations done so far. */
  public int rotations() {
    return rotations.get();
  }

  private void run() {
    long startNanos = System.nanoTime();
    long nextRotation = rotateEvery.isZero() ? Long.MAX_VALUE : startNanos + rotateEvery.toNanos();
    BufferedWriter out = null;
    try {
      out = open();
      StringBuilder line = new StringBuilder(128);
      while (!stopping) {
        long now = System.nanoTime();
        long due = (now - startNanos) * linesPerSecond / TimeUnit.SECONDS.toNanos(1);
        long n = written.get();
        if (n < due) {
          for (long i = n; i < due && !stopping; i++) {
            line.setLength(0);
            line.append(i).append(' ').append(Instant.now()).append(" INFO GET /orders/");
            line.append(i).append(" 200 ").append(PADDING).append('\n');
            out.write(line.toString());
          }
          // Counted only once flushed: a line the agent could not yet see is not "written".
          out.flush();
          written.set(due);
        }
        if (now >= nextRotation) {
          out.close();
          Files.move(file, file.resolveSibling(file.getFileName() + "." + (rotations.get() + 1)));
          rotations.incrementAndGet();
          out = open();
          nextRotation = now + rotateEvery.toNanos();
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
    } catch (IOException | RuntimeException e) {
      failure = e;
    } finally {
      if (out != null) {
        try {
          out.close();
        } catch (IOException e) {
          failure = failure != null ? failure : new UncheckedIOException(e);
        }
      }
    }
  }

  private BufferedWriter open() throws IOException {
    return Files.newBufferedWriter(
        file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /**
   * Returns the sequence number a generated line starts with, or -1 if it does not start with one.
   */
  public static long sequenceOf(byte[] line) {
    long value = 0;
    int i = 0;
    while (i < line.length && i < 19 && line[i] >= '0' && line[i] <= '9') {
      value = value * 10 + (line[i] - '0');
      i++;
    }
    return i == 0 || (i < line.length && line[i] != ' ') ? -1 : value;
  }
}
