package io.kinesislite.engine.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Walks the frames of a segment from a frame boundary up to a limit, reading the file in large
 * positional reads so that it never moves the appender's file position. Reads, time lookups and
 * recovery all use it; it reports a torn or damaged frame instead of throwing, and each caller
 * decides what that means.
 *
 * <p>Not thread-safe; confined to the thread that made it.
 */
final class FrameCursor {
  /** What {@link #next} found. */
  enum Status {
    /** A whole frame; its fields are available until the next call. */
    FRAME,
    /** The limit, exactly at a frame boundary. */
    END,
    /** The file or the limit ends inside the frame. */
    TORN,
    /** The length field is out of range. */
    BAD_LENGTH,
    /** The body does not match its CRC. */
    BAD_CRC
  }

  private static final int MAX_BUFFER = 1024 * 1024;

  private final Segment segment;
  private final long limit;
  private final CRC32C crc = new CRC32C();
  private ByteBuffer buffer;
  private long bufferStart; // file position of buffer index 0
  private int buffered; // valid bytes in the buffer
  private long position; // file position of the next frame
  private long framePosition;
  private int bodyAt;
  private int bodyLength;

  /**
   * Starts at {@code start}, which must be a frame boundary, and stops at {@code limit}.
   *
   * @param initialBuffer bytes of the first read; later reads grow to 1 MiB, for a reader that
   *     turns out to want much
   */
  FrameCursor(Segment segment, long start, long limit, int initialBuffer) {
    this.segment = segment;
    this.limit = limit;
    this.position = start;
    this.bufferStart = start;
    this.buffer = ByteBuffer.allocate(Math.max(4096, Math.min(initialBuffer, MAX_BUFFER)));
  }

  /**
   * Moves to the next frame.
   *
   * @param verify whether to check the CRC; a reader skipping frames checks only those it keeps,
   *     with {@link #crcMatches()}
   */
  Status next(boolean verify) throws IOException {
    if (position == limit) {
      return Status.END;
    }
    framePosition = position;
    if (limit - position < RecordFrames.FRAME_HEADER_BYTES
        || !fill(RecordFrames.FRAME_HEADER_BYTES)) {
      return Status.TORN;
    }
    int at = (int) (position - bufferStart);
    int length = buffer.getInt(at);
    if (length < RecordFrames.BODY_FIXED_BYTES || length > RecordFrames.MAX_BODY_BYTES) {
      return Status.BAD_LENGTH;
    }
    int frameBytes = RecordFrames.FRAME_HEADER_BYTES + length;
    if (limit - position < frameBytes || !fill(frameBytes)) {
      return Status.TORN;
    }
    bodyAt = (int) (position - bufferStart) + RecordFrames.FRAME_HEADER_BYTES;
    bodyLength = length;
    if (verify && !crcMatches()) {
      return Status.BAD_CRC;
    }
    position += frameBytes;
    return Status.FRAME;
  }

  /** Returns whether the frame {@link #next} last returned matches its CRC. */
  boolean crcMatches() {
    int expected = buffer.getInt(bodyAt - 4);
    return RecordFrames.crcMatches(buffer, bodyAt, bodyLength, expected, crc);
  }

  /** Returns the position of the frame {@link #next} last looked at. */
  long framePosition() {
    return framePosition;
  }

  /** Returns the position just past the last whole frame. */
  long position() {
    return position;
  }

  long offset() {
    return buffer.getLong(bodyAt);
  }

  long arrivalMillis() {
    return buffer.getLong(bodyAt + 8);
  }

  int dataLength() {
    return RecordFrames.dataLength(buffer, bodyAt, bodyLength);
  }

  StoredRecord record() {
    return RecordFrames.decode(buffer, bodyAt, bodyLength);
  }

  /**
   * Makes sure the buffer holds {@code bytes} from {@link #position}; returns false if the file
   * ends first.
   */
  private boolean fill(int bytes) throws IOException {
    int at = (int) (position - bufferStart);
    if (at + bytes <= buffered) {
      return true;
    }
    // Keep what is left, at the front; a reader that needs to refill wants more, so grow.
    int kept = buffered - at;
    int capacity = buffer.capacity();
    int wanted = Math.max(bytes, Math.min(MAX_BUFFER, capacity * 2));
    if (wanted > capacity) {
      ByteBuffer bigger = ByteBuffer.allocate(wanted);
      System.arraycopy(buffer.array(), at, bigger.array(), 0, kept);
      buffer = bigger;
    } else {
      System.arraycopy(buffer.array(), at, buffer.array(), 0, kept);
    }
    bufferStart = position;
    buffered = kept;
    int end = (int) Math.min(buffer.capacity(), limit - bufferStart);
    while (buffered < bytes) {
      buffer.limit(end).position(buffered);
      int n = segment.read(buffer, bufferStart + buffered);
      if (n < 0) {
        return false;
      }
      buffered += n;
    }
    buffer.clear();
    return true;
  }
}
