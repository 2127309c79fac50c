package io.kinesislite.transport;

import static io.kinesislite.transport.KplReference.NOT_AGGREGATED;
import static io.kinesislite.transport.KplReference.NO_EHKS;
import static io.kinesislite.transport.KplReference.SHARED_KEYS;
import static io.kinesislite.transport.KplReference.WITH_EHKS;
import static io.kinesislite.transport.KplReference.aggregate;
import static io.kinesislite.transport.KplReference.proto;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.WireFormat;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AggregateDecoderTest {

  /** Fixed seeds so that runs repeat, and one new seed per run so that they also explore. */
  static LongStream seeds() {
    return LongStream.concat(
        LongStream.rangeClosed(1, 24), LongStream.of(ThreadLocalRandom.current().nextLong()));
  }

  @ParameterizedTest
  @ValueSource(strings = {WITH_EHKS, NO_EHKS, SHARED_KEYS})
  void decodesTheKplVectorsIntoTheirUserRecordsInOrder(String name) {
    KplReference.Vector vector = KplReference.vector(name);

    List<UserRecord> records = AggregateDecoder.decode(vector.data());

    assertThat(vector.aggregated()).isTrue();
    assertThat(AggregateDecoder.isAggregated(vector.data())).isTrue();
    assertThat(records).isEqualTo(vector.records());
    assertThat(records)
        .extracting(UserRecord::subSequenceNumber)
        .isEqualTo(LongStream.range(0, records.size()).boxed().toList());
  }

  @Test
  void theKplsPlainRecordIsNotAggregated() {
    KplReference.Vector vector = KplReference.vector(NOT_AGGREGATED);

    assertThat(vector.aggregated()).isFalse();
    assertThat(AggregateDecoder.isAggregated(vector.data())).isFalse();
    assertThat(AggregateDecoder.isAggregated(ByteBuffer.wrap(vector.data()))).isFalse();
    assertThat(new String(vector.data(), UTF_8)).isEqualTo("RECORD 749 pjqrcfbxafzdndzmbgane");
    assertThatThrownBy(() -> AggregateDecoder.decode(vector.data()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an aggregated record");
  }

  @Test
  void userRecordsRouteByTheirExplicitHashKeyOrElseTheirPartitionKey() {
    List<UserRecord> withKeys = AggregateDecoder.decode(KplReference.vector(WITH_EHKS).data());
    List<UserRecord> withoutKeys = AggregateDecoder.decode(KplReference.vector(NO_EHKS).data());

    assertThat(withKeys.get(1).hashKey()).hasToString("193787600037681706952143357071916352604");
    assertThat(withoutKeys.get(0).explicitHashKey()).isEmpty();
    assertThat(withoutKeys.get(0).hashKey())
        .isEqualTo(HashKeys.of("78feb12a-dba0-45ca-a91e-bb1f2f1819b4"));
  }

  @Test
  void magicBytesWithTwentyBytesOrFewerAreNotAnAggregate() {
    byte[] magic = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    for (int length = 0; length <= 20; length++) {
      byte[] data = Arrays.copyOf(magic, length);
      assertThat(AggregateDecoder.isAggregated(data)).as("length %d", length).isFalse();
    }
    assertThat(AggregateDecoder.isAggregated(Arrays.copyOf(magic, 21))).isTrue();
  }

  @Test
  void readsFromTheBuffersPositionAndLeavesItThere() {
    byte[] aggregate = KplReference.vector(SHARED_KEYS).data();
    ByteBuffer direct = KplReference.offsetDirectBuffer(aggregate);
    ByteBuffer heap = ByteBuffer.allocate(aggregate.length + 5);
    heap.position(2).put(aggregate).flip().position(2);
    byte[] padded = new byte[aggregate.length + 3];
    System.arraycopy(aggregate, 0, padded, 3, aggregate.length);
    ByteBuffer slice = ByteBuffer.wrap(padded, 3, aggregate.length).slice();

    for (ByteBuffer buffer : List.of(direct, heap, slice)) {
      int position = buffer.position();
      assertThat(AggregateDecoder.isAggregated(buffer)).isTrue();
      assertThat(AggregateDecoder.decode(buffer))
          .isEqualTo(KplReference.vector(SHARED_KEYS).records());
      assertThat(buffer.position()).isEqualTo(position);
    }
  }

  @Test
  void userRecordDataIsReadOnlyOrACopy() {
    UserRecord record = AggregateDecoder.decode(KplReference.vector(SHARED_KEYS).data()).get(0);

    assertThatThrownBy(() -> record.data().put((byte) 0))
        .isInstanceOf(ReadOnlyBufferException.class);
    record.dataBytes()[0] = 0;
    assertThat(new String(record.dataBytes(), UTF_8))
        .isEqualTo("RECORD 2005 pjqrcfbxafzdndzmbgane");
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void decodesWhatTheEncoderWrites(long seed) {
    List<UserRecord> records = KplReference.randomRecords(new Random(seed), 500);

    assertThat(AggregateDecoder.decode(KplReference.encode(records)))
        .as("seed %d", seed)
        .isEqualTo(records);
  }

  @Test
  void roundTripsEmptyAndOneMebibyteData() {
    byte[] mebibyte = new byte[1 << 20];
    new Random(7).nextBytes(mebibyte);
    List<UserRecord> records =
        List.of(
            new UserRecord("big", null, mebibyte, 0),
            new UserRecord("empty", "0", new byte[0], 1),
            new UserRecord("\uD83D\uDE00 big again", null, mebibyte, 2));

    byte[] encoded = KplReference.encode(records);

    assertThat(AggregateDecoder.decode(encoded)).isEqualTo(records);
  }

  @Test
  void aFlippedByteFailsTheMd5Check() {
    byte[] aggregate = KplReference.vector(WITH_EHKS).data();
    aggregate[100] ^= 0x01;

    assertThatThrownBy(() -> AggregateDecoder.decode(aggregate))
        .isInstanceOf(CorruptAggregateException.class)
        .hasMessageContaining("MD5 mismatch");
  }

  @Test
  void aDamagedMd5TrailerFailsTheMd5Check() {
    byte[] aggregate = KplReference.vector(WITH_EHKS).data();
    aggregate[aggregate.length - 1] ^= 0x01;

    assertThatThrownBy(() -> AggregateDecoder.decode(aggregate))
        .isInstanceOf(CorruptAggregateException.class)
        .hasMessageContaining("MD5 mismatch");
  }

  @Test
  void aTruncatedMessageWithAValidMd5IsMalformed() {
    byte[] message = KplReference.messageOf(KplReference.vector(NO_EHKS).data());
    byte[] truncated = aggregate(Arrays.copyOf(message, message.length - 5));

    assertThatThrownBy(() -> AggregateDecoder.decode(truncated))
        .isInstanceOf(CorruptAggregateException.class)
        .hasMessageContaining("malformed");
  }

  @Test
  void everyTruncationEitherFailsAsCorruptOrGivesAPrefixOfTheRecords() {
    KplReference.Vector vector = KplReference.vector(WITH_EHKS);
    byte[] message = KplReference.messageOf(vector.data());
    for (int length = 1; length < message.length; length++) {
      byte[] truncated = aggregate(Arrays.copyOf(message, length));
      try {
        List<UserRecord> records = AggregateDecoder.decode(truncated);
        assertThat(records)
            .as("length %d", length)
            .isEqualTo(vector.records().subList(0, records.size()));
      } catch (CorruptAggregateException expected) {
        // A cut inside a field, or one that leaves a record pointing past a shortened table.
      }
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void randomDamageUnderAValidMd5FailsOnlyAsCorrupt(long seed) {
    Random random = new Random(seed);
    byte[] message =
        KplReference.messageOf(KplReference.encode(KplReference.randomRecords(random, 20)));
    for (int attempt = 0; attempt < 200; attempt++) {
      byte[] damaged = message.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
      }
      try {
        AggregateDecoder.decode(aggregate(damaged));
      } catch (CorruptAggregateException expected) {
        // Anything else escaping, such as an IndexOutOfBoundsException, fails the test.
      }
    }
  }

  @Test
  void anIndexOutsideThePartitionKeyTableIsCorrupt() {
    byte[] record =
        proto(
            out -> {
              out.writeUInt64(1, 2);
              out.writeByteArray(3, new byte[] {1});
            });
    byte[] message =
        proto(
            out -> {
              out.writeString(1, "a");
              out.writeString(1, "b");
              out.writeByteArray(3, record);
            });

    assertThatThrownBy(() -> AggregateDecoder.decode(aggregate(message)))
        .isInstanceOf(CorruptAggregateException.class)
        .hasMessageContaining("records[0].partition_key_index is 2")
        .hasMessageContaining("2 entries");
  }

  @Test
  void anIndexOutsideTheExplicitHashKeyTableIsCorrupt() {
    byte[] record =
        proto(
            out -> {
              out.writeUInt64(1, 0);
              out.writeUInt64(2, -1); // 2^64 - 1 on the wire
              out.writeByteArray(3, new byte[] {1});
            });
    byte[] message =
        proto(
            out -> {
              out.writeString(1, "a");
              out.writeString(2, "5");
              out.writeByteArray(3, record);
            });

    assertThatThrownBy(() -> AggregateDecoder.decode(aggregate(message)))
        .isInstanceOf(CorruptAggregateException.class)
        .hasMessageContaining("explicit_hash_key_index is 18446744073709551615");
  }

  @Test
  void aRecordWithoutItsPartitionKeyIndexIsCorrupt() {
    byte[] record = proto(out -> out.writeByteArray(3, new byte[] {1}));
    byte[] message =
        proto(
            out -> {
              out.writeString(1, "a");
              out.writeByteArray(3, record);
            });

    assertThatThrownBy(() -> AggregateDecoder.decode(aggregate(message)))
        .isInstanceOf(CorruptAggregateException.class)
        .hasMessageContaining("records[0] lacks required field partition_key_index");
  }

  @Test
  void aRecordWithoutDataIsCorrupt() {
    byte[] good =
        proto(
            out -> {
              out.writeUInt64(1, 0);
              out.writeByteArray(3, new byte[0]);
            });
    byte[] bad = proto(out -> out.writeUInt64(1, 0));
    byte[] message =
        proto(
            out -> {
              out.writeString(1, "a");
              out.writeByteArray(3, good);
              out.writeByteArray(3, bad);
            });

    assertThatThrownBy(() -> AggregateDecoder.decode(aggregate(message)))
        .isInstanceOf(CorruptAggregateException.class)
        .hasMessageContaining("records[1] lacks required field data");
  }

  @Test
  void anExplicitHashKeyThatIsNotAHashKeyIsCorrupt() {
    byte[] record =
        proto(
            out -> {
              out.writeUInt64(1, 0);
              out.writeUInt64(2, 0);
              out.writeByteArray(3, new byte[] {1});
            });
    byte[] message =
        proto(
            out -> {
              out.writeString(1, "a");
              out.writeString(2, "12ab");
              out.writeByteArray(3, record);
            });

    assertThatThrownBy(() -> AggregateDecoder.decode(aggregate(message)))
        .isInstanceOf(CorruptAggregateException.class)
        .hasMessageContaining("records[0]")
        .hasMessageContaining("explicitHashKey");
  }

  @Test
  void anInvalidWireTypeIsMalformed() {
    byte[] message =
        proto(
            out -> {
              out.writeString(1, "a");
              out.writeTag(9, 7); // wire type 7 does not exist
            });

    assertThatThrownBy(() -> AggregateDecoder.decode(aggregate(message)))
        .isInstanceOf(CorruptAggregateException.class)
        .hasMessageContaining("malformed");
  }

  @Test
  void deeplyNestedUnknownGroupsAreMalformedRatherThanAStackOverflow() {
    byte[] message =
        proto(
            out -> {
              for (int i = 0; i < 100_000; i++) {
                out.writeTag(9, WireFormat.WIRETYPE_START_GROUP);
              }
            });

    assertThatThrownBy(() -> AggregateDecoder.decode(aggregate(message)))
        .isInstanceOf(CorruptAggregateException.class);
  }

  @Test
  void unknownFieldsAreSkipped() {
    byte[] tag = proto(out -> out.writeString(1, "colour"));
    byte[] record =
        proto(
            out -> {
              out.writeUInt64(1, 0);
              out.writeByteArray(4, tag); // Record.tags, which KPL never writes
              out.writeByteArray(3, new byte[] {42});
              out.writeFixed32(15, 7);
            });
    byte[] message =
        proto(
            out -> {
              out.writeUInt64(7, 99);
              out.writeByteArray(3, record);
              out.writeString(1, "a"); // tables after the records are still tables
              out.writeTag(8, WireFormat.WIRETYPE_START_GROUP); // an empty group, long deprecated
              out.writeTag(8, WireFormat.WIRETYPE_END_GROUP);
            });

    assertThat(AggregateDecoder.decode(aggregate(message)))
        .containsExactly(new UserRecord("a", null, new byte[] {42}, 0));
  }

  @Test
  void anAggregateWithoutRecordsDecodesToNothing() {
    byte[] message = proto(out -> out.writeString(1, "a"));

    assertThat(AggregateDecoder.decode(aggregate(message))).isEmpty();
  }
}
