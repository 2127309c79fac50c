package io.kinesislite.engine.internal.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An in-memory {@link ShardLog} with the semantics of {@link SegmentShardLog}: records live in
 * chunks of up to {@value #CHUNK_RECORDS} records that also roll when their first record is older
 * than the segment age, and retention drops whole chunks. Records are readable at once; the sync
 * policy does not apply.
 *
 * <p>Appends store each record once, without copying its data, and publish a batch with one
 * volatile write; reads take no lock and return the stored record objects, often as a view of a
 * chunk.
 *
 * <p>Thread-safe: appends and trims hold a private lock (once per batch); reads see records below
 * {@link #readableEnd()}, a volatile written after the records it covers.
 */
public final class MemoryShardLog implements ShardLog {
  /** Records per chunk, the unit retention drops. */
  static final int CHUNK_RECORDS = 4096;

  /** A run of records; slots below the log's readable end never change. */
  private static final class Chunk {
    final long baseOffset;
    final StoredRecord[] records;
    final long firstArrival;
    int count; // appender only; readers go by the log's readable end
    volatile long lastArrival;

    Chunk(long baseOffset, int capacity, long firstArrival) {
      this.baseOffset = baseOffset;
      this.records = new StoredRecord[capacity];
      this.firstArrival = firstArrival;
    }
  }

  private final LogSettings settings;
  private final int chunkRecords;
  private final Object lock = new Object();
  private final ConcurrentSkipListMap<Long, Chunk> chunks = new ConcurrentSkipListMap<>();
  private volatile long firstOffset;
  private volatile long readableEnd;
  private volatile long lastArrivalMillis = -1;
  private volatile boolean closed;

  // Guarded by lock. Null until the first append and after a trim of everything.
  private Chunk active;

  public MemoryShardLog(LogSettings settings) {
    this(settings, CHUNK_RECORDS);
  }

  MemoryShardLog(LogSettings settings, int chunkRecords) {
    this.settings = Objects.requireNonNull(settings, "settings == null");
    this.chunkRecords = chunkRecords;
  }

  @Override
  public long firstOffset() {
    return firstOffset;
  }

  @Override
  public long nextOffset() {
    return readableEnd; // everything appended is readable at once
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
    for (NewRecord r : records) {
      // The same limits as the file format, so that both logs accept the same records.
      RecordFrames.keyBytes(Objects.requireNonNull(r, "records[i] == null"));
    }
    synchronized (lock) {
      ensureOpen();
      long first = readableEnd;
      if (records.isEmpty()) {
        return new Appended(first, CompletableFuture.completedFuture(null));
      }
      checkArrivals(records);
      long offset = first;
      Chunk chunk = active;
      if (chunk != null && chunk.count > 0 && isOld(chunk)) {
        chunk = null;
      }
      long last = -1;
      boolean wroteToChunk = false;
      for (NewRecord r : records) {
        if (chunk == null || chunk.count == chunk.records.length) {
          if (wroteToChunk) {
            chunk.lastArrival = last;
          }
          wroteToChunk = true;
          chunk = new Chunk(offset, chunkRecords, r.arrivalMillis());
          chunks.put(offset, chunk);
          active = chunk;
        }
        last = r.arrivalMillis();
        wroteToChunk = true;
        chunk.records[chunk.count++] =
            new StoredRecord(offset++, last, r.partitionKey(), r.explicitHashKey(), r.data());
      }
      chunk.lastArrival = last; // one volatile write per chunk, not per record
      lastArrivalMillis = last;
      readableEnd = offset; // last: readers trust everything below it
      return new Appended(first, CompletableFuture.completedFuture(null));
    }
  }

  private boolean isOld(Chunk chunk) {
    return settings.clock().millis() - chunk.firstArrival >= settings.segmentMaxAge().toMillis();
  }

  private void checkArrivals(List<NewRecord> records) {
    long previous = lastArrivalMillis;
    for (NewRecord r : records) {
      if (r.arrivalMillis() < previous) {
        throw new IllegalArgumentException(
            "arrivalMillis must not decrease: " + r.arrivalMillis() + " after " + previous);
      }
      previous = r.arrivalMillis();
    }
  }

  @Override
  public List<StoredRecord> read(long fromOffset, int maxRecords, long maxBytes) {
    if (maxRecords < 1 || maxBytes < 0) {
      throw new IllegalArgumentException(
          "maxRecords must be positive and maxBytes not negative: " + maxRecords + ", " + maxBytes);
    }
    ensureOpen();
    long end = readableEnd;
    long from = Math.max(fromOffset, firstOffset);
    if (from >= end) {
      return List.of();
    }
    Map.Entry<Long, Chunk> entry = chunks.floorEntry(from);
    if (entry == null) {
      entry = chunks.firstEntry(); // a trim moved the first offset past from
      if (entry == null) {
        return List.of(); // a trim dropped everything while we looked
      }
      from = entry.getKey();
    }
    long limit = Math.min(end, from + maxRecords);
    List<StoredRecord> out = null;
    long bytes = 0;
    long next = from;
    while (entry != null && next < limit) {
      Chunk c = entry.getValue();
      Map.Entry<Long, Chunk> after = chunks.higherEntry(c.baseOffset);
      long chunkEnd = Math.min(limit, end(c, after));
      int start = (int) (next - c.baseOffset);
      int stop = (int) (chunkEnd - c.baseOffset);
      int i = start;
      for (; i < stop; i++) {
        int length = c.records[i].data().length;
        if (bytes + length > maxBytes && (next > from || i > start)) {
          break; // over the byte limit, and not the first record
        }
        bytes += length;
      }
      List<StoredRecord> taken = Arrays.asList(c.records).subList(start, i);
      if (out == null && (i < stop || chunkEnd >= limit)) {
        // The common case: all from one chunk, returned as a view without copying.
        return Collections.unmodifiableList(taken);
      }
      if (out == null) {
        out = new ArrayList<>((int) Math.min(limit - from, 16 * 1024));
      }
      out.addAll(taken);
      next += i - start;
      if (i < stop) {
        break;
      }
      entry = after;
    }
    return out == null ? List.of() : Collections.unmodifiableList(out);
  }

  /**
   * Returns one past the last offset {@code c} may hold: a chunk rolled by age before it was full
   * ends where the next begins. Readers cannot use {@code count}, which is not volatile.
   */
  private static long end(Chunk c, Map.Entry<Long, Chunk> after) {
    return after == null ? c.baseOffset + c.records.length : after.getKey();
  }

  @Override
  public long offsetAt(long timestampMillis) {
    ensureOpen();
    long end = readableEnd;
    for (Map.Entry<Long, Chunk> e = chunks.firstEntry(); e != null; ) {
      Chunk c = e.getValue();
      e = chunks.higherEntry(c.baseOffset);
      if (c.baseOffset >= end) {
        break;
      }
      if (c.lastArrival < timestampMillis) {
        continue; // arrival times never decrease: the answer is in a later chunk
      }
      int lo = 0;
      int hi = (int) (Math.min(end, end(c, e)) - c.baseOffset);
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (c.records[mid].arrivalMillis() < timestampMillis) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return c.baseOffset + lo;
    }
    return end;
  }

  @Override
  public long trimBefore(long cutoffMillis) {
    synchronized (lock) {
      ensureOpen();
      for (Chunk c = first(); c != null && c.lastArrival < cutoffMillis; c = first()) {
        chunks.remove(c.baseOffset);
        if (c == active) {
          active = null; // the next append starts a chunk at the next offset
        }
        firstOffset = chunks.isEmpty() ? readableEnd : chunks.firstKey();
      }
      return firstOffset;
    }
  }

  private Chunk first() {
    Map.Entry<Long, Chunk> e = chunks.firstEntry();
    return e == null ? null : e.getValue();
  }

  @Override
  public void delete() {
    close();
    synchronized (lock) {
      chunks.clear();
      active = null;
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Returns the base offsets of the chunks, oldest first; for tests. */
  List<Long> segmentBaseOffsets() {
    return List.copyOf(chunks.keySet());
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("in-memory shard log is closed", null);
    }
  }

  @Override
  public String toString() {
    return "MemoryShardLog{offsets " + firstOffset + ".." + readableEnd + "}";
  }
}
