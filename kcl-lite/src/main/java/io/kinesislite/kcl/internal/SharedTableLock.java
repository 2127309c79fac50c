package io.kinesislite.kcl.internal;

import io.kinesislite.kcl.LeaseStoreException;
import io.kinesislite.transport.FatalException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock file of a lease table opened in shared mode ({@code <dir>/leases/<table>.lock}), one per
 * canonical path per JVM, reference-counted by the stores that use it. It holds two OS locks:
 *
 * <ul>
 *   <li>for as long as any shared store of this JVM is open, a shared lock on byte 1, which keeps
 *       out an exclusive store (whose lock covers the whole file) in any process, and which an
 *       exclusive store already open keeps this one from taking;
 *   <li>for the duration of one call ({@link #acquire()}), an exclusive lock on byte 0, which
 *       serializes the calls of every shared store, in this process and others.
 * </ul>
 *
 * <p>Java's file locks belong to the whole JVM, and on POSIX systems closing any channel of a file
 * drops every lock the process holds on it; so each JVM keeps one channel per lock file, and calls
 * from its threads take turns on a {@link ReentrantLock} before they take the OS lock. The OS lock
 * is polled with {@link FileChannel#tryLock} (with a short backoff) rather than waited for with
 * {@link FileChannel#lock}, because an interrupt during {@code lock} would close the shared channel
 * and with it every lock of this JVM.
 *
 * <p>Thread-safe.
 */
final class SharedTableLock {
  /** How long a call waits for another process's call to finish before it gives up. */
  static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(10);

  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** The open lock files of this JVM, by canonical path; guarded by itself. */
  private static final Map<Path, SharedTableLock> OPEN = new HashMap<>();

  private final Path path;
  private final FileChannel channel;
  private final FileLock presence;
  private final ReentrantLock turns = new ReentrantLock();
  private int users; // guarded by OPEN

  private SharedTableLock(Path path, FileChannel channel, FileLock presence) {
    this.path = path;
    this.channel = channel;
    this.presence = presence;
  }

  /** One call's hold on the table; {@link #close()} releases it. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Opens (or joins) the lock file {@code lockFile}, which must be a canonical path in an existing
   * directory.
   *
   * @throws FatalException if an exclusive store has the table open
   * @throws LeaseStoreException if the lock file cannot be opened or locked
   */
  static SharedTableLock open(Path lockFile) {
    synchronized (OPEN) {
      SharedTableLock open = OPEN.get(lockFile);
      if (open == null) {
        open = create(lockFile);
        OPEN.put(lockFile, open);
      }
      open.users++;
      return open;
    }
  }

  /** Whether a shared store of this JVM has the lock file {@code lockFile} (canonical) open. */
  static boolean isOpen(Path lockFile) {
    synchronized (OPEN) {
      return OPEN.containsKey(lockFile);
    }
  }

  private static SharedTableLock create(Path lockFile) {
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              lockFile,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock presence = channel.tryLock(1, 1, true);
      if (presence == null) {
        throw lockedExclusively(lockFile, null);
      }
      return new SharedTableLock(lockFile, channel, presence);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw lockedExclusively(lockFile, e);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new LeaseStoreException(
          "cannot open lease table lock " + lockFile + ": " + e, "IOException", e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static FatalException lockedExclusively(Path lockFile, Throwable cause) {
    return new FatalException(
        "lease table "
            + lockFile
            + " is locked by an EmbeddedLeaseStore opened with inDirectory (exclusive), in this"
            + " process or another; a table is opened either exclusively or shared, not both",
        "ResourceInUse",
        cause);
  }

  /**
   * Waits until no other call, in this process or another, holds the table, and holds it.
   *
   * @throws LeaseStoreException if that took longer than {@link #ACQUIRE_TIMEOUT}, the thread was
   *     interrupted (its flag stays set), or the lock could not be taken
   */
  Held acquire() {
    long deadline = System.nanoTime() + ACQUIRE_TIMEOUT.toNanos();
    try {
      if (!turns.tryLock(ACQUIRE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
        throw timedOut();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(e);
    }
    try {
      FileLock held = pollForLock(deadline);
      return () -> {
        try {
          held.release();
        } catch (IOException e) {
          // the channel is gone, and the lock with it
        } finally {
          turns.unlock();
        }
      };
    } catch (RuntimeException e) {
      turns.unlock();
      throw e;
    }
  }

  private FileLock pollForLock(long deadline) {
    long backoff = FIRST_BACKOFF_NANOS;
    while (true) {
      FileLock held;
      try {
        held = channel.tryLock(0, 1, false);
      } catch (IOException e) {
        throw new LeaseStoreException(
            "cannot lock lease table " + path + ": " + e, "IOException", e);
      }
      if (held != null) {
        return held;
      }
      if (System.nanoTime() - deadline > 0) {
        throw timedOut();
      }
      LockSupport.parkNanos(backoff);
      if (Thread.currentThread().isInterrupted()) {
        throw interrupted(null);
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
    }
  }

  private LeaseStoreException timedOut() {
    return new LeaseStoreException(
        "lease table "
            + path
            + " stayed locked by another call for "
            + ACQUIRE_TIMEOUT.toSeconds()
            + " s",
        "LockTimeout",
        null);
  }

  private LeaseStoreException interrupted(Throwable cause) {
    return new LeaseStoreException(
        "interrupted while waiting for the lock of lease table " + path, "Interrupted", cause);
  }

  /** Leaves the lock file; the last store of this JVM to leave closes it. */
  void release() {
    synchronized (OPEN) {
      if (--users > 0) {
        return;
      }
      OPEN.remove(path);
      try {
        presence.release();
      } catch (IOException e) {
        // closing the channel releases it as well
      }
      closeQuietly(channel);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing left to do
      }
    }
  }
}
