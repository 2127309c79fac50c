package io.kinesislite.engine.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Opens real files whose segment channels ({@code *.seg}) fail on cue: a disk that fills up after a
 * number of bytes, a truncate that fails, an fsync that fails, blocks or is slow, a segment that
 * cannot be created. Thread-safe: tests change the faults while the log runs.
 */
final class FaultyFiles implements SegmentFiles {
  static final String ENOSPC = "No space left on device";
  static final String EROFS = "Read-only file system";

  /** Bytes segment writes may still take before the disk is full; negative: unlimited. */
  final AtomicLong writeBudget = new AtomicLong(-1);

  volatile boolean failTruncate;

  /** Fails every write to an index file ({@code *.idx}). */
  volatile boolean failIndexWrites;

  volatile boolean failCreate;
  volatile IOException forceFailure;

  /** When set, every force waits for it first (up to 30 s). */
  volatile CountDownLatch forceGate;

  /** Counted down once per force, after it. */
  volatile CountDownLatch forced = new CountDownLatch(0);

  /** How long each force takes at least, like a real disk. */
  volatile long forceNanos;

  final AtomicInteger forces = new AtomicInteger();

  @Override
  public FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
    boolean segment = file.getFileName().toString().endsWith(".seg");
    if (segment && failCreate && options.contains(StandardOpenOption.CREATE_NEW)) {
      throw new IOException(ENOSPC);
    }
    FileChannel real = FileChannel.open(file, options);
    if (file.getFileName().toString().endsWith(".idx")) {
      return new FaultyIndex(real);
    }
    return segment ? new Faulty(real) : real;
  }

  /** Clears every fault. */
  void heal() {
    writeBudget.set(-1);
    failTruncate = false;
    failCreate = false;
    failIndexWrites = false;
    forceFailure = null;
    CountDownLatch gate = forceGate;
    forceGate = null;
    if (gate != null) {
      gate.countDown();
    }
  }

  private final class FaultyIndex extends ForwardingFileChannel {
    FaultyIndex(FileChannel delegate) {
      super(delegate);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (failIndexWrites) {
        throw new IOException(ENOSPC);
      }
      return super.write(src);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      if (failIndexWrites) {
        throw new IOException(ENOSPC);
      }
      return super.write(src, position);
    }
  }

  private final class Faulty extends ForwardingFileChannel {
    Faulty(FileChannel delegate) {
      super(delegate);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      long budget = writeBudget.get();
      if (budget < 0) {
        return delegate.write(src, position);
      }
      if (budget == 0) {
        throw new IOException(ENOSPC);
      }
      // Like a filling disk: a short write first, the error on the next call.
      int n = (int) Math.min(budget, src.remaining());
      ByteBuffer part = src.duplicate();
      part.limit(part.position() + n);
      int written = delegate.write(part, position);
      src.position(src.position() + written);
      writeBudget.addAndGet(-written);
      return written;
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      if (failTruncate) {
        throw new IOException(EROFS);
      }
      return super.truncate(size);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      CountDownLatch gate = forceGate;
      try {
        if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
          throw new IOException("test gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      IOException failure = forceFailure;
      if (failure != null) {
        throw failure;
      }
      long nanos = forceNanos;
      if (nanos > 0) {
        LockSupport.parkNanos(nanos); // a disk's latency, not a wait for another thread
      }
      super.force(metaData);
      forces.incrementAndGet();
      forced.countDown();
    }
  }
}
