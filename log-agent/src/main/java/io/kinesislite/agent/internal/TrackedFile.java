package io.kinesislite.agent.internal;

import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One file a flow tails: an open channel (which keeps a renamed or deleted file readable), the
 * offset read up to, the framer holding any partial record, and the watermark of what the stream
 * acknowledged. A copytruncate rotation moves it, offsets and all, onto the copy.
 *
 * <p>Not thread-safe, except {@link #watermark()}, {@link #pathString()}, {@link #identity()},
 * {@link #size()} and {@link #isReleased()}, which the state saver and metrics read: the reader
 * thread owns the rest.
 */
final class TrackedFile implements RecordFramer.Sink {
  /** Where the file stands. */
  enum Status {
    /** Being read. */
    READING,
    /** Its content shrank or changed under the read offset: waiting to find where it went. */
    TRUNCATED,
    /** A footer line ended it: nothing more is read. */
    ENDED
  }

  private final FlowShipper shipper;
  private volatile Path path;
  private volatile FileIdentity identity;
  private byte[] head; // the content's first bytes, as fingerprinted: finds its copies
  private FileChannel channel;
  private final RecordFramer framer;
  private final Watermark watermark;
  private volatile long size;
  private volatile boolean released;
  private Status status = Status.READING;
  private long lastGrowthNanos;
  private boolean seen = true; // found at a matching path by the last scan
  private int truncatedScans; // scans since the truncation was seen
  private Gauge behindGauge;

  TrackedFile(
      FlowShipper shipper,
      Path path,
      FileIdentity identity,
      byte[] head,
      FileChannel channel,
      long offset)
      throws IOException {
    this.shipper = shipper;
    this.path = path;
    this.identity = identity;
    this.head = head;
    this.channel = channel;
    this.framer = new RecordFramer(shipper.flow(), offset);
    this.watermark = new Watermark(offset);
    this.size = channel.size();
    this.lastGrowthNanos = System.nanoTime();
    this.behindGauge = registerBehind();
  }

  Path path() {
    return path;
  }

  String pathString() {
    return path.toString();
  }

  FileIdentity identity() {
    return identity;
  }

  Watermark watermark() {
    return watermark;
  }

  long size() {
    return size;
  }

  long readOffset() {
    return framer.consumed();
  }

  Status status() {
    return status;
  }

  boolean isReleased() {
    return released;
  }

  FlowShipper shipper() {
    return shipper;
  }

  boolean seen() {
    return seen;
  }

  void seen(boolean seen) {
    this.seen = seen;
  }

  int truncatedScans() {
    return truncatedScans;
  }

  void renamedTo(Path newPath) {
    if (!newPath.equals(path)) {
      path = newPath;
      shipper.metrics().remove(behindGauge);
      behindGauge = registerBehind();
    }
  }

  private Gauge registerBehind() {
    return shipper
        .metrics()
        .bytesBehind(
            path.toString(), identity.inode(), () -> Math.max(0, size - watermark.acked()));
  }

  /**
   * Reads up to {@code buffer}'s capacity at the read offset and frames it; returns the bytes read.
   * Finds truncation first: a file shorter than the read offset, or whose first bytes changed, is
   * not read until the scan decides where its content went.
   */
  int read(ByteBuffer buffer) throws IOException {
    if (status != Status.READING) {
      return 0;
    }
    long current = channel.size();
    long offset = framer.consumed();
    if (current < offset
        || (identity.fingerprintLength() > 0
            && current > offset
            && !identity.contentMatches(channel))) {
      status = Status.TRUNCATED;
      truncatedScans = 0;
      return 0;
    }
    size = current;
    if (current == offset) {
      return 0;
    }
    buffer.clear();
    int n = channel.read(buffer, offset);
    if (n <= 0) {
      return 0;
    }
    if (identity.fingerprintLength() > 0 && !identity.contentMatches(channel)) {
      // Truncated and written again while this read ran: what was read may be new content at an
      // old offset. Drop it; the scan finds where the old content went.
      status = Status.TRUNCATED;
      truncatedScans = 0;
      return 0;
    }
    buffer.flip();
    framer.feed(buffer, this);
    lastGrowthNanos = System.nanoTime();
    if (identity.fingerprintLength() < FileIdentity.FINGERPRINT_BYTES) {
      byte[] now = FileIdentity.head(channel);
      FileIdentity longer = identity.extended(now);
      if (longer != identity) {
        identity = longer;
        head = now;
      }
    }
    return n;
  }

  /** Checks, at a scan, whether the content changed under the read offset. */
  void checkTruncation() throws IOException {
    if (status == Status.TRUNCATED) {
      truncatedScans++;
      return;
    }
    if (status == Status.READING) {
      long current = channel.size();
      if (current < framer.consumed() || !identity.contentMatches(channel)) {
        status = Status.TRUNCATED;
        truncatedScans = 0;
      }
    }
  }

  /** Whether the framer holds bytes that no record carries yet. */
  boolean hasPending() {
    return framer.hasPending();
  }

  long nanosSinceGrowth(long now) {
    return now - lastGrowthNanos;
  }

  /** Emits a multi-line record waiting for more lines, or with {@code partialLine} a last line. */
  void flush(boolean partialLine) {
    framer.flush(this, partialLine);
  }

  /** Whether everything read is acknowledged, and the file read to its current end. */
  boolean drained() throws IOException {
    return !framer.hasPending()
        && watermark.acked() == framer.consumed()
        && (status == Status.ENDED || framer.consumed() >= channel.size());
  }

  /** The content's first bytes, as far as they are fingerprinted. */
  byte[] head() {
    return head;
  }

  /**
   * Continues on {@code copy}, which holds this file's content (copytruncate): from the read offset
   * on, or, when the copy ends before it (lines written between the copy and the truncation were
   * read here first), with nothing more to read.
   */
  void movedTo(Path copyPath, FileChannel copy, FileIdentity copyIdentity, byte[] copyHead)
      throws IOException {
    FileChannel old = channel;
    channel = copy;
    identity = copyIdentity;
    head = copyHead;
    path = copyPath;
    status = copy.size() >= framer.consumed() ? Status.READING : Status.ENDED;
    size = copy.size();
    old.close();
    shipper.metrics().remove(behindGauge);
    behindGauge = registerBehind();
  }

  /** Returns the channel, for handing a truncated file's inode to a new logical file. */
  FileChannel channel() {
    return channel;
  }

  /** Stops tracking: records still in flight complete without effect; the gauge goes. */
  void release(boolean closeChannel) {
    released = true;
    shipper.metrics().remove(behindGauge);
    if (closeChannel) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing a read-only channel: nothing to lose
      }
    }
  }

  @Override
  public void record(byte[] data, long start, long end, boolean truncated) {
    shipper.ship(this, data, start, end, truncated);
  }

  @Override
  public void skipped(long end) {
    watermark.skip(end);
  }

  @Override
  public void footer(long end) {
    watermark.skip(end);
    status = Status.ENDED;
  }
}
