package io.kinesislite.engine.internal.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The frame format, byte by byte, as DESIGN.md and the recovery code expect it. */
class RecordFramesTest {

  @Test
  void aFrameIsLengthCrcAndBodyInTheDocumentedLayout() {
    NewRecord r = new NewRecord(1234L, "kü", "42", new byte[] {9, 8, 7});
    byte[] key = RecordFrames.keyBytes(r);
    int size = RecordFrames.frameBytes(key, r);
    ByteBuffer b = ByteBuffer.allocate(size);
    RecordFrames.encode(b, 77L, r, key, new CRC32C());

    assertThat(b.position()).isEqualTo(size).isEqualTo(8 + 8 + 8 + 2 + 3 + 1 + 2 + 3);
    int length = b.getInt(0);
    assertThat(length).isEqualTo(size - 8);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 8, length);
    assertThat(b.getInt(4)).isEqualTo((int) crc.getValue());
    assertThat(b.getLong(8)).isEqualTo(77L);
    assertThat(b.getLong(16)).isEqualTo(1234L);
    assertThat(b.getShort(24)).isEqualTo((short) 3);
    assertThat(new String(b.array(), 26, 3, StandardCharsets.UTF_8)).isEqualTo("kü");
    assertThat(b.get(29)).isEqualTo((byte) 2);
    assertThat(new String(b.array(), 30, 2, StandardCharsets.US_ASCII)).isEqualTo("42");
    assertThat(new byte[] {b.get(32), b.get(33), b.get(34)}).containsExactly(9, 8, 7);

    StoredRecord decoded = RecordFrames.decode(b, 8, length);
    assertThat(decoded.offset()).isEqualTo(77L);
    assertThat(decoded.partitionKey()).isEqualTo("kü");
    assertThat(decoded.explicitHashKey()).isEqualTo("42");
    assertThat(decoded.data()).containsExactly(9, 8, 7);
    assertThat(RecordFrames.dataLength(b, 8, length)).isEqualTo(3);
  }

  @Test
  void aRecordWithoutHashKeyStoresLengthZero() {
    NewRecord r = new NewRecord(1L, "k", null, new byte[0]);
    byte[] key = RecordFrames.keyBytes(r);
    ByteBuffer b = ByteBuffer.allocate(RecordFrames.frameBytes(key, r));
    RecordFrames.encode(b, 0, r, key, new CRC32C());
    assertThat(b.getInt(0)).isEqualTo(RecordFrames.BODY_FIXED_BYTES + 1);
    assertThat(b.get(8 + 18 + 1)).isZero();
    assertThat(RecordFrames.decode(b, 8, b.getInt(0)).explicitHashKey()).isNull();
  }

  @Test
  void headersCarryMagicVersionAndBaseOffset() {
    ByteBuffer h = RecordFrames.header(RecordFrames.SEGMENT_MAGIC, 4096L);
    assertThat(h.remaining()).isEqualTo(RecordFrames.HEADER_BYTES);
    assertThat(RecordFrames.isHeader(h, RecordFrames.SEGMENT_MAGIC, 4096L)).isTrue();
    assertThat(RecordFrames.isHeader(h, RecordFrames.SEGMENT_MAGIC, 4095L)).isFalse();
    assertThat(RecordFrames.isHeader(h, RecordFrames.INDEX_MAGIC, 4096L)).isFalse();
  }

  @Test
  void rejectsWhatTheFormatCannotHold() {
    assertThatThrownBy(
            () -> RecordFrames.keyBytes(new NewRecord(0, "ü".repeat(40_000), null, new byte[0])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitionKey");
    assertThatThrownBy(() -> RecordFrames.checkHashKey("")).hasMessageContaining("explicitHashKey");
    assertThatThrownBy(() -> RecordFrames.checkHashKey("1".repeat(256)))
        .hasMessageContaining("explicitHashKey");
    assertThatThrownBy(() -> RecordFrames.checkHashKey("-1")).hasMessageContaining("digits");
    RecordFrames.checkHashKey("340282366920938463463374607431768211455");
  }
}
