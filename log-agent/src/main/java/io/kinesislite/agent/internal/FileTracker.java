package io.kinesislite.agent.internal;

import io.kinesislite.agent.FlowConfig;
import io.kinesislite.agent.InitialPosition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one flow's set of tracked files in step with the disk, once per scan:
 *
 * <ul>
 *   <li>a file is known by device and inode, so a rename (rename-and-create rotation) keeps its
 *       position, and its open channel keeps it readable after it is renamed out of the patterns or
 *       deleted; it is let go only once read to its end, idle, and acknowledged;
 *   <li>a file whose content shrank or changed under its read offset (copytruncate) continues on
 *       the new file holding its old first bytes (the copy), at the same offset; the truncated
 *       original is then a new file from offset 0. Without a copy in sight for a few scans it is a
 *       plain truncation: the original is read again from its start, and the bytes that could not
 *       be read any more are reported lost;
 *   <li>a new path is a new file, unless the state file knew it (same inode and first bytes, or the
 *       same first bytes elsewhere: a copy made while the agent was down), in which case it resumes
 *       at the saved offset;
 *   <li>new files are read from their start; only at the very first start of a flow, without any
 *       saved state, do files present then start at their end when the flow says END_OF_FILE.
 * </ul>
 *
 * <p>Not thread-safe: the reader thread scans and reads; {@link #files()} gives the state saver a
 * snapshot.
 */
final class FileTracker {
  private static final Logger log = LoggerFactory.getLogger(FileTracker.class);

  /**
   * Scans a truncated file waits for its copy to appear, and a new file that starts as a tracked
   * file does waits, once it stopped growing, for that file's truncation.
   */
  static final int COPY_WAIT_SCANS = 3;

  private final FlowShipper shipper;
  private final FlowConfig flow;
  private final GlobScanner scanner;
  private final List<TrackedFile> files = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<StateFile.Entry> restored;
  private final Set<Path> unreadable = new HashSet<>();
  private final Map<Path, Candidate> candidates = new HashMap<>();
  private boolean firstScan = true;
  private final boolean hadState; // the state file had entries for this flow

  FileTracker(FlowShipper shipper, List<StateFile.Entry> restored) {
    this.shipper = shipper;
    this.flow = shipper.flow();
    this.scanner = new GlobScanner(flow.files(), flow.excludes(), flow.includeCompressed());
    this.restored = new java.util.concurrent.CopyOnWriteArrayList<>(restored);
    this.hadState = !restored.isEmpty();
    shipper.metrics().filesTracked(files, List::size);
  }

  /** The files tracked now, for reading and for the state file. */
  List<TrackedFile> files() {
    return files;
  }

  /**
   * The state file's entries for this flow: every tracked file's acknowledged offset, and the saved
   * entries no file matched yet (until the first scan has looked for them, a state saved meanwhile
   * must keep them, or a crash then would forget where those files were).
   */
  synchronized List<StateFile.Entry> stateEntries(long nowMillis) {
    List<StateFile.Entry> entries = new ArrayList<>(restored);
    for (TrackedFile f : files) {
      if (f.isReleased()) {
        continue;
      }
      FileIdentity id = f.identity();
      entries.add(
          new StateFile.Entry(
              flow.id(),
              f.pathString(),
              id.device(),
              id.inode(),
              id.fingerprint(),
              id.fingerprintLength(),
              f.watermark().acked(),
              f.size(),
              nowMillis));
    }
    return entries;
  }

  FlowShipper shipper() {
    return shipper;
  }

  /** Lists the patterns and brings the tracked files in step; see the class comment. */
  void scan(long rotatedGraceNanos) {
    List<Path> paths =
        scanner.scan(
            (path, reason) -> {
              if (unreadable.add(path)) {
                log.error("Flow {}: cannot list {}: {}", flow.id(), path, reason);
                shipper.metrics().error("unreadable");
              }
            });
    for (TrackedFile f : files) {
      f.seen(false);
    }
    List<Path> fresh = new ArrayList<>();
    for (Path path : paths) {
      long[] devIno;
      try {
        devIno = FileIdentity.deviceAndInode(path);
      } catch (IOException e) {
        continue; // gone between the listing and now
      }
      TrackedFile known = byInode(devIno[0], devIno[1]);
      if (known == null) {
        fresh.add(path);
        continue;
      }
      known.seen(true);
      known.renamedTo(path);
      try {
        known.checkTruncation();
      } catch (IOException e) {
        log.debug("Flow {}: cannot check {}: {}", flow.id(), path, e.toString());
      }
    }
    for (Path path : fresh) {
      admit(path);
    }
    for (TrackedFile f : new ArrayList<>(files)) {
      if (f.status() == TrackedFile.Status.TRUNCATED
          && f.truncatedScans() >= COPY_WAIT_SCANS
          && !f.isReleased()
          && candidates.values().stream().noneMatch(c -> c.original() == f)) {
        restartTruncated(f); // no copy in sight, not even one being written
      }
    }
    if (firstScan) {
      for (StateFile.Entry e : restored) {
        long lost = Math.max(0, e.size() - e.offset());
        log.error(
            "Flow {}: {} (inode {}) from the saved state is gone; {} bytes after offset {} were"
                + " never shipped",
            flow.id(),
            e.path(),
            e.inode(),
            lost,
            e.offset());
        shipper.metrics().bytesLost.increment(lost);
      }
      restored.clear();
      firstScan = false;
    }
    letGoOfFinished(rotatedGraceNanos);
  }

  private TrackedFile byInode(long device, long inode) {
    for (TrackedFile f : files) {
      if (f.identity().sameInode(device, inode) && !f.isReleased()) {
        return f;
      }
    }
    return null;
  }

  /** A new file that starts as a tracked file does: perhaps copytruncate's copy, being written. */
  private record Candidate(long size, int stableScans, TrackedFile original) {}

  // A path no tracked file has: a copy of a truncated file, a file the state knew, or a new one.
  private void admit(Path path) {
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (AccessDeniedException e) {
      if (unreadable.add(path)) {
        log.error("Flow {}: cannot read {}: permission denied; other files go on", flow.id(), path);
        shipper.metrics().error("unreadable");
      }
      return;
    } catch (IOException e) {
      return; // gone meanwhile
    }
    boolean kept = false;
    try {
      unreadable.remove(path);
      long size = channel.size();
      if (size == 0) {
        return; // nothing to read yet, and perhaps a copy about to be written: look again later
      }
      byte[] head = FileIdentity.head(channel);
      FileIdentity id = FileIdentity.of(path, head);
      TrackedFile original = copyOf(id, head);
      if (original != null) {
        Candidate before = candidates.get(path);
        int stable = before != null && before.size() == size ? before.stableScans() + 1 : 0;
        boolean truncated = original.status() == TrackedFile.Status.TRUNCATED;
        if (truncated && (size >= original.readOffset() || stable >= COPY_WAIT_SCANS)) {
          log.info(
              "Flow {}: {} was copied to {} and truncated; reading on in the copy at offset {}",
              flow.id(),
              original.pathString(),
              path,
              original.readOffset());
          original.movedTo(path, channel, id, head);
          original.seen(true);
          candidates.remove(path);
          kept = true;
          return;
        }
        if (stable < COPY_WAIT_SCANS || truncated) {
          // A copy still being written, or one whose original is about to be truncated.
          log.debug(
              "Flow {}: {} starts as {} does; waiting for a truncation",
              flow.id(),
              path,
              original.pathString());
          candidates.put(path, new Candidate(size, stable, original));
          return;
        }
        // Its original was never truncated and it stopped growing: a file of its own.
      }
      candidates.remove(path);
      StateFile.Entry saved = savedEntry(id, channel);
      long offset;
      if (saved != null) {
        offset = saved.offset();
        log.info("Flow {}: resuming {} at offset {}", flow.id(), path, offset);
      } else {
        offset =
            firstScan && noSavedState() && flow.initialPosition() == InitialPosition.END_OF_FILE
                ? endOfLastLine(channel)
                : 0;
      }
      TrackedFile tracked = new TrackedFile(shipper, path, id, head, channel, offset);
      synchronized (this) { // the state saver sees the file either saved or tracked, never neither
        files.add(tracked);
        if (saved != null) {
          restored.remove(saved);
        }
      }
      kept = true;
      log.debug(
          "Flow {}: tracking {} (inode {}, {} bytes) from offset {}",
          flow.id(),
          path,
          id.inode(),
          size,
          offset);
    } catch (IOException e) {
      log.warn("Flow {}: cannot open {}: {}", flow.id(), path, e.toString());
    } finally {
      if (!kept) {
        closeQuietly(channel);
      }
    }
  }

  private boolean noSavedState() {
    return !hadState;
  }

  // The tracked file, at another inode, whose first bytes this file's first bytes repeat.
  private TrackedFile copyOf(FileIdentity id, byte[] head) {
    for (TrackedFile f : files) {
      byte[] known = f.head();
      if (f.identity().sameInode(id.device(), id.inode()) || known.length == 0) {
        continue;
      }
      int n = Math.min(known.length, head.length);
      if (java.util.Arrays.equals(head, 0, n, known, 0, n)) {
        return f;
      }
    }
    return null;
  }

  // The saved entry for this file: same inode and content, else same content (a copy), if any.
  private StateFile.Entry savedEntry(FileIdentity id, FileChannel channel) throws IOException {
    StateFile.Entry byContent = null;
    for (StateFile.Entry e : restored) {
      FileIdentity saved = e.identity();
      boolean contentMatches = saved.contentMatches(channel) && channel.size() >= e.offset();
      if (!contentMatches) {
        continue;
      }
      if (saved.sameInode(id.device(), id.inode())) {
        return e;
      }
      if (byContent == null && saved.fingerprintLength() > 0) {
        byContent = e;
      }
    }
    return byContent;
  }

  // Plain truncation: the bytes past the new end are gone; the file is new from offset 0.
  private void restartTruncated(TrackedFile f) {
    long lost = Math.max(0, f.size() - f.readOffset());
    if (lost > 0) {
      log.error(
          "Flow {}: {} was truncated before {} bytes after offset {} could be read; reading it"
              + " again from its start",
          flow.id(),
          f.pathString(),
          lost,
          f.readOffset());
      shipper.metrics().bytesLost.increment(lost);
    } else {
      log.info(
          "Flow {}: {} was truncated; reading it again from its start", flow.id(), f.pathString());
    }
    try {
      FileChannel channel = f.channel();
      byte[] head = FileIdentity.head(channel);
      FileIdentity id = FileIdentity.of(f.path(), head);
      TrackedFile again = new TrackedFile(shipper, f.path(), id, head, channel, 0);
      synchronized (this) {
        files.remove(f);
        f.release(false);
        files.add(again);
      }
    } catch (IOException e) {
      log.warn("Flow {}: cannot reopen {}: {}", flow.id(), f.pathString(), e.toString());
      synchronized (this) {
        files.remove(f);
        f.release(true);
      }
    }
  }

  // Files no pattern matches any more (renamed away, deleted) go once read, idle and acknowledged.
  private void letGoOfFinished(long rotatedGraceNanos) {
    long now = System.nanoTime();
    for (TrackedFile f : new ArrayList<>(files)) {
      if (f.seen() || f.status() == TrackedFile.Status.TRUNCATED) {
        continue;
      }
      if (f.nanosSinceGrowth(now) < rotatedGraceNanos) {
        continue; // a writer may still append to the renamed file
      }
      try {
        if (f.hasPending()) {
          f.flush(true); // its last line never got a newline: ship it as it is
        }
        if (f.drained()) {
          files.remove(f);
          f.release(true);
          log.debug("Flow {}: let go of {}", flow.id(), f.pathString());
        }
      } catch (IOException e) {
        log.debug("Flow {}: cannot check {}: {}", flow.id(), f.pathString(), e.toString());
      }
    }
  }

  // Where END_OF_FILE starts: after the file's last newline, so no partial line is shipped.
  private static long endOfLastLine(FileChannel channel) throws IOException {
    long size = channel.size();
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    long end = size;
    while (end > 0 && size - end < 1024 * 1024) {
      long from = Math.max(0, end - buffer.capacity());
      buffer.clear().limit((int) (end - from));
      channel.read(buffer, from);
      for (int i = buffer.position() - 1; i >= 0; i--) {
        if (buffer.get(i) == '\n') {
          return from + i + 1;
        }
      }
      end = from;
    }
    return end == 0 ? 0 : size;
  }

  /** Stops tracking every file (the agent is closing). */
  void close() {
    for (TrackedFile f : files) {
      f.release(true);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
