package io.kinesislite.engine.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment of a {@link SegmentShardLog}: the data file {@code %020d.seg} named by its base
 * offset, its {@link SegmentIndex}, and where its written and its readable records end.
 *
 * <p>All file access is positional, so readers never disturb the appender. A thread interrupted
 * during file I/O makes the JDK close the channel for everyone; the segment then reopens it on next
 * use, so one interrupted reader does not break the shard.
 *
 * <p>Thread-safe: the appender methods ({@link #write}, {@link #commit}, {@link #truncate}) run
 * under the owning log's lock; the state readers, the syncer and trims look at is volatile, and
 * {@link #readablePosition()} is published before the log's readable end.
 */
final class Segment {
  /** Thrown by file access once the segment is closed or deleted, e.g. by a concurrent trim. */
  static final class GoneException extends IOException {
    private static final long serialVersionUID = 1L;

    GoneException(Path file) {
      super(file + " is closed");
    }
  }

  @FunctionalInterface
  private interface ChannelCall<T> {
    T apply(FileChannel channel) throws IOException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(Segment.class);
  private static final int MAX_RETRIES = 3;

  final long baseOffset;
  final Path file;
  final SegmentIndex index;
  private final SegmentFiles files;
  private final boolean writable;
  private final Object channelLock = new Object();
  private volatile FileChannel channel;
  private volatile boolean closed;

  // Written under the log's lock; volatile for readers, the syncer and trims.
  private volatile long size = RecordFrames.HEADER_BYTES;
  private volatile long nextOffset;
  private volatile long firstArrival = -1;
  private volatile long lastArrival = -1;
  private volatile long readablePosition = RecordFrames.HEADER_BYTES;

  /** Set when written bytes may lie past {@link #size} after a failed write or truncation. */
  private boolean tailUncertain;

  /** Set while there are written bytes no force has covered. */
  final AtomicBoolean dirty = new AtomicBoolean();

  private Segment(Path dir, long baseOffset, SegmentFiles files, boolean writable) {
    this.baseOffset = baseOffset;
    this.file = dir.resolve(String.format("%020d.seg", baseOffset));
    this.index =
        new SegmentIndex(dir.resolve(String.format("%020d.idx", baseOffset)), baseOffset, files);
    this.files = files;
    this.writable = writable;
    this.nextOffset = baseOffset;
  }

  /** Creates a new, empty segment: the data file with its header and an empty index file. */
  static Segment create(Path dir, long baseOffset, SegmentFiles files) throws IOException {
    Segment s = new Segment(dir, baseOffset, files, true);
    s.channel = files.open(s.file, SegmentFiles.CREATE_NEW);
    try {
      s.write(RecordFrames.header(RecordFrames.SEGMENT_MAGIC, baseOffset), 0);
    } catch (IOException e) {
      s.close();
      try {
        Files.deleteIfExists(s.file);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    s.index.rewrite();
    return s;
  }

  /** Opens an existing segment for recovery, which then calls {@link #restore}. */
  static Segment open(Path dir, long baseOffset, SegmentFiles files, boolean writable)
      throws IOException {
    Segment s = new Segment(dir, baseOffset, files, writable);
    s.channel = files.open(s.file, writable ? SegmentFiles.READ_WRITE : SegmentFiles.READ_ONLY);
    return s;
  }

  /** Sets the state recovery found: records up to {@code size}, all of them readable. */
  void restore(long size, long nextOffset, long firstArrival, long lastArrival) {
    this.size = size;
    this.nextOffset = nextOffset;
    this.firstArrival = firstArrival;
    this.lastArrival = lastArrival;
    this.readablePosition = size;
  }

  long size() {
    return size;
  }

  long nextOffset() {
    return nextOffset;
  }

  boolean isEmpty() {
    return nextOffset == baseOffset;
  }

  /** Returns the arrival time of the first written record, or -1 if there is none. */
  long firstArrival() {
    return firstArrival;
  }

  /** Returns the arrival time of the newest written record, or -1 if there is none. */
  long lastArrival() {
    return lastArrival;
  }

  /** Returns the end of the readable frames: readers never look past it. */
  long readablePosition() {
    return readablePosition;
  }

  void publishReadable(long position) {
    readablePosition = position;
  }

  /** Returns the size of the file, which may exceed {@link #size()} after a crash. */
  long fileSize() throws IOException {
    return call(FileChannel::size);
  }

  /** Writes {@code src} at {@code position}; the appender only, with {@link #commit} after. */
  void write(ByteBuffer src, long position) throws IOException {
    if (tailUncertain) {
      // A failed append left bytes after size; cut them first, or a crash could resurrect them.
      truncateFile(size);
    }
    long at = position;
    while (src.hasRemaining()) {
      long from = at;
      at += call(c -> c.write(src, from));
    }
  }

  /** Records a successful write of records up to {@code endOffset}; the appender only. */
  void commit(long endPosition, long endOffset, long firstArrivalMillis, long lastArrivalMillis) {
    if (firstArrival < 0) {
      firstArrival = firstArrivalMillis;
    }
    lastArrival = lastArrivalMillis;
    nextOffset = endOffset;
    size = endPosition;
  }

  /**
   * Cuts the segment back to {@code position}, where {@code offset} starts; {@code lastArrival} is
   * the arrival time of the record before it. Best effort on the file: if that fails, the next
   * write tries again before it writes. The appender only.
   *
   * @throws IOException if the file could not be truncated (the segment's state is cut anyway)
   */
  void truncate(long position, long offset, long lastArrivalMillis) throws IOException {
    size = position;
    nextOffset = offset;
    lastArrival = offset == baseOffset ? -1 : lastArrivalMillis;
    if (offset == baseOffset) {
      firstArrival = -1;
    }
    if (readablePosition > position) {
      readablePosition = position;
    }
    index.truncate(offset);
    tailUncertain = true;
    truncateFile(position);
  }

  private void truncateFile(long position) throws IOException {
    // Truncation must run even if this thread's interrupt closed the channel during the write.
    boolean interrupted = Thread.interrupted();
    try {
      call(c -> c.truncate(position));
      tailUncertain = false;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Reads into {@code dst} from {@code position}; any thread. */
  int read(ByteBuffer dst, long position) throws IOException {
    return call(c -> c.read(dst, position));
  }

  /** Forces written data to disk (fdatasync); counts as clean if it succeeds. */
  void force() throws IOException {
    call(
        c -> {
          c.force(false);
          return null;
        });
  }

  boolean isClosed() {
    return closed;
  }

  /** Closes the files; reads in flight fail with {@link GoneException}. */
  void close() {
    closed = true;
    synchronized (channelLock) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("Closing {} failed.", file, e);
      }
    }
    index.closeFile();
  }

  /** Closes and deletes the files. */
  void delete() throws IOException {
    close();
    Files.deleteIfExists(file);
    index.deleteFile();
  }

  private <T> T call(ChannelCall<T> op) throws IOException {
    for (int attempt = 1; ; attempt++) {
      FileChannel c = channel();
      try {
        return op.apply(c);
      } catch (ClosedByInterruptException e) {
        throw e; // this thread was interrupted; the next call reopens the channel
      } catch (ClosedChannelException e) {
        if (closed) {
          throw new GoneException(file);
        }
        if (attempt == MAX_RETRIES) {
          throw e;
        }
        // Another thread's interrupt closed the shared channel under this call: reopen, retry.
        // Positional reads and writes are idempotent, so a retry is safe.
      }
    }
  }

  private FileChannel channel() throws IOException {
    FileChannel c = channel;
    if (c.isOpen()) {
      return c;
    }
    synchronized (channelLock) {
      if (closed) {
        throw new GoneException(file);
      }
      if (!channel.isOpen()) {
        LOG.debug("Reopening {}, closed by an interrupted thread.", file);
        channel = files.open(file, writable ? SegmentFiles.READ_WRITE : SegmentFiles.READ_ONLY);
      }
      return channel;
    }
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
