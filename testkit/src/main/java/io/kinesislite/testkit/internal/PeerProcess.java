package io.kinesislite.testkit.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer's operating-system process: output redirected to a log file (so no pump threads), POSIX
 * signals for fault injection, and a bounded stop. Every live instance is registered with {@link
 * PeerReaper}, so no process outlives a JVM that exits normally.
 *
 * <p>The process's stdin is a pipe from this JVM that is never written and is kept open until the
 * process has been stopped. The kernel closes it when this JVM dies, however it dies (even by
 * SIGKILL, when no shutdown hook runs), so the process sees end of file on stdin then; a peer that
 * watches for that, as kinesis-mock does (see {@link KinesisMockLauncher}), exits with the JVM.
 *
 * <p>Thread-safe: state changes are guarded by a private lock.
 */
public final class PeerProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerProcess.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
  private static final int TAIL_BYTES = 64 * 1024;

  /** How waiting for a peer to become ready ended. */
  public enum Readiness {
    /** The readiness probe succeeded. */
    READY,
    /** The process exited before it was ready. */
    EXITED,
    /** The time allowed ran out. */
    TIMED_OUT
  }

  private final String name;
  private final Process process;
  // Held, never written: the write end of the process's stdin; see the class comment.
  private final OutputStream stdin;
  private final Path logFile;
  private final Path workDir;
  private final Object lock = new Object();
  private boolean paused;
  private boolean closed;

  private PeerProcess(String name, Process process, Path logFile, Path workDir) {
    this.name = name;
    this.process = process;
    this.stdin = process.getOutputStream();
    this.logFile = logFile;
    this.workDir = workDir;
  }

  /**
   * Starts a process with stdout and stderr written to {@code logFile} and stdin a pipe from this
   * JVM that reaches end of file when the JVM dies.
   *
   * @param name the peer's name for messages, e.g. "kinesis-mock"
   * @param command the command line
   * @param environment the complete environment of the child
   * @param workDir a private working directory, deleted on close
   * @param logFile the log file, truncated first
   * @return the running process
   * @throws IOException if the process cannot be started
   */
  public static PeerProcess start(
      String name,
      List<String> command,
      Map<String, String> environment,
      Path workDir,
      Path logFile)
      throws IOException {
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().clear();
    builder.environment().putAll(environment);
    PeerProcess peer = new PeerProcess(name, builder.start(), logFile, workDir);
    PeerReaper.register(peer);
    return peer;
  }

  /**
   * Polls {@code ready} until it answers true, the process exits, or {@code timeout} passes. The
   * pause between polls is a bounded wait for the process to exit, so an exit is seen at once.
   *
   * @param ready the readiness probe; it must itself be bounded in time
   * @param timeout how long to wait
   * @return how the wait ended
   * @throws InterruptedException if interrupted while waiting
   */
  public Readiness awaitReady(BooleanSupplier ready, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        return Readiness.EXITED;
      }
      if (ready.getAsBoolean()) {
        return Readiness.READY;
      }
      if (System.nanoTime() - deadline >= 0) {
        return Readiness.TIMED_OUT;
      }
      if (process.waitFor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
        return Readiness.EXITED;
      }
    }
  }

  /**
   * Returns the process id.
   *
   * @return the pid
   */
  public long pid() {
    return process.pid();
  }

  /**
   * Returns whether the process is running (a paused process is running).
   *
   * @return true while the process has not exited
   */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Returns the exit code once the process has exited.
   *
   * @return the exit code, or empty while it runs
   */
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /**
   * Returns the log file that receives the process's stdout and stderr.
   *
   * @return the log file
   */
  public Path logFile() {
    return logFile;
  }

  /** Stops the process with SIGSTOP; it keeps its sockets but answers nothing until resumed. */
  public void pause() {
    synchronized (lock) {
      requireRunning("pause");
      signal("STOP");
      paused = true;
    }
  }

  /** Continues a paused process with SIGCONT. Does nothing if it is not paused. */
  public void resume() {
    synchronized (lock) {
      if (paused && process.isAlive()) {
        signal("CONT");
      }
      paused = false;
    }
  }

  /**
   * Returns whether {@link #pause()} was called without a later {@link #resume()}.
   *
   * @return true while paused
   */
  public boolean isPaused() {
    synchronized (lock) {
      return paused;
    }
  }

  /** Kills the process with SIGKILL and waits (bounded) until it is gone. */
  public void kill() {
    synchronized (lock) {
      process.destroyForcibly();
      awaitExit();
      paused = false;
    }
  }

  /**
   * Stops the process: SIGCONT if paused, SIGTERM, up to 10 s for it to exit, then SIGKILL. Then
   * closes its stdin and deletes the working directory. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (paused && process.isAlive()) {
        signal("CONT");
      }
      paused = false;
      process.destroy();
      if (!waitForExit(STOP_TIMEOUT)) {
        LOG.warn("{} (pid {}) ignored SIGTERM for {}; killing it.", name, pid(), STOP_TIMEOUT);
        process.destroyForcibly();
        awaitExit();
      }
      closeStdin();
      PeerReaper.unregister(this);
      deleteRecursively(workDir);
    }
  }

  /**
   * Returns up to the last {@code lines} lines of the log file.
   *
   * @param lines how many lines
   * @return the lines joined with newlines; empty if there is no log
   */
  public String logTail(int lines) {
    return tail(logFile, lines);
  }

  /**
   * Returns up to the last {@code lines} lines of a text file, reading at most its last 64 KiB.
   *
   * @param file the file
   * @param lines how many lines
   * @return the lines joined with newlines; empty if the file cannot be read
   */
  public static String tail(Path file, int lines) {
    if (lines < 0) {
      throw new IllegalArgumentException("lines < 0: " + lines);
    }
    String text;
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      long size = channel.size();
      int length = (int) Math.min(size, TAIL_BYTES);
      ByteBuffer buffer = ByteBuffer.allocate(length);
      channel.position(size - length);
      int read;
      do {
        read = channel.read(buffer);
      } while (read >= 0 && buffer.hasRemaining());
      text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  // Only after the process is gone: closing it earlier would make kinesis-mock exit at once.
  private void closeStdin() {
    try {
      stdin.close();
    } catch (IOException e) {
      LOG.debug("Cannot close the stdin of {}.", this, e);
    }
  }

  private void requireRunning(String action) {
    if (closed || !process.isAlive()) {
      throw new IllegalStateException(
          "Cannot " + action + " " + name + " (pid " + pid() + "): it is not running.");
    }
  }

  private void signal(String signal) {
    List<String> command = List.of("kill", "-" + signal, Long.toString(pid()));
    try {
      Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!kill.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException("'" + String.join(" ", command) + "' did not finish.");
      }
      if (kill.exitValue() != 0) {
        throw new IllegalStateException(
            "'" + String.join(" ", command) + "' failed with exit code " + kill.exitValue() + ".");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run '" + String.join(" ", command) + "'.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while signalling " + name + ".", e);
    }
  }

  private void awaitExit() {
    if (!waitForExit(STOP_TIMEOUT)) {
      throw new IllegalStateException(
          name + " (pid " + pid() + ") is still alive " + STOP_TIMEOUT + " after SIGKILL.");
    }
  }

  private boolean waitForExit(Duration timeout) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        try {
          long left = deadline - System.nanoTime();
          return process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          // Finish stopping the process first; re-set the flag afterwards.
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Deletes a directory tree, best effort.
   *
   * @param dir the directory, or null
   */
  public static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
    } catch (IOException e) {
      LOG.debug("Cannot list {} for deletion.", dir, e);
      return;
    }
    for (Path path : paths) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        LOG.debug("Cannot delete {}.", path, e);
      }
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ")";
  }
}
