package io.kinesislite.engine.internal.log;

import io.kinesislite.engine.SyncPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link ShardLog}: append-only segment files in one shard directory, each with a sparse
 * index, synced by a shared {@link Syncer} under the {@link SyncPolicy} of its {@link LogSettings}.
 * {@link #open} recovers what a crash left (see {@link SegmentRecovery}); on a read-only directory
 * the log serves reads and fails appends.
 *
 * <pre>{@code
 * try (Syncer syncer = new Syncer(Duration.ofMillis(100));
 *     SegmentShardLog log = SegmentShardLog.open(dir, LogSettings.defaults(), syncer)) {
 *   log.append(List.of(new NewRecord(now, "key", null, data))).acknowledged().join();
 *   List<StoredRecord> records = log.read(0, 100, 1 << 20);
 * }
 * }</pre>
 *
 * <p>Thread-safe: appends, trims, closes and the syncer's callbacks hold a private lock; reads and
 * time lookups take no lock and see records up to {@link #readableEnd()}, a volatile published
 * after everything it covers.
 */
public final class SegmentShardLog implements ShardLog {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentShardLog.class);

  private final Path dir;
  private final LogSettings settings;
  private final Syncer syncer;
  private final SegmentFiles files;
  private final boolean writable;
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
  private volatile long firstOffset;
  private volatile long nextOffset;
  private volatile long readableEnd;
  private volatile long lastArrivalMillis = -1;
  private volatile boolean closed;

  // Guarded by lock.
  private Segment active; // null only in a read-only directory without segments
  private long epoch;
  private long lastAppendedArrival = -1;

  private SegmentShardLog(
      Path dir,
      LogSettings settings,
      Syncer syncer,
      SegmentFiles files,
      boolean writable,
      List<Segment> recovered) {
    this.dir = dir;
    this.settings = settings;
    this.syncer = syncer;
    this.files = files;
    this.writable = writable && !recovered.isEmpty();
    for (Segment s : recovered) {
      segments.put(s.baseOffset, s);
      if (s.lastArrival() >= 0) {
        lastArrivalMillis = s.lastArrival();
      }
    }
    this.active = recovered.isEmpty() ? null : recovered.get(recovered.size() - 1);
    this.firstOffset = recovered.isEmpty() ? 0 : recovered.get(0).baseOffset;
    this.nextOffset = active == null ? 0 : active.nextOffset();
    this.readableEnd = nextOffset;
    this.lastAppendedArrival = lastArrivalMillis;
  }

  /**
   * Opens the log in {@code shardDir}, creating the directory or recovering what it holds.
   *
   * @throws StorageException if the directory cannot be created or read
   */
  public static SegmentShardLog open(Path shardDir, LogSettings settings, Syncer syncer) {
    return open(shardDir, settings, syncer, SegmentFiles.DEFAULT);
  }

  static SegmentShardLog open(Path dir, LogSettings settings, Syncer syncer, SegmentFiles files) {
    Objects.requireNonNull(dir, "shardDir == null");
    Objects.requireNonNull(settings, "settings == null");
    Objects.requireNonNull(syncer, "syncer == null");
    SegmentRecovery.Opened opened = SegmentRecovery.open(dir, settings, files);
    return new SegmentShardLog(dir, settings, syncer, files, opened.writable(), opened.segments());
  }

  @Override
  public long firstOffset() {
    return firstOffset;
  }

  @Override
  public long nextOffset() {
    return nextOffset;
  }

  @Override
  public long readableEnd() {
    return readableEnd;
  }

  @Override
  public long lastArrivalMillis() {
    return lastArrivalMillis;
  }

  @Override
  public Appended append(List<NewRecord> records) {
    Objects.requireNonNull(records, "records == null");
    int n = records.size();
    byte[][] keys = new byte[n][];
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      NewRecord r = Objects.requireNonNull(records.get(i), "records[i] == null");
      keys[i] = RecordFrames.keyBytes(r);
      bytes += RecordFrames.frameBytes(keys[i], r);
    }
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("records must take less than 2 GiB: " + bytes);
    }
    lock.lock();
    try {
      ensureOpen();
      if (n == 0) {
        return new Appended(nextOffset, CompletableFuture.completedFuture(null));
      }
      checkArrivals(records);
      if (!writable) {
        throw new StorageException(
            "cannot append to " + dir + ": the directory is read-only", null);
      }
      return write(rollIfDue((int) bytes), records, keys, (int) bytes);
    } finally {
      lock.unlock();
    }
  }

  private Appended write(Segment seg, List<NewRecord> records, byte[][] keys, int bytes) {
    long startOffset = nextOffset;
    long startPosition = seg.size();
    long arrivalBefore = seg.lastArrival();
    BatchEncoder encoder = BatchEncoder.forThisThread();
    ByteBuffer buffer =
        encoder.encode(
            records,
            keys,
            bytes,
            startOffset,
            startPosition,
            seg.index.lastPosition(),
            settings.indexIntervalBytes());
    try {
      seg.write(buffer, startPosition);
    } catch (IOException e) {
      try {
        seg.truncate(startPosition, startOffset, arrivalBefore);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
        LOG.warn("Cannot cut {} back to {} yet; the next append tries again.", seg, startPosition);
      }
      throw new StorageException("cannot append to " + seg + ": " + e, e);
    }
    long endOffset = startOffset + records.size();
    long endPosition = startPosition + bytes;
    long lastArrival = records.get(records.size() - 1).arrivalMillis();
    seg.commit(endPosition, endOffset, records.get(0).arrivalMillis(), lastArrival);
    encoder.addEntriesTo(seg.index);
    seg.index.persist();
    nextOffset = endOffset;
    lastAppendedArrival = lastArrival;
    switch (settings.syncPolicy()) {
      case ALWAYS:
        PendingSync pending =
            new PendingSync(
                this,
                epoch,
                new PendingSync.Mark(seg, startOffset, startPosition, arrivalBefore),
                new PendingSync.Mark(seg, endOffset, endPosition, lastArrival),
                new CompletableFuture<>());
        return new Appended(startOffset, syncer.enqueue(pending));
      case INTERVAL:
        publish(seg, endPosition, endOffset, lastArrival);
        syncer.markDirty(seg);
        break;
      default:
        publish(seg, endPosition, endOffset, lastArrival);
    }
    return new Appended(startOffset, CompletableFuture.completedFuture(null));
  }

  private void checkArrivals(List<NewRecord> records) {
    long previous = lastAppendedArrival;
    for (NewRecord r : records) {
      if (r.arrivalMillis() < previous) {
        throw new IllegalArgumentException(
            "arrivalMillis must not decrease: " + r.arrivalMillis() + " after " + previous);
      }
      previous = r.arrivalMillis();
    }
  }

  private Segment rollIfDue(int bytes) {
    Segment seg = active;
    if (seg.isEmpty()) {
      return seg;
    }
    boolean full = seg.size() + bytes > settings.segmentBytes();
    boolean old =
        settings.clock().millis() - seg.firstArrival() >= settings.segmentMaxAge().toMillis();
    return full || old ? roll() : seg;
  }

  private Segment roll() {
    Segment next;
    try {
      next = Segment.create(dir, nextOffset, files);
    } catch (IOException e) {
      throw new StorageException("cannot create a segment in " + dir + ": " + e, e);
    }
    if (settings.syncPolicy() != SyncPolicy.NEVER) {
      try {
        // Without this, a power loss could lose the new file's name with records acknowledged in
        // it.
        files.syncDirectory(dir);
      } catch (IOException e) {
        try {
          next.delete();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw new StorageException("cannot sync directory " + dir + ": " + e, e);
      }
    }
    Segment sealed = active;
    segments.put(next.baseOffset, next);
    active = next;
    sealed.index.closeFile();
    return next;
  }

  private void publish(Segment seg, long position, long endOffset, long lastArrival) {
    seg.publishReadable(position);
    lastArrivalMillis = lastArrival;
    readableEnd = endOffset; // last: readers trust everything below it
  }

  /** Makes a forced append readable; false if the log discarded it meanwhile. Syncer only. */
  boolean acknowledge(PendingSync p) {
    lock.lock();
    try {
      if (closed || p.epoch() != epoch) {
        return false;
      }
      publish(p.end().segment(), p.end().position(), p.end().offset(), p.end().arrivalBefore());
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Cuts away an append whose sync failed, with every append after it; their futures fail. They
   * were never readable. Syncer only.
   */
  void discard(PendingSync p, Exception cause) {
    lock.lock();
    try {
      if (!closed && p.epoch() == epoch) {
        LOG.warn(
            "Discarding unsynced records of {} from offset {} to {}: {}",
            dir,
            p.start().offset(),
            nextOffset - 1,
            cause.toString());
        truncateTo(p.start());
      }
    } finally {
      lock.unlock();
    }
  }

  /** Cuts the log back to {@code mark}, moving to a new epoch. Under the lock. */
  private void truncateTo(PendingSync.Mark mark) {
    epoch++;
    while (active != mark.segment()) {
      Segment dropped = active;
      segments.remove(dropped.baseOffset);
      active = segments.lastEntry().getValue();
      try {
        dropped.delete();
      } catch (IOException e) {
        LOG.warn("Cannot delete {} after discarding its records: {}", dropped, e.toString());
      }
    }
    nextOffset = mark.offset();
    try {
      mark.segment().truncate(mark.position(), mark.offset(), mark.arrivalBefore());
    } catch (IOException e) {
      LOG.warn("Cannot cut {} back to {} yet; the next append tries again.", mark.segment(), mark);
    }
  }

  @Override
  public List<StoredRecord> read(long fromOffset, int maxRecords, long maxBytes) {
    if (maxRecords < 1 || maxBytes < 0) {
      throw new IllegalArgumentException(
          "maxRecords must be positive and maxBytes not negative: " + maxRecords + ", " + maxBytes);
    }
    while (true) {
      ensureOpen();
      long end = readableEnd;
      long from = Math.max(fromOffset, firstOffset);
      if (from >= end) {
        return List.of();
      }
      List<StoredRecord> out =
          new ArrayList<>((int) Math.min(maxRecords, Math.min(end - from, 1024)));
      try {
        new SegmentReader(segments, settings.indexIntervalBytes())
            .read(out, from, end, maxRecords, maxBytes);
        return out;
      } catch (Segment.GoneException e) {
        if (!out.isEmpty()) {
          return out;
        }
        // A trim deleted the segment under this read; start again from the new first offset.
      } catch (IOException e) {
        throw new StorageException("cannot read " + dir + ": " + e, e);
      }
    }
  }

  @Override
  public long offsetAt(long timestampMillis) {
    while (true) {
      ensureOpen();
      try {
        return new SegmentReader(segments, settings.indexIntervalBytes())
            .offsetAt(timestampMillis, readableEnd);
      } catch (Segment.GoneException e) {
        // A trim deleted a segment under the lookup; look again.
      } catch (IOException e) {
        throw new StorageException("cannot read " + dir + ": " + e, e);
      }
    }
  }

  @Override
  public long trimBefore(long cutoffMillis) {
    lock.lock();
    try {
      ensureOpen();
      while (!segments.isEmpty()) {
        Segment first = segments.firstEntry().getValue();
        // Unsynced records are not expired: they are not even readable yet.
        boolean expired =
            first.isEmpty()
                || (first.lastArrival() < cutoffMillis && first.nextOffset() <= readableEnd);
        if (!expired || (first == active && (first.isEmpty() || !writable))) {
          break;
        }
        if (first == active) {
          roll(); // an empty segment at the end keeps the offsets going; the old one can go
        }
        segments.remove(first.baseOffset);
        firstOffset = segments.firstKey();
        try {
          first.delete();
        } catch (IOException e) {
          LOG.warn("Cannot delete expired segment {}: {}", first, e.toString());
        }
      }
      return firstOffset;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void delete() {
    close();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new StorageException("cannot delete shard log " + dir + ": " + e, e);
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (writable && readableEnd < nextOffset) {
        // Appends still waiting for their sync fail, so they must not survive into a reopen.
        Segment seg = segments.floorEntry(readableEnd).getValue();
        long before = readableEnd == seg.baseOffset ? -1 : lastArrivalMillis;
        truncateTo(new PendingSync.Mark(seg, readableEnd, seg.readablePosition(), before));
      }
      if (writable && settings.syncPolicy() == SyncPolicy.INTERVAL) {
        // A sealed segment rolled within the last interval may still be dirty too.
        for (Segment s : segments.values()) {
          if (s.dirty.get() || s == active) {
            forceQuietly(s);
          }
        }
      }
      segments.values().forEach(Segment::close);
    } finally {
      lock.unlock();
    }
    syncer.forget(this);
  }

  private void forceQuietly(Segment seg) {
    try {
      seg.force();
    } catch (IOException e) {
      LOG.warn("Cannot sync {} while closing: {}", seg, e.toString());
    }
  }

  /** Returns the base offsets of the segments, oldest first; for tests. */
  List<Long> segmentBaseOffsets() {
    return List.copyOf(segments.keySet());
  }

  /** Returns the shard directory. */
  Path directory() {
    return dir;
  }

  @Override
  public String toString() {
    return "SegmentShardLog{" + dir + ", offsets " + firstOffset + ".." + nextOffset + "}";
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("shard log " + dir + " is closed", null);
    }
  }
}
