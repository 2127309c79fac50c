package io.kinesislite.engine.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sparse index of one segment: an entry (offset, file position, arrival time) for its first
 * record and then for the first record at least {@code indexIntervalBytes} past the previous entry.
 * Reads by offset and by time start scanning at an entry, so they scan about that many bytes.
 *
 * <p>The entries live in memory and, append-only, in the segment's {@code .idx} file: a header,
 * then {@value #ENTRY_BYTES}-byte entries {@code [offset int64][position int64][arrivalMillis
 * int64][CRC32C of those 24 bytes]}. The file only spares recovery a scan of sealed segments: a
 * missing, short or damaged file is rebuilt from the segment, so writing it may fail without harm.
 *
 * <p>Thread-safe: the appender (under the log's lock) changes it; readers look up an immutable
 * snapshot published through a volatile field, so a lookup never blocks and never sees an entry
 * half-added.
 */
final class SegmentIndex {
  static final int ENTRY_BYTES = 28;

  private static final Logger LOG = LoggerFactory.getLogger(SegmentIndex.class);
  private static final Set<OpenOption> REWRITE =
      Set.of(
          StandardOpenOption.WRITE,
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING);

  /**
   * Entries {@code [0, count)}. The appender writes new entries past {@code count} into the same
   * arrays before it publishes a longer snapshot; no snapshot ever sees those slots change.
   */
  private static final class Snapshot {
    final long[] offsets;
    final long[] positions;
    final long[] arrivals;
    final int count;

    Snapshot(long[] offsets, long[] positions, long[] arrivals, int count) {
      this.offsets = offsets;
      this.positions = positions;
      this.arrivals = arrivals;
      this.count = count;
    }
  }

  final Path file;
  private final long baseOffset;
  private final SegmentFiles files;
  private volatile Snapshot snapshot = new Snapshot(new long[16], new long[16], new long[16], 0);

  // Appender state, guarded by the log's lock.
  private final CRC32C crc = new CRC32C();
  private int persisted;
  private FileChannel channel;
  private boolean fileAbandoned;
  private boolean wholeFileLoaded;

  SegmentIndex(Path file, long baseOffset, SegmentFiles files) {
    this.file = file;
    this.baseOffset = baseOffset;
    this.files = files;
  }

  int size() {
    return snapshot.count;
  }

  long offsetAt(int i) {
    return snapshot.offsets[i];
  }

  long positionAt(int i) {
    return snapshot.positions[i];
  }

  long arrivalAt(int i) {
    return snapshot.arrivals[i];
  }

  /** Returns the position of the newest entry, or -1 if there is none. */
  long lastPosition() {
    Snapshot s = snapshot;
    return s.count == 0 ? -1 : s.positions[s.count - 1];
  }

  /** Adds an entry past the newest one; the appender only. */
  void add(long offset, long position, long arrivalMillis) {
    Snapshot s = snapshot;
    int n = s.count;
    long[] o = s.offsets;
    long[] p = s.positions;
    long[] a = s.arrivals;
    if (n == o.length) {
      o = Arrays.copyOf(o, n * 2);
      p = Arrays.copyOf(p, n * 2);
      a = Arrays.copyOf(a, n * 2);
    }
    o[n] = offset;
    p[n] = position;
    a[n] = arrivalMillis;
    snapshot = new Snapshot(o, p, a, n + 1);
  }

  /** Drops the entries of offsets {@code offset} and later, in memory and in the file. */
  void truncate(long offset) {
    Snapshot s = snapshot;
    int keep = firstAtOrAfter(s, offset);
    if (keep == s.count) {
      return;
    }
    // Fresh arrays: an older snapshot may still read the slots that new entries will reuse.
    int capacity = Math.max(16, keep * 2);
    snapshot =
        new Snapshot(
            Arrays.copyOf(s.offsets, capacity),
            Arrays.copyOf(s.positions, capacity),
            Arrays.copyOf(s.arrivals, capacity),
            keep);
    if (persisted > keep && !fileAbandoned) {
      try {
        openFile().truncate(RecordFrames.HEADER_BYTES + (long) keep * ENTRY_BYTES);
        persisted = keep;
      } catch (IOException e) {
        abandonFile(e);
      }
    }
  }

  /**
   * Returns the position of the newest entry at or before {@code offset}: a frame boundary from
   * which a scan reaches it.
   */
  long floorPosition(long offset) {
    Snapshot s = snapshot;
    int i = firstAtOrAfter(s, offset + 1) - 1;
    return i < 0 ? RecordFrames.HEADER_BYTES : s.positions[i];
  }

  /**
   * Returns the position of the newest entry that arrived before {@code timestampMillis}, from
   * which a scan finds the first record at or after it (arrival times never decrease).
   */
  long floorPositionBefore(long timestampMillis) {
    Snapshot s = snapshot;
    int lo = 0;
    int hi = s.count;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (s.arrivals[mid] < timestampMillis) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 ? RecordFrames.HEADER_BYTES : s.positions[lo - 1];
  }

  /** Appends the entries not yet in the file; the appender only. Failure only costs a rebuild. */
  void persist() {
    Snapshot s = snapshot;
    if (fileAbandoned || persisted >= s.count) {
      return;
    }
    ByteBuffer b = ByteBuffer.allocate((s.count - persisted) * ENTRY_BYTES);
    for (int i = persisted; i < s.count; i++) {
      putEntry(b, s.offsets[i], s.positions[i], s.arrivals[i]);
    }
    b.flip();
    try {
      FileChannel c = openFile();
      long at = RecordFrames.HEADER_BYTES + (long) persisted * ENTRY_BYTES;
      while (b.hasRemaining()) {
        at += c.write(b, at);
      }
      persisted = s.count;
    } catch (IOException e) {
      abandonFile(e);
    }
  }

  /** Writes the whole file anew: the header and every entry. Failure only costs a rebuild. */
  void rewrite() {
    closeFile();
    fileAbandoned = false;
    Snapshot s = snapshot;
    ByteBuffer b = ByteBuffer.allocate(RecordFrames.HEADER_BYTES + s.count * ENTRY_BYTES);
    b.put(RecordFrames.header(RecordFrames.INDEX_MAGIC, baseOffset));
    for (int i = 0; i < s.count; i++) {
      putEntry(b, s.offsets[i], s.positions[i], s.arrivals[i]);
    }
    b.flip();
    try (FileChannel c = files.open(file, REWRITE)) {
      while (b.hasRemaining()) {
        c.write(b);
      }
      persisted = s.count;
    } catch (IOException e) {
      abandonFile(e);
    }
  }

  /**
   * Loads the entries from the file if it is sane: intact header and entries (a torn last entry is
   * left off), the first entry at the segment's first record, offsets and positions increasing,
   * positions inside the segment. Returns false, leaving the index empty, otherwise.
   */
  boolean load(long segmentSize) throws IOException {
    ByteBuffer b;
    try (FileChannel c = files.open(file, SegmentFiles.READ_ONLY)) {
      long size = c.size();
      if (size < RecordFrames.HEADER_BYTES || size > Integer.MAX_VALUE) {
        return false;
      }
      b = ByteBuffer.allocate((int) size);
      while (b.hasRemaining() && c.read(b, b.position()) >= 0) {
        // positional reads until full or end of file
      }
      b.flip();
    } catch (NoSuchFileException e) {
      return false;
    }
    if (!RecordFrames.isHeader(b, RecordFrames.INDEX_MAGIC, baseOffset)) {
      return false;
    }
    int n = (b.limit() - RecordFrames.HEADER_BYTES) / ENTRY_BYTES;
    long[] o = new long[Math.max(16, n)];
    long[] p = new long[o.length];
    long[] a = new long[o.length];
    for (int i = 0; i < n; i++) {
      int at = RecordFrames.HEADER_BYTES + i * ENTRY_BYTES;
      crc.reset();
      crc.update(b.array(), at, 24);
      o[i] = b.getLong(at);
      p[i] = b.getLong(at + 8);
      a[i] = b.getLong(at + 16);
      boolean sane =
          b.getInt(at + 24) == (int) crc.getValue()
              && (i == 0
                  ? o[0] == baseOffset && p[0] == RecordFrames.HEADER_BYTES
                  : o[i] > o[i - 1] && p[i] > p[i - 1] && a[i] >= a[i - 1])
              && p[i] < segmentSize;
      if (!sane) {
        return false;
      }
    }
    snapshot = new Snapshot(o, p, a, n);
    persisted = n;
    wholeFileLoaded = b.limit() == RecordFrames.HEADER_BYTES + n * ENTRY_BYTES;
    return true;
  }

  /** Returns whether {@link #load} used the whole file, without a torn entry at its end. */
  boolean loadedWholeFile() {
    return wholeFileLoaded;
  }

  /** Drops every entry in memory; the file stays until the next {@link #rewrite()}. */
  void clear() {
    snapshot = new Snapshot(new long[16], new long[16], new long[16], 0);
  }

  /** Closes the file; the next write reopens it. */
  void closeFile() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("Closing index {} failed.", file, e);
      }
      channel = null;
    }
  }

  /** Closes and deletes the file. */
  void deleteFile() throws IOException {
    closeFile();
    Files.deleteIfExists(file);
  }

  private FileChannel openFile() throws IOException {
    if (channel == null || !channel.isOpen()) {
      channel = files.open(file, SegmentFiles.READ_WRITE);
    }
    return channel;
  }

  private void abandonFile(IOException cause) {
    // A half-written entry would only be cut at the next load, but a stale entry after a truncation
    // could point into the middle of a frame; without the file, recovery rebuilds it by scanning.
    fileAbandoned = true;
    closeFile();
    try {
      Files.deleteIfExists(file);
      LOG.warn(
          "Cannot write index {}; deleted it, recovery will rebuild it: {}",
          file,
          cause.toString());
    } catch (IOException e) {
      LOG.warn(
          "Cannot write index {} ({}) nor delete it ({}); recovery will check it.",
          file,
          cause.toString(),
          e.toString());
    }
  }

  private void putEntry(ByteBuffer b, long offset, long position, long arrivalMillis) {
    int at = b.position();
    b.putLong(offset).putLong(position).putLong(arrivalMillis);
    crc.reset();
    crc.update(b.array(), b.arrayOffset() + at, 24);
    b.putInt((int) crc.getValue());
  }

  private static int firstAtOrAfter(Snapshot s, long offset) {
    int lo = 0;
    int hi = s.count;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (s.offsets[mid] < offset) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
