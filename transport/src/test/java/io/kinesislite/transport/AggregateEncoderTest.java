package io.kinesislite.transport;

import static io.kinesislite.transport.KplReference.NO_EHKS;
import static io.kinesislite.transport.KplReference.SHARED_KEYS;
import static io.kinesislite.transport.KplReference.WITH_EHKS;
import static java.nio.charset.StandardCharsets.UTF_16BE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AggregateEncoderTest {

  /** Fixed seeds so that runs repeat, and one new seed per run so that they also explore. */
  static LongStream seeds() {
    return LongStream.concat(
        LongStream.rangeClosed(1, 24), LongStream.of(ThreadLocalRandom.current().nextLong()));
  }

  @ParameterizedTest
  @ValueSource(strings = {WITH_EHKS, NO_EHKS, SHARED_KEYS})
  void encodesTheKplVectorsByteForByte(String name) {
    KplReference.Vector vector = KplReference.vector(name);

    byte[] encoded = KplReference.encode(vector.records());

    assertThat(HexFormat.of().formatHex(encoded))
        .isEqualTo(HexFormat.of().formatHex(vector.data()));
  }

  @ParameterizedTest
  @ValueSource(strings = {WITH_EHKS, NO_EHKS, SHARED_KEYS})
  void sizeInBytesWithPredictsTheSizeAfterEachAdd(String name) {
    AggregateEncoder encoder = new AggregateEncoder();
    for (UserRecord record : KplReference.vector(name).records()) {
      String explicitHashKey = record.explicitHashKey().orElse(null);
      int predicted =
          encoder.sizeInBytesWith(record.partitionKey(), explicitHashKey, record.dataSize());
      encoder.add(record.partitionKey(), explicitHashKey, record.dataBytes());
      assertThat(encoder.sizeInBytes()).isEqualTo(predicted);
      assertThat(encoder.encode()).hasSize(predicted);
    }
  }

  @Test
  void outerExplicitHashKeyIsTheExplicitHashKeyOfTheFirstRecord() {
    AggregateEncoder encoder = encoderWith(KplReference.vector(WITH_EHKS).records());

    assertThat(encoder.explicitHashKeyForOuterRecord())
        .isEqualTo("38486495867508399078159723846051807020");
  }

  @Test
  void outerExplicitHashKeyIsTheHashOfTheFirstPartitionKeyWhenItHasNoExplicitHashKey() {
    AggregateEncoder encoder = encoderWith(KplReference.vector(NO_EHKS).records());

    // python3: int.from_bytes(hashlib.md5(b"78feb12a-dba0-45ca-a91e-bb1f2f1819b4").digest(), "big")
    assertThat(encoder.explicitHashKeyForOuterRecord())
        .isEqualTo(HashKeys.of("78feb12a-dba0-45ca-a91e-bb1f2f1819b4").toString())
        .isEqualTo("10275509497057480009973535037572470479");
    assertThat(AggregateEncoder.OUTER_PARTITION_KEY).isEqualTo("a");
  }

  @Test
  void writesPartitionKeyIndexZeroBecauseTheFieldIsRequired() {
    AggregateEncoder encoder = new AggregateEncoder();
    encoder.add("k", null, "x".getBytes(UTF_8));

    byte[] message = KplReference.messageOf(encoder.encode());

    // partition_key_table "k"; records { partition_key_index 0; data "x" }
    assertThat(HexFormat.of().formatHex(message)).isEqualTo("0a016b1a0508001a0178");
  }

  @Test
  void storesEachDistinctKeyOnceInOrderOfFirstAppearance() throws Exception {
    AggregateEncoder encoder = new AggregateEncoder();
    encoder.add("b", null, new byte[] {1});
    encoder.add("a", "7", new byte[] {2});
    encoder.add("b", "5", new byte[] {3});
    encoder.add("a", "007", new byte[] {4});

    DynamicMessage parsed = parse(encoder.encode());

    assertThat(parsed.getField(field("partition_key_table"))).isEqualTo(List.of("b", "a"));
    assertThat(parsed.getField(field("explicit_hash_key_table"))).isEqualTo(List.of("7", "5"));
    assertThat(indexes(parsed, "partition_key_index")).containsExactly(0L, 1L, 0L, 1L);
    assertThat(indexes(parsed, "explicit_hash_key_index")).containsExactly(null, 0L, 1L, 0L);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void writesWhatProtobufItselfWritesForTheSameMessage(long seed) throws Exception {
    List<UserRecord> records = KplReference.randomRecords(new Random(seed), 500);

    byte[] encoded = KplReference.encode(records);

    assertThat(KplReference.messageOf(encoded))
        .as("seed %d", seed)
        .isEqualTo(referenceMessage(records).toByteArray());
    assertThat(parse(encoded)).as("seed %d", seed).isEqualTo(referenceMessage(records));
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void sizesAreExactForRandomRecords(long seed) {
    AggregateEncoder encoder = new AggregateEncoder();
    for (UserRecord record : KplReference.randomRecords(new Random(seed), 500)) {
      String explicitHashKey = record.explicitHashKey().orElse(null);
      int predicted =
          encoder.sizeInBytesWith(record.partitionKey(), explicitHashKey, record.dataSize());
      encoder.add(record.partitionKey(), explicitHashKey, record.dataBytes());
      assertThat(encoder.sizeInBytes()).as("seed %d", seed).isEqualTo(predicted);
    }
    assertThat(encoder.encode()).as("seed %d", seed).hasSize(encoder.sizeInBytes());
  }

  @Test
  void sizesAreExactWhereLengthsAndIndexesNeedLongerVarints() {
    AggregateEncoder encoder = new AggregateEncoder();
    // Data lengths around 2^7, 2^14 and 2^21, where a length varint gains a byte, and enough
    // distinct keys that indexes pass 2^7 and 2^14.
    int[] lengths = {0, 1, 117, 118, 119, 120, 127, 128, 16_370, 16_371, 16_383, 16_384};
    int[] bigLengths = {2_097_140, 2_097_151, 2_097_152};
    int n = 0;
    for (int length : lengths) {
      byte[] data = new byte[length]; // shared: the encoder keeps arrays without copying
      for (int i = 0; i < 1400; i++, n++) {
        addAndCheck(encoder, "key-" + n, n % 3 == 0 ? null : Integer.toString(n), data);
      }
    }
    for (int length : bigLengths) {
      addAndCheck(encoder, "key-" + n++, null, new byte[length]);
    }
    assertThat(encoder.count()).isGreaterThan(1 << 14);
    assertThat(encoder.encode()).hasSize(encoder.sizeInBytes());
  }

  private static void addAndCheck(
      AggregateEncoder encoder, String partitionKey, String explicitHashKey, byte[] data) {
    int predicted = encoder.sizeInBytesWith(partitionKey, explicitHashKey, data.length);
    encoder.add(partitionKey, explicitHashKey, data);
    assertThat(encoder.sizeInBytes()).as("after %s", partitionKey).isEqualTo(predicted);
  }

  @Test
  void sizeOfAnEmptyEncoderIsMagicPlusDigest() {
    assertThat(new AggregateEncoder().sizeInBytes()).isEqualTo(20);
  }

  @Test
  void sizeInBytesWithCountsAKnownKeyOnlyOnce() {
    AggregateEncoder encoder = new AggregateEncoder();
    encoder.add("user-42", "123", new byte[10]);

    int withKnownKeys = encoder.sizeInBytesWith("user-42", "0123", 10);
    int withNewKeys = encoder.sizeInBytesWith("user-43", "124", 10);

    // A new partition key costs its table entry (1 tag + 1 length + 7 bytes), a new EHK 1+1+3.
    assertThat(withNewKeys - withKnownKeys).isEqualTo(9 + 5);
  }

  @Test
  void encodeWithoutRecordsFails() {
    AggregateEncoder encoder = new AggregateEncoder();

    assertThatThrownBy(encoder::encode)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no records");
    assertThatThrownBy(encoder::explicitHashKeyForOuterRecord)
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void badKeysAreRejectedAndLeaveTheEncoderUnchanged() {
    AggregateEncoder encoder = new AggregateEncoder();
    encoder.add("ok", null, new byte[3]);
    byte[] before = encoder.encode();

    assertThatThrownBy(() -> encoder.add("", null, new byte[1]))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("partitionKey");
    assertThatThrownBy(() -> encoder.add("k", "-1", new byte[1]))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("explicitHashKey");
    assertThatThrownBy(() -> encoder.add("k", null, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> encoder.sizeInBytesWith("k", null, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dataLength");

    assertThat(encoder.count()).isEqualTo(1);
    assertThat(encoder.encode()).isEqualTo(before);
  }

  @Test
  void clearStartsAFreshAggregate() {
    KplReference.Vector vector = KplReference.vector(WITH_EHKS);
    AggregateEncoder encoder = encoderWith(KplReference.vector(NO_EHKS).records());

    encoder.clear();
    assertThat(encoder.count()).isZero();
    assertThat(encoder.sizeInBytes()).isEqualTo(20);
    for (UserRecord record : vector.records()) {
      encoder.add(record.partitionKey(), record.explicitHashKey().orElse(null), record.dataBytes());
    }

    assertThat(encoder.encode()).isEqualTo(vector.data());
  }

  @Test
  void encodeKeepsTheRecordsSoMoreCanBeAdded() {
    AggregateEncoder encoder = new AggregateEncoder();
    encoder.add("a", null, new byte[] {1});
    byte[] first = encoder.encode();

    assertThat(encoder.encode()).isEqualTo(first);
    encoder.add("b", null, new byte[] {2});
    assertThat(AggregateDecoder.decode(encoder.encode())).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"key-\uD83D", "\uDE00-key", "a\uDE00\uD83Db", "\uD83D\uD83D\uDE00"})
  void unpairedSurrogatesAreSizedAndWrittenAsTheQuestionMarkTheyHashAs(String broken) {
    AggregateEncoder encoder = new AggregateEncoder();
    int predicted = encoder.sizeInBytesWith(broken, null, 1);
    encoder.add(broken, null, new byte[1]);

    byte[] encoded = encoder.encode();

    assertThat(encoded).hasSize(predicted);
    UserRecord decoded = AggregateDecoder.decode(encoded).get(0);
    assertThat(decoded.partitionKey()).isEqualTo(new String(broken.getBytes(UTF_8), UTF_8));
    assertThat(decoded.hashKey()).isEqualTo(HashKeys.of(broken));
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void utf8LengthAgreesWithTheJdkEncoderForAnyChars(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 1000; i++) {
      char[] chars = new char[random.nextInt(20)];
      for (int j = 0; j < chars.length; j++) {
        // Mostly surrogates, so that pairs, lone halves and reversed pairs all occur.
        chars[j] =
            (char)
                (random.nextBoolean() ? 0xD800 + random.nextInt(0x800) : random.nextInt(0x10000));
      }
      String string = new String(chars);
      assertThat(AggregateEncoder.utf8Length(string))
          .as("seed %d, %s", seed, HexFormat.of().formatHex(string.getBytes(UTF_16BE)))
          .isEqualTo(string.getBytes(UTF_8).length);
    }
  }

  private static AggregateEncoder encoderWith(List<UserRecord> records) {
    AggregateEncoder encoder = new AggregateEncoder();
    for (UserRecord record : records) {
      encoder.add(record.partitionKey(), record.explicitHashKey().orElse(null), record.dataBytes());
    }
    return encoder;
  }

  private static final Descriptor AGGREGATED_RECORD = KplReference.aggregatedRecordType();
  private static final Descriptor RECORD =
      AGGREGATED_RECORD.findFieldByName("records").getMessageType();

  private static FieldDescriptor field(String name) {
    FieldDescriptor field = AGGREGATED_RECORD.findFieldByName(name);
    return field != null ? field : RECORD.findFieldByName(name);
  }

  /** Parses with protobuf-java, which also checks that required fields are present. */
  private static DynamicMessage parse(byte[] aggregate) throws InvalidProtocolBufferException {
    return DynamicMessage.parseFrom(AGGREGATED_RECORD, KplReference.messageOf(aggregate));
  }

  private static List<Long> indexes(DynamicMessage aggregate, String name) {
    List<Long> indexes = new ArrayList<>();
    for (int i = 0; i < aggregate.getRepeatedFieldCount(field("records")); i++) {
      DynamicMessage record = (DynamicMessage) aggregate.getRepeatedField(field("records"), i);
      indexes.add(record.hasField(field(name)) ? (Long) record.getField(field(name)) : null);
    }
    return indexes;
  }

  /** Builds the message as the KPL would, with key tables in order of first appearance. */
  private static DynamicMessage referenceMessage(List<UserRecord> records) {
    List<String> partitionKeys =
        new ArrayList<>(
            new LinkedHashSet<>(records.stream().map(UserRecord::partitionKey).toList()));
    List<String> explicitHashKeys =
        new ArrayList<>(
            new LinkedHashSet<>(
                records.stream().flatMap(r -> r.explicitHashKey().stream()).toList()));
    DynamicMessage.Builder aggregate = DynamicMessage.newBuilder(AGGREGATED_RECORD);
    partitionKeys.forEach(k -> aggregate.addRepeatedField(field("partition_key_table"), k));
    explicitHashKeys.forEach(k -> aggregate.addRepeatedField(field("explicit_hash_key_table"), k));
    for (UserRecord record : records) {
      DynamicMessage.Builder message = DynamicMessage.newBuilder(RECORD);
      message.setField(
          field("partition_key_index"), (long) partitionKeys.indexOf(record.partitionKey()));
      record
          .explicitHashKey()
          .ifPresent(
              k ->
                  message.setField(
                      field("explicit_hash_key_index"), (long) explicitHashKeys.indexOf(k)));
      message.setField(field("data"), ByteString.copyFrom(record.dataBytes()));
      aggregate.addRepeatedField(field("records"), message.build());
    }
    return aggregate.build();
  }
}
