package io.kinesislite.reliability;

import io.kinesislite.testkit.Tmpfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.opentest4j.TestAbortedException;

/**
 * A small real file system for disk faults: a {@link Tmpfs} that can be filled up with a filler
 * file (so that writes fail with "No space left on device"), freed again by deleting it, and
 * remounted read-only and read-write. Unlike {@link Tmpfs#mount}, which skips a test that cannot
 * mount, it fails: a disk fault the campaign cannot inject is a failure, not a pass.
 *
 * <p>Not thread-safe.
 */
final class SmallDisk implements AutoCloseable {
  private static final int CHUNK = 64 * 1024;

  private final Tmpfs tmpfs;
  private final Path filler;

  private SmallDisk(Tmpfs tmpfs) {
    this.tmpfs = tmpfs;
    this.filler = tmpfs.path().resolve("filler");
  }

  /**
   * Mounts a tmpfs of {@code size} (as mount takes it, e.g. {@code 2m}) at {@code path}.
   *
   * @throws AssertionError if it cannot be mounted (it needs root or mount rights)
   */
  static SmallDisk mount(Path path, String size) {
    try {
      return new SmallDisk(Tmpfs.mount(path, size));
    } catch (TestAbortedException e) {
      throw new AssertionError(
          "cannot inject disk faults: " + e.getMessage() + " (run the campaign as root)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot mount a tmpfs at " + path, e);
    }
  }

  Path path() {
    return tmpfs.path();
  }

  /**
   * Writes the filler file until at most {@code leaveBytes} are free (all of it full for 0).
   *
   * @return the bytes the filler took
   */
  long fillLeaving(long leaveBytes) {
    long written = 0;
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    try (FileChannel out =
        FileChannel.open(
            filler,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
      while (true) {
        long free = Files.getFileStore(path()).getUsableSpace();
        if (free <= leaveBytes) {
          return written;
        }
        chunk.clear().limit((int) Math.min(CHUNK, Math.max(1, free - leaveBytes)));
        try {
          written += out.write(chunk);
        } catch (IOException e) {
          return written; // full: nothing more fits
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fill " + path(), e);
    }
  }

  /** Deletes the filler file: the space it took is free again. */
  void free() {
    try {
      Files.deleteIfExists(filler);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + filler, e);
    }
  }

  /** Remounts it read-only; files open for writing must be closed first. */
  void readOnly() {
    try {
      tmpfs.remountReadOnly();
    } catch (IOException e) {
      throw new AssertionError("cannot inject a read-only directory: " + e.getMessage(), e);
    }
  }

  /** Remounts it read-write. */
  void readWrite() {
    try {
      tmpfs.remountReadWrite();
    } catch (IOException e) {
      throw new AssertionError("cannot make " + path() + " writable again: " + e.getMessage(), e);
    }
  }

  /** Unmounts it (its files go with it). */
  @Override
  public void close() {
    tmpfs.close();
  }
}
