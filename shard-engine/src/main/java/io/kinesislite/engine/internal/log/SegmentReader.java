package io.kinesislite.engine.internal.log;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Reads records and looks up times across the segments of a {@link SegmentShardLog}, never past
 * what the caller says is readable. Each segment is entered at the index entry at or before the
 * wanted record, so a lookup scans about {@code indexIntervalBytes}.
 *
 * <p>Not thread-safe; made for one call. It takes no lock: a segment deleted by a trim under it
 * makes the call fail with {@link Segment.GoneException}, which the log handles.
 */
final class SegmentReader {
  private static final int MIN_READ = 16 * 1024;
  private static final int MAX_READ = 1024 * 1024;

  private final ConcurrentSkipListMap<Long, Segment> segments;
  private final int indexIntervalBytes;

  SegmentReader(ConcurrentSkipListMap<Long, Segment> segments, int indexIntervalBytes) {
    this.segments = segments;
    this.indexIntervalBytes = indexIntervalBytes;
  }

  /**
   * Adds to {@code out} the records from {@code from} on, below {@code end}, at most {@code
   * maxRecords} and, after the first, at most {@code maxBytes} of data. A damaged record ends the
   * read: the records before it are returned, and the read that starts at it fails, so a reader
   * gets every whole record up to the damage and never one past it.
   *
   * @throws StorageException if the first record to read is damaged, naming its segment and
   *     position
   */
  void read(List<StoredRecord> out, long from, long end, int maxRecords, long maxBytes)
      throws IOException {
    Map.Entry<Long, Segment> entry = segments.floorEntry(from);
    if (entry == null) {
      entry = segments.firstEntry(); // a trim moved the first offset past from
    }
    long next = from;
    long bytes = 0;
    // A read that wants many records reads in large pieces from the start.
    int firstRead =
        (int) Math.min(MAX_READ, Math.max(MIN_READ, indexIntervalBytes + 512L * maxRecords));
    while (entry != null && next < end) {
      Segment seg = entry.getValue();
      long start = seg.index.floorPosition(next);
      long limit = seg.readablePosition();
      FrameCursor cursor =
          new FrameCursor(seg, start, limit, (int) Math.min(firstRead, limit - start));
      while (next < end) {
        FrameCursor.Status status = cursor.next(false);
        if (status == FrameCursor.Status.END) {
          break;
        }
        if (status != FrameCursor.Status.FRAME) {
          throwIfNothingRead(out, seg, cursor.framePosition(), status.toString());
          return;
        }
        long offset = cursor.offset();
        if (offset < next) {
          continue; // between the index entry and the wanted record
        }
        if (offset > next && out.isEmpty() && next == from && seg.baseOffset == offset) {
          next = offset; // the segment of from was trimmed; this is the new first record
        }
        if (offset != next) {
          throwIfNothingRead(
              out, seg, cursor.framePosition(), "offset " + offset + " where " + next + " belongs");
          return;
        }
        if (!cursor.crcMatches()) {
          throwIfNothingRead(out, seg, cursor.framePosition(), "CRC mismatch");
          return;
        }
        int length = cursor.dataLength();
        if (!out.isEmpty() && bytes + length > maxBytes) {
          return;
        }
        out.add(cursor.record());
        bytes += length;
        next++;
        if (out.size() >= maxRecords) {
          return;
        }
      }
      entry = segments.higherEntry(seg.baseOffset);
    }
  }

  /**
   * Returns the offset of the first record below {@code end} that arrived at or after {@code
   * timestampMillis}, or {@code end} if none did.
   */
  long offsetAt(long timestampMillis, long end) throws IOException {
    for (Segment seg : segments.values()) {
      if (seg.baseOffset >= end) {
        break;
      }
      // Arrival times never decrease, so the first segment whose newest record is late enough
      // holds the answer, unless that record is not readable yet.
      if (seg.isEmpty() || seg.lastArrival() < timestampMillis) {
        continue;
      }
      long start = seg.index.floorPositionBefore(timestampMillis);
      FrameCursor cursor = new FrameCursor(seg, start, seg.readablePosition(), MIN_READ);
      while (true) {
        FrameCursor.Status status = cursor.next(false);
        if (status == FrameCursor.Status.END) {
          return end;
        }
        if (status != FrameCursor.Status.FRAME) {
          throw damaged(seg, cursor.framePosition(), status.toString());
        }
        if (cursor.arrivalMillis() >= timestampMillis) {
          return Math.min(cursor.offset(), end);
        }
      }
    }
    return end;
  }

  // Records read before the damage are returned; the next read, which starts at it, fails.
  private static void throwIfNothingRead(
      List<StoredRecord> out, Segment seg, long position, String what) {
    if (out.isEmpty()) {
      throw damaged(seg, position, what);
    }
  }

  private static StorageException damaged(Segment seg, long position, String what) {
    return new StorageException(
        "damaged record in " + seg + " at position " + position + ": " + what, null);
  }
}
