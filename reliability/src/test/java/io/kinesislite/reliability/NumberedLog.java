package io.kinesislite.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes a log file at a steady rate, one unique numbered line after the other ({@link
 * #text(long)}: {@code line-000000123 GET /orders/123 200 xxxx...}), and rotates it on request,
 * either the way logrotate does by default (rename to {@code app.log.N}, then a new {@code
 * app.log}) or with {@code copytruncate} (copy to {@code app.log.N}, then truncate {@code app.log}
 * in place).
 *
 * <p>Rotations run on the writing thread between two writes. So with copytruncate no line is
 * written between the copy and the truncation: in a real deployment the application keeps writing
 * then, and any tailer loses those lines (the agent's documentation says so); here every line
 * written is in the copy or after the truncation, so every line must arrive.
 *
 * <p>The file is opened with {@code O_APPEND}, as loggers open it, so that writes after a
 * truncation start at the new end rather than leaving a hole.
 *
 * <p>Runs on one thread named {@code numbered-log-writer}; {@link #stop()} ends it. The methods are
 * thread-safe.
 */
final class NumberedLog implements AutoCloseable {
  /** How a rotation moves the file. */
  enum Rotation {
    RENAME,
    COPYTRUNCATE
  }

  private final Path file;
  private final int linesPerSecond;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong rotations = new AtomicLong();
  private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile boolean stopping;

  private record Request(Rotation rotation, CompletableFuture<Path> result) {}

  /**
   * @param file the log file; its directory must exist
   * @param linesPerSecond lines written per second
   */
  NumberedLog(Path file, int linesPerSecond) {
    this.file = file;
    this.linesPerSecond = linesPerSecond;
    this.thread = new Thread(this::run, "numbered-log-writer");
    this.thread.setDaemon(true);
  }

  /** The text of line {@code n}, without its newline. */
  static String text(long n) {
    return String.format(
        Locale.ROOT, "line-%09d GET /orders/%d 200 %s", n, n % 997, "x".repeat(24));
  }

  /** The number of a line {@link #text(long)} made, or -1 if the text is not such a line. */
  static long number(String text) {
    if (text.length() < 14 || !text.startsWith("line-")) {
      return -1;
    }
    try {
      long n = Long.parseLong(text.substring(5, 14));
      return text.equals(text(n)) ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  void start() {
    thread.start();
  }

  /** Lines written to the file so far (numbers 0 to written - 1). */
  long written() {
    return written.get();
  }

  /** Rotations done so far. */
  long rotations() {
    return rotations.get();
  }

  /** Asks for a rotation; the future completes with the rotated file's new name once done. */
  CompletableFuture<Path> rotate(Rotation rotation) {
    CompletableFuture<Path> result = new CompletableFuture<>();
    requests.add(new Request(rotation, result));
    if (done.isDone()) {
      result.completeExceptionally(new IllegalStateException("the writer has stopped"));
    }
    return result;
  }

  /**
   * Stops writing after the current write and returns the number of lines written.
   *
   * @throws IllegalStateException if writing failed
   */
  long stop() throws InterruptedException {
    stopping = true;
    thread.join(TimeUnit.SECONDS.toMillis(30));
    if (thread.isAlive()) {
      throw new IllegalStateException("the log writer did not stop within 30 s");
    }
    done.join(); // throws if the writer failed
    return written.get();
  }

  /** Stops writing, if not yet stopped; for clean-up, also after a failure. */
  @Override
  public void close() {
    stopping = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    FileChannel out = null;
    try {
      out = open();
      long start = System.nanoTime();
      long base = 0; // lines due are counted from here, so a slow rotation does not cause a burst
      while (!stopping) {
        Request r;
        while ((r = requests.poll()) != null) {
          out = rotate(out, r);
          start = System.nanoTime();
          base = written.get();
        }
        long due = base + (System.nanoTime() - start) * linesPerSecond / 1_000_000_000L;
        long n = written.get();
        if (n < due) {
          StringBuilder chunk = new StringBuilder();
          for (long i = n; i < due; i++) {
            chunk.append(text(i)).append('\n');
          }
          ByteBuffer bytes = ByteBuffer.wrap(chunk.toString().getBytes(StandardCharsets.UTF_8));
          while (bytes.hasRemaining()) {
            out.write(bytes);
          }
          written.set(due); // counted once in the file, where the agent can see it
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      done.complete(null);
    } catch (IOException | RuntimeException e) {
      done.completeExceptionally(e);
    } finally {
      Request r;
      while ((r = requests.poll()) != null) {
        r.result().completeExceptionally(new IllegalStateException("the writer has stopped"));
      }
      if (out != null) {
        try {
          out.close();
        } catch (IOException e) {
          done.completeExceptionally(e);
        }
      }
    }
  }

  private FileChannel rotate(FileChannel out, Request r) {
    Path target =
        file.resolveSibling(
            String.format(Locale.ROOT, "%s.%03d", file.getFileName(), rotations.get() + 1));
    try {
      if (r.rotation() == Rotation.RENAME) {
        out.close();
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        out = open();
      } else {
        Files.copy(file, target);
        try (FileChannel truncating = FileChannel.open(file, StandardOpenOption.WRITE)) {
          truncating.truncate(0);
        }
      }
      rotations.incrementAndGet();
      r.result().complete(target);
      return out;
    } catch (IOException e) {
      r.result().completeExceptionally(e);
      throw new UncheckedIOException("rotation by " + r.rotation() + " failed", e);
    }
  }

  private FileChannel open() throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }
}
