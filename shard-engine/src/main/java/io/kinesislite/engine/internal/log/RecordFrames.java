package io.kinesislite.engine.internal.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The on-disk format of a segment: file headers and record frames.
 *
 * <p>A segment file starts with a {@value #HEADER_BYTES}-byte header (magic, format version, base
 * offset, all big-endian), followed by frames {@code [int32 body length][int32 CRC32C of
 * body][body]}. A body is {@code offset int64, arrivalMillis int64, partition key (uint16 length +
 * UTF-8), explicit hash key (uint8 length + ASCII decimal, length 0 = none), data (the rest)}. The
 * index file has the same header with its own magic.
 *
 * <p>Thread-safe: stateless.
 */
final class RecordFrames {
  /** Length and CRC in front of each body. */
  static final int FRAME_HEADER_BYTES = 8;

  /** Offset, arrival time, key length and hash key length: the body of a record with no bytes. */
  static final int BODY_FIXED_BYTES = 8 + 8 + 2 + 1;

  static final int MAX_KEY_BYTES = 0xFFFF;
  static final int MAX_HASH_KEY_CHARS = 0xFF;

  /**
   * The largest data a frame may hold. Kinesis allows at most 10 MiB; the bound only serves to
   * recognise a garbled length during recovery, so it leaves room.
   */
  static final int MAX_DATA_BYTES = 64 * 1024 * 1024;

  static final int MAX_BODY_BYTES =
      BODY_FIXED_BYTES + MAX_KEY_BYTES + MAX_HASH_KEY_CHARS + MAX_DATA_BYTES;

  static final int SEGMENT_MAGIC = 0x4B4C5347; // "KLSG"
  static final int INDEX_MAGIC = 0x4B4C5349; // "KLSI"
  static final int FORMAT_VERSION = 1;
  static final int HEADER_BYTES = 16;

  private RecordFrames() {}

  /** Returns a file header, ready to write. */
  static ByteBuffer header(int magic, long baseOffset) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
    b.putInt(magic).putInt(FORMAT_VERSION).putLong(baseOffset).flip();
    return b;
  }

  /** Returns whether {@code b}, from its position, holds the expected header. */
  static boolean isHeader(ByteBuffer b, int magic, long baseOffset) {
    int p = b.position();
    return b.remaining() >= HEADER_BYTES
        && b.getInt(p) == magic
        && b.getInt(p + 4) == FORMAT_VERSION
        && b.getLong(p + 8) == baseOffset;
  }

  /**
   * Checks a record against the format's limits and returns its partition key in UTF-8.
   *
   * @throws IllegalArgumentException if the key, hash key or data do not fit the format
   */
  static byte[] keyBytes(NewRecord r) {
    String key = r.partitionKey();
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "partitionKey must be at most " + MAX_KEY_BYTES + " bytes in UTF-8: " + bytes.length);
    }
    checkHashKey(r.explicitHashKey());
    if (r.data().length > MAX_DATA_BYTES) {
      throw new IllegalArgumentException(
          "data must be at most " + MAX_DATA_BYTES + " bytes: " + r.data().length);
    }
    return bytes;
  }

  /**
   * Checks that an explicit hash key is null or 1 to 255 ASCII digits.
   *
   * @throws IllegalArgumentException if it is not
   */
  static void checkHashKey(String hashKey) {
    if (hashKey == null) {
      return;
    }
    if (hashKey.isEmpty() || hashKey.length() > MAX_HASH_KEY_CHARS) {
      throw new IllegalArgumentException(
          "explicitHashKey must be 1 to " + MAX_HASH_KEY_CHARS + " digits: " + hashKey.length());
    }
    for (int i = 0; i < hashKey.length(); i++) {
      char c = hashKey.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("explicitHashKey must be decimal digits: " + hashKey);
      }
    }
  }

  /** Returns the bytes a record's frame takes, header included. */
  static int frameBytes(byte[] key, NewRecord r) {
    String hashKey = r.explicitHashKey();
    return FRAME_HEADER_BYTES
        + BODY_FIXED_BYTES
        + key.length
        + (hashKey == null ? 0 : hashKey.length())
        + r.data().length;
  }

  /** Appends a record's frame to {@code out}, which must have room for it. */
  static void encode(ByteBuffer out, long offset, NewRecord r, byte[] key, CRC32C crc) {
    int start = out.position();
    String hashKey = r.explicitHashKey();
    int hashKeyLength = hashKey == null ? 0 : hashKey.length();
    int bodyLength = BODY_FIXED_BYTES + key.length + hashKeyLength + r.data().length;
    out.putInt(bodyLength).putInt(0); // the CRC goes in once the body is there
    out.putLong(offset).putLong(r.arrivalMillis()).putShort((short) key.length).put(key);
    out.put((byte) hashKeyLength);
    for (int i = 0; i < hashKeyLength; i++) {
      out.put((byte) hashKey.charAt(i));
    }
    out.put(r.data());
    int end = out.position();
    // CRC32C.update(ByteBuffer) reads position..limit; narrowing the buffer avoids a slice per
    // record.
    int limit = out.limit();
    out.limit(end).position(start + FRAME_HEADER_BYTES);
    crc.reset();
    crc.update(out);
    out.limit(limit).position(end);
    out.putInt(start + 4, (int) crc.getValue());
  }

  /** Returns whether the body at {@code bodyAt} in a heap buffer matches its CRC. */
  static boolean crcMatches(ByteBuffer heap, int bodyAt, int bodyLength, int expected, CRC32C crc) {
    crc.reset();
    crc.update(heap.array(), heap.arrayOffset() + bodyAt, bodyLength);
    return (int) crc.getValue() == expected;
  }

  /**
   * Decodes the body at {@code bodyAt} in a heap buffer, whose CRC has been checked.
   *
   * @throws IllegalStateException if the lengths inside the body do not add up (a bug: the CRC
   *     matched)
   */
  static StoredRecord decode(ByteBuffer heap, int bodyAt, int bodyLength) {
    byte[] a = heap.array();
    int base = heap.arrayOffset() + bodyAt;
    long offset = heap.getLong(bodyAt);
    long arrival = heap.getLong(bodyAt + 8);
    int keyLength = heap.getShort(bodyAt + 16) & 0xFFFF;
    int hashAt = base + 18 + keyLength;
    if (BODY_FIXED_BYTES + keyLength > bodyLength) {
      throw new IllegalStateException("key length " + keyLength + " overruns body " + bodyLength);
    }
    int hashKeyLength = a[hashAt] & 0xFF;
    int dataAt = hashAt + 1 + hashKeyLength;
    int dataLength = base + bodyLength - dataAt;
    if (dataLength < 0) {
      throw new IllegalStateException("hash key length overruns body " + bodyLength);
    }
    String key = new String(a, base + 18, keyLength, StandardCharsets.UTF_8);
    String hashKey =
        hashKeyLength == 0
            ? null
            : new String(a, hashAt + 1, hashKeyLength, StandardCharsets.US_ASCII);
    return new StoredRecord(
        offset, arrival, key, hashKey, Arrays.copyOfRange(a, dataAt, dataAt + dataLength));
  }

  /** Returns the data length of the body at {@code bodyAt} in a heap buffer. */
  static int dataLength(ByteBuffer heap, int bodyAt, int bodyLength) {
    int keyLength = heap.getShort(bodyAt + 16) & 0xFFFF;
    int hashKeyLength = heap.get(bodyAt + 18 + keyLength) & 0xFF;
    return bodyLength - BODY_FIXED_BYTES - keyLength - hashKeyLength;
  }
}
