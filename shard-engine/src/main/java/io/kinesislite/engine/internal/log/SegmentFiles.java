package io.kinesislite.engine.internal.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Opens the files of a {@link SegmentShardLog}. Production code uses {@link #DEFAULT}; tests pass
 * an opener whose channels fail on purpose (a full disk, a slow or failing fsync).
 *
 * <p>Implementations must be thread-safe: segments reopen channels from reader threads.
 */
@FunctionalInterface
interface SegmentFiles {
  /** Opens files with {@code FileChannel.open}. */
  SegmentFiles DEFAULT = FileChannel::open;

  Set<OpenOption> READ_WRITE = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
  Set<OpenOption> CREATE_NEW =
      Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
  Set<OpenOption> READ_ONLY = Set.of(StandardOpenOption.READ);

  /** Opens {@code file} with {@code options}. */
  FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException;

  /** Forces a directory's entries to disk, so that a new file's name survives a power loss. */
  default void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = open(dir, READ_ONLY)) {
      d.force(true);
    }
  }
}
