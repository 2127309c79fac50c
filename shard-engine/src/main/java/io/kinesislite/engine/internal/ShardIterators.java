package io.kinesislite.engine.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32C;

/**
 * Shard iterators: opaque strings that carry where to read and when they were issued. A checksum
 * tells the engine's own iterators from garbage; the stream's incarnation tells iterators of a
 * deleted stream from those of a new one with the same name. Thread-safe.
 */
public final class ShardIterators {
  private static final byte VERSION = 1;

  private ShardIterators() {}

  /** What an iterator says. */
  public record Position(
      String stream, long incarnation, int ordinal, long offset, long issuedAtMillis) {}

  public static String encode(Position p) {
    byte[] name = p.stream().getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(1 + 8 + 4 + 8 + 8 + 2 + name.length + 4);
    buffer.put(VERSION).putLong(p.incarnation()).putInt(p.ordinal()).putLong(p.offset());
    buffer.putLong(p.issuedAtMillis()).putShort((short) name.length).put(name);
    CRC32C crc = new CRC32C();
    crc.update(buffer.array(), 0, buffer.position());
    buffer.putInt((int) crc.getValue());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
  }

  /**
   * Reads an iterator.
   *
   * @throws io.kinesislite.transport.InvalidArgumentException if the engine did not issue it
   */
  public static Position decode(String iterator) {
    try {
      ByteBuffer buffer = ByteBuffer.wrap(Base64.getUrlDecoder().decode(iterator));
      int bodyLength = buffer.remaining() - 4;
      if (bodyLength < 31 || buffer.get() != VERSION) {
        throw invalid();
      }
      CRC32C crc = new CRC32C();
      crc.update(buffer.array(), 0, bodyLength);
      if (buffer.getInt(bodyLength) != (int) crc.getValue()) {
        throw invalid();
      }
      long incarnation = buffer.getLong();
      int ordinal = buffer.getInt();
      long offset = buffer.getLong();
      long issuedAt = buffer.getLong();
      int nameLength = buffer.getShort();
      if (nameLength < 1 || nameLength != bodyLength - 31) {
        throw invalid();
      }
      byte[] name = new byte[nameLength];
      buffer.get(name);
      return new Position(
          new String(name, StandardCharsets.UTF_8), incarnation, ordinal, offset, issuedAt);
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      throw invalid();
    }
  }

  private static RuntimeException invalid() {
    return KinesisErrors.invalid("shardIterator is not a valid shard iterator of this engine");
  }
}
