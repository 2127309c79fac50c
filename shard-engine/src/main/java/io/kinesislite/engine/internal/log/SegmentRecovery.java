package io.kinesislite.engine.internal.log;

import io.kinesislite.engine.SyncPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the segments of a shard directory after a clean shutdown or a crash and brings them to a
 * state where every record in them is whole, checked and gapless.
 *
 * <ul>
 *   <li>The last segment is scanned frame by frame and cut at the first torn or damaged frame
 *       (short, length out of range, CRC mismatch, or not the expected next offset): that is where
 *       a crash stopped a write. Its index is rebuilt from the scan.
 *   <li>Earlier, sealed segments use their index file if it is sane and scan only past its last
 *       entry; otherwise they are scanned whole. A sealed segment damaged before its end (possible
 *       after a power loss under INTERVAL or NEVER) is cut there like the last one, and the
 *       segments after it, which no longer follow without a gap, are renamed to {@code
 *       *.seg.damaged} for inspection and no longer used.
 * </ul>
 *
 * Each cut or set-aside file is logged in one warning. On a read-only directory nothing is changed
 * on disk; the log only ignores what it would have cut.
 *
 * <p>Not thread-safe; runs once in {@link SegmentShardLog#open} before the log is shared.
 */
final class SegmentRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentRecovery.class);
  private static final Pattern SEGMENT = Pattern.compile("(\\d{20})\\.seg");
  private static final Pattern INDEX = Pattern.compile("(\\d{20})\\.idx");
  private static final int SCAN_BUFFER = 1024 * 1024;

  /** What a scan found: whole frames up to {@code end}, and why it stopped if not at the end. */
  private static final class Scan {
    long end;
    long nextOffset;
    long firstArrival = -1;
    long lastArrival = -1;
    int frames;
    boolean indexGrew;
    String problem;
  }

  private final Path dir;
  private final SegmentFiles files;
  private final boolean writable;
  private final int indexIntervalBytes;

  private SegmentRecovery(Path dir, SegmentFiles files, boolean writable, int indexIntervalBytes) {
    this.dir = dir;
    this.files = files;
    this.writable = writable;
    this.indexIntervalBytes = indexIntervalBytes;
  }

  /**
   * What {@link #open} found.
   *
   * @param segments the usable segments in offset order; none only in a read-only directory
   * @param writable whether the directory accepts writes
   */
  record Opened(List<Segment> segments, boolean writable) {}

  /**
   * Creates the shard directory or recovers the segments in it. Recovered records become readable
   * at once, so unless the policy is NEVER they are forced to disk first.
   *
   * @throws StorageException if the directory cannot be created or read
   */
  static Opened open(Path dir, LogSettings settings, SegmentFiles files) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      if (!Files.isDirectory(dir)) {
        throw new StorageException("cannot create shard directory " + dir + ": " + e, e);
      }
    }
    boolean writable = Files.isWritable(dir);
    if (!writable) {
      LOG.warn("Shard directory {} is read-only: its log serves reads and fails appends.", dir);
    }
    try {
      List<Segment> segments = recover(dir, files, writable, settings.indexIntervalBytes());
      if (writable && settings.syncPolicy() != SyncPolicy.NEVER) {
        // Every segment, not only the last: after a crash under INTERVAL an earlier segment's
        // tail may still sit unsynced in the page cache, and it becomes readable now.
        for (Segment segment : segments) {
          segment.force();
        }
        files.syncDirectory(dir);
      }
      return new Opened(segments, writable);
    } catch (IOException e) {
      throw new StorageException("cannot open shard log " + dir + ": " + e, e);
    }
  }

  /**
   * Returns the usable segments of {@code dir} in offset order, each restored; if the directory
   * holds none and is writable, one new segment at offset 0.
   */
  static List<Segment> recover(Path dir, SegmentFiles files, boolean writable, int indexInterval)
      throws IOException {
    return new SegmentRecovery(dir, files, writable, indexInterval).run();
  }

  private List<Segment> run() throws IOException {
    List<Long> bases = new ArrayList<>(listSegments());
    List<Segment> result = new ArrayList<>();
    try {
      for (int i = 0; i < bases.size(); i++) {
        long base = bases.get(i);
        boolean last = i == bases.size() - 1;
        if (!result.isEmpty()) {
          Segment previous = result.get(result.size() - 1);
          if (previous.nextOffset() != base) {
            setAside(
                bases.subList(i, bases.size()),
                "it does not follow "
                    + previous
                    + ", which ends before offset "
                    + previous.nextOffset());
            break;
          }
        }
        Segment s = Segment.open(dir, base, files, writable);
        result.add(s);
        if (!recoverSegment(s, last) && !last) {
          setAside(
              bases.subList(i + 1, bases.size()),
              "the segment before it, "
                  + s
                  + ", was damaged and cut before offset "
                  + s.nextOffset());
          break;
        }
      }
      if (result.isEmpty() && writable) {
        result.add(Segment.create(dir, 0, files));
      }
      return result;
    } catch (IOException | RuntimeException e) {
      result.forEach(Segment::close);
      throw e;
    }
  }

  /** Restores one segment; returns false if it had to be cut before its end. */
  private boolean recoverSegment(Segment s, boolean last) throws IOException {
    long fileSize = s.fileSize();
    ByteBuffer header = ByteBuffer.allocate(RecordFrames.HEADER_BYTES);
    while (header.hasRemaining() && s.read(header, header.position()) >= 0) {
      // positional reads until full or end of file
    }
    header.flip();
    if (!RecordFrames.isHeader(header, RecordFrames.SEGMENT_MAGIC, s.baseOffset)) {
      resetToEmpty(s, fileSize);
      return false;
    }
    if (!last && s.index.load(fileSize)) {
      int lastEntry = s.index.size() - 1;
      Scan scan = scan(s, s.index.positionAt(lastEntry), fileSize, s.index.offsetAt(lastEntry));
      if (scan.frames > 0) {
        // The newest entry leads to its record, so the entries are trusted; the first record is
        // always indexed, which gives the segment's first arrival.
        scan.firstArrival = s.index.arrivalAt(0);
        return finish(s, scan, fileSize, scan.indexGrew || !s.index.loadedWholeFile());
      }
      s.index.clear();
    }
    return finish(s, scan(s, RecordFrames.HEADER_BYTES, fileSize, s.baseOffset), fileSize, true);
  }

  private Scan scan(Segment s, long from, long fileSize, long firstOffset) throws IOException {
    Scan scan = new Scan();
    scan.end = from;
    scan.nextOffset = firstOffset;
    long lastIndexed = s.index.lastPosition();
    FrameCursor cursor = new FrameCursor(s, from, fileSize, SCAN_BUFFER);
    while (true) {
      FrameCursor.Status status = cursor.next(true);
      if (status == FrameCursor.Status.END) {
        return scan;
      }
      if (status != FrameCursor.Status.FRAME) {
        scan.problem = describe(status);
        return scan;
      }
      if (cursor.offset() != scan.nextOffset) {
        scan.problem =
            "the record there has offset " + cursor.offset() + ", not " + scan.nextOffset;
        return scan;
      }
      long position = cursor.framePosition();
      long arrival = cursor.arrivalMillis();
      // The same rule as SegmentShardLog.append, so a rebuilt index equals the one written.
      if (lastIndexed < 0 || position - lastIndexed >= indexIntervalBytes) {
        s.index.add(scan.nextOffset, position, arrival);
        lastIndexed = position;
        scan.indexGrew = true;
      }
      if (scan.firstArrival < 0) {
        scan.firstArrival = arrival;
      }
      scan.lastArrival = arrival;
      scan.nextOffset++;
      scan.frames++;
      scan.end = cursor.position();
    }
  }

  private boolean finish(Segment s, Scan scan, long fileSize, boolean rewriteIndex) {
    s.restore(scan.end, scan.nextOffset, scan.firstArrival, scan.lastArrival);
    if (scan.problem != null) {
      cut(s, scan.end, scan.nextOffset, scan.lastArrival, fileSize, scan.problem);
    }
    if (writable && (rewriteIndex || scan.problem != null)) {
      s.index.rewrite();
    }
    return scan.problem == null;
  }

  private void resetToEmpty(Segment s, long fileSize) throws IOException {
    s.restore(RecordFrames.HEADER_BYTES, s.baseOffset, -1, -1);
    s.index.clear();
    if (!writable) {
      LOG.warn(
          "Recovery ignores {} ({} bytes, read-only): its header is missing or damaged.",
          s,
          fileSize);
      return;
    }
    LOG.warn(
        "Recovery truncated {} at position 0, dropping {} bytes: its header is missing or damaged.",
        s,
        fileSize);
    s.truncate(0, s.baseOffset, -1);
    s.write(RecordFrames.header(RecordFrames.SEGMENT_MAGIC, s.baseOffset), 0);
    s.restore(RecordFrames.HEADER_BYTES, s.baseOffset, -1, -1);
    s.index.rewrite();
  }

  private void cut(Segment s, long at, long nextOffset, long lastArrival, long size, String why) {
    if (!writable) {
      LOG.warn(
          "Recovery ignores {} from position {} on ({} bytes, read-only): {}.",
          s,
          at,
          size - at,
          why);
      return;
    }
    LOG.warn("Recovery truncated {} at position {}, dropping {} bytes: {}.", s, at, size - at, why);
    try {
      s.truncate(at, nextOffset, lastArrival);
    } catch (IOException e) {
      // The segment remembers to cut the file before its next write.
      LOG.warn("Cannot truncate {} yet: {}", s, e.toString());
    }
  }

  private void setAside(List<Long> bases, String why) throws IOException {
    for (long base : bases) {
      Path seg = dir.resolve(String.format("%020d.seg", base));
      long size = Files.size(seg);
      if (!writable) {
        LOG.warn("Recovery ignores {} ({} bytes, read-only): {}.", seg, size, why);
        continue;
      }
      Path aside = seg.resolveSibling(seg.getFileName() + ".damaged");
      Files.move(seg, aside, StandardCopyOption.REPLACE_EXISTING);
      Files.deleteIfExists(dir.resolve(String.format("%020d.idx", base)));
      LOG.warn("Recovery set aside {} ({} bytes) as {}: {}.", seg, size, aside.getFileName(), why);
    }
  }

  /** Returns the base offsets of the segment files, in order; deletes index files without one. */
  private Set<Long> listSegments() throws IOException {
    TreeMap<Long, Path> segments = new TreeMap<>();
    Set<Long> indexes = new HashSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        Matcher m = SEGMENT.matcher(name);
        try {
          if (m.matches()) {
            segments.put(Long.parseLong(m.group(1)), p);
          } else if ((m = INDEX.matcher(name)).matches()) {
            indexes.add(Long.parseLong(m.group(1)));
          }
        } catch (NumberFormatException e) {
          LOG.warn("Recovery ignores {}: its name is past the largest offset.", p);
        }
      }
    }
    if (writable) {
      for (long base : indexes) {
        if (!segments.containsKey(base)) {
          Files.deleteIfExists(dir.resolve(String.format("%020d.idx", base)));
        }
      }
    }
    return segments.keySet();
  }

  private static String describe(FrameCursor.Status status) {
    switch (status) {
      case TORN:
        return "the file ends inside the record there";
      case BAD_LENGTH:
        return "the record there has a length out of range";
      case BAD_CRC:
        return "the record there does not match its CRC";
      default:
        return status.toString();
    }
  }
}
