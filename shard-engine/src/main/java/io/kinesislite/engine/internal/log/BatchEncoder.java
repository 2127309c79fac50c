package io.kinesislite.engine.internal.log;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes the records of one append into frames, ready for a single positional write, and notes the
 * index entries they call for; the index takes them only once the write succeeded.
 *
 * <p>Not thread-safe: one per appending thread ({@link #forThisThread()}), so that an engine with
 * hundreds of shards holds one buffer per request thread, not one per shard.
 */
final class BatchEncoder {
  private static final ThreadLocal<BatchEncoder> PER_THREAD =
      ThreadLocal.withInitial(BatchEncoder::new);

  /** Batches up to this size reuse the buffer; rare larger ones get their own. */
  private static final int KEPT_BUFFER_LIMIT = 8 * 1024 * 1024;

  private final CRC32C crc = new CRC32C();
  private ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
  private long[] entries = new long[3 * 64]; // offset, position, arrival
  private int entryCount;

  private BatchEncoder() {}

  static BatchEncoder forThisThread() {
    return PER_THREAD.get();
  }

  /**
   * Encodes {@code records}, whose keys and total frame size the caller measured, with offsets from
   * {@code startOffset} as if written at {@code startPosition}. An index entry goes to the first
   * record at least {@code interval} bytes past {@code lastIndexed} (-1: none yet), the same rule
   * recovery applies, so a rebuilt index equals the written one.
   *
   * @return the frames, from position 0 to the limit
   */
  ByteBuffer encode(
      List<NewRecord> records,
      byte[][] keys,
      int bytes,
      long startOffset,
      long startPosition,
      long lastIndexed,
      int interval) {
    ByteBuffer out = buffer(bytes);
    entryCount = 0;
    for (int i = 0; i < records.size(); i++) {
      NewRecord r = records.get(i);
      long position = startPosition + out.position();
      if (lastIndexed < 0 || position - lastIndexed >= interval) {
        addEntry(startOffset + i, position, r.arrivalMillis());
        lastIndexed = position;
      }
      RecordFrames.encode(out, startOffset + i, r, keys[i], crc);
    }
    return out.flip();
  }

  /** Adds the index entries of the last {@link #encode} to {@code index}. */
  void addEntriesTo(SegmentIndex index) {
    for (int i = 0; i < entryCount; i++) {
      index.add(entries[3 * i], entries[3 * i + 1], entries[3 * i + 2]);
    }
  }

  private ByteBuffer buffer(int bytes) {
    if (bytes > buffer.capacity()) {
      if (bytes > KEPT_BUFFER_LIMIT) {
        return ByteBuffer.allocateDirect(bytes);
      }
      int grown = Math.max(bytes, Math.min(KEPT_BUFFER_LIMIT, buffer.capacity() * 2));
      buffer = ByteBuffer.allocateDirect(grown);
    }
    return buffer.clear();
  }

  private void addEntry(long offset, long position, long arrivalMillis) {
    if (3 * entryCount + 3 > entries.length) {
      entries = Arrays.copyOf(entries, entries.length * 2);
    }
    entries[3 * entryCount] = offset;
    entries[3 * entryCount + 1] = position;
    entries[3 * entryCount + 2] = arrivalMillis;
    entryCount++;
  }
}
