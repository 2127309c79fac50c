package io.kinesislite.engine.internal;

import io.kinesislite.engine.internal.log.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a second engine, in this process or another, from opening a data directory in use: two
 * writers would corrupt the logs. The lock is an OS file lock on {@code <dir>/.lock}, so it goes
 * away with the process even after SIGKILL.
 *
 * <p>Thread-safe.
 */
final class DirectoryLock {
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DirectoryLock acquire(Path directory) {
    Path file = directory.resolve(".lock");
    FileChannel channel = null;
    try {
      Files.createDirectories(directory);
      if (!Files.isWritable(directory)) {
        // A read-only directory can still be read. Nobody can write it, so a shared lock is
        // enough; it still keeps out an engine that opened the directory when it was writable.
        channel = FileChannel.open(file, StandardOpenOption.READ);
        FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
        if (lock == null) {
          throw inUse(directory, null);
        }
        return new DirectoryLock(channel, lock);
      }
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw inUse(directory, null);
      }
      return new DirectoryLock(channel, lock);
    } catch (OverlappingFileLockException e) {
      close(channel);
      throw inUse(directory, e);
    } catch (IOException e) {
      close(channel);
      throw new StorageException(
          "cannot use data directory " + directory + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close(channel);
      throw e;
    }
  }

  private static StorageException inUse(Path directory, Throwable cause) {
    return new StorageException(
        "data directory "
            + directory
            + " is in use by another engine; one directory serves one engine (share it through"
            + " `kinesis-lite serve`)",
        cause);
  }

  void release() {
    try {
      lock.release();
    } catch (IOException e) {
      // The channel's close below releases it as well.
    }
    close(channel);
  }

  private static void close(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing left to do
      }
    }
  }
}
