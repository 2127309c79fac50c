package io.kinesislite.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small, real tmpfs for tests of storage faults: it fills up for real ("No space left on device")
 * and can be remounted read-only. Mounting needs root or mount rights; without them the test is
 * skipped, visibly, with the reason. This is no peer, so CI mode does not change that.
 *
 * <pre>{@code
 * try (Tmpfs disk = Tmpfs.mount(tempDir.resolve("disk"), "512k")) {
 *   ... fill disk.path() ...
 *   disk.remountReadOnly();
 *   disk.remountReadWrite();
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class Tmpfs implements AutoCloseable {
  private final Path path;

  private Tmpfs(Path path) {
    this.path = path;
  }

  /** Mounts a tmpfs of {@code size} (as mount takes it, e.g. {@code 512k}) at {@code path}. */
  public static Tmpfs mount(Path path, String size) throws IOException {
    Files.createDirectories(path);
    String failure = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path.toString());
    if (failure != null) {
      Assumptions.abort("cannot mount a tmpfs (needs root or mount rights): " + failure);
    }
    return new Tmpfs(path);
  }

  public Path path() {
    return path;
  }

  /** Remounts it read-only; files open for writing must be closed first. */
  public void remountReadOnly() throws IOException {
    String failure = run("mount", "-o", "remount,ro", path.toString());
    if (failure != null) {
      throw new IOException("cannot remount " + path + " read-only: " + failure);
    }
  }

  /** Remounts it read-write again, after {@link #remountReadOnly()}; its files are kept. */
  public void remountReadWrite() throws IOException {
    String failure = run("mount", "-o", "remount,rw", path.toString());
    if (failure != null) {
      throw new IOException("cannot remount " + path + " read-write: " + failure);
    }
  }

  /** Unmounts it, lazily if it is busy. */
  @Override
  public void close() {
    if (run("umount", path.toString()) != null) {
      run("umount", "-l", path.toString());
    }
  }

  /** Runs a command; returns null on success, else what it printed. */
  private static String run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "timed out";
      }
      if (process.exitValue() == 0) {
        return null;
      }
      return output.isBlank() ? "exit " + process.exitValue() : output.trim();
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
