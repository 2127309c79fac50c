package io.kinesislite.transport.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file whole, atomically and durably: the bytes go to a temporary file beside it,
 * which is fsync'd and renamed over the old one, and the directory is fsync'd, so that a crash
 * leaves either the old content or the new, never a torn file. Used for the embedded lease table
 * and the log agent's state. Thread-safe (stateless); concurrent writers of one file must take
 * turns.
 */
public final class DurableFiles {
  private DurableFiles() {}

  /**
   * Makes {@code file} hold {@code bytes}, through {@code temporary} (a path in the same
   * directory).
   *
   * @throws IOException if it could not; the old file is then still in place
   */
  public static void replace(Path file, Path temporary, byte[] bytes) throws IOException {
    try (FileChannel out =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
    Files.move(
        temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    // Makes the rename durable. Some file systems refuse to open a directory; the rename is then
    // as durable as they make it.
    Path directory = file.toAbsolutePath().getParent();
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // best effort, see above
    }
  }
}
