package io.kinesislite.transport;

import static io.kinesislite.transport.AggregateDecoder.DIGEST_LENGTH;
import static io.kinesislite.transport.AggregateDecoder.MAGIC;
import static io.kinesislite.transport.AggregateDecoder.OVERHEAD;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds one KPL aggregated record from user records, byte for byte as the KPL writes it: the magic
 * bytes {@code F3 89 9A C2}, a protobuf {@code AggregatedRecord} message and the MD5 of that
 * message. {@link AggregateDecoder} reads it back, as does the KCL.
 *
 * <p>Each distinct partition key and explicit hash key is stored once, in tables in the order of
 * first appearance. {@link #sizeInBytes()} and {@link #sizeInBytesWith} are exact and cost O(1), so
 * a producer can keep an aggregate under a size limit without encoding it to find out.
 *
 * <p>Send the result with partition key {@link #OUTER_PARTITION_KEY} and explicit hash key {@link
 * #explicitHashKeyForOuterRecord()}, so that it lands on the shard of its first user record. Every
 * user record must hash to that same shard: the KCL drops a whole aggregate that holds a record
 * from another shard. The KPL sends a lone record raw rather than as an aggregate of one; that
 * choice is the caller's.
 *
 * <p>Not thread-safe; confine an encoder to one thread.
 *
 * <pre>{@code
 * AggregateEncoder encoder = new AggregateEncoder();
 * for (PutEntry entry : entriesForOneShard) {
 *   String ehk = entry.explicitHashKey().orElse(null);
 *   int sizeWith = encoder.sizeInBytesWith(entry.partitionKey(), ehk, entry.data().length);
 *   if (encoder.count() > 0 && sizeWith > 51_200) {
 *     send(OUTER_PARTITION_KEY, encoder.explicitHashKeyForOuterRecord(), encoder.encode());
 *     encoder.clear();
 *   }
 *   encoder.add(entry.partitionKey(), ehk, entry.data());
 * }
 * }</pre>
 */
public final class AggregateEncoder {
  /** The partition key of the Kinesis record that carries an aggregate; one byte, as in the KPL. */
  public static final String OUTER_PARTITION_KEY = "a";

  // The largest byte array every JVM can allocate.
  private static final long MAX_ENCODED_SIZE = Integer.MAX_VALUE - 8;

  private static final int PARTITION_KEY_TABLE = 1;
  private static final int EXPLICIT_HASH_KEY_TABLE = 2;
  private static final int RECORDS = 3;
  private static final int PARTITION_KEY_INDEX = 1;
  private static final int EXPLICIT_HASH_KEY_INDEX = 2;
  private static final int DATA = 3;

  private final List<String> partitionKeys = new ArrayList<>();
  // Encoded by us, not by protobuf, which logs a stack trace for each unpaired surrogate.
  private final List<byte[]> partitionKeysUtf8 = new ArrayList<>();
  private final Map<String, Integer> partitionKeyIndexes = new HashMap<>();
  private final List<String> explicitHashKeys = new ArrayList<>();
  private final Map<String, Integer> explicitHashKeyIndexes = new HashMap<>();
  private final List<Entry> entries = new ArrayList<>();

  /** Size of the protobuf message alone, kept current by add() so that sizes cost O(1). */
  private long messageSize;

  /** Makes an empty encoder. */
  public AggregateEncoder() {}

  /**
   * Adds a user record. The data array is kept, not copied, until {@link #clear()}; do not change
   * it before {@link #encode()}.
   *
   * @param explicitHashKeyOrNull the explicit hash key, or null to route by the partition key; it
   *     is stored in canonical form ({@code "007"} becomes {@code "7"})
   * @throws InvalidArgumentException if a key breaks its Kinesis rule; the encoder is then
   *     unchanged
   * @throws IllegalStateException if the aggregate would outgrow a Java byte array
   */
  public void add(String partitionKey, String explicitHashKeyOrNull, byte[] data) {
    HashKeys.checkPartitionKey(partitionKey);
    String explicitHashKey = canonical(explicitHashKeyOrNull);
    Objects.requireNonNull(data, "data == null");
    long newMessageSize = messageSize + growth(partitionKey, explicitHashKey, data.length);
    if (OVERHEAD + newMessageSize > MAX_ENCODED_SIZE) {
      throw new IllegalStateException(
          "aggregate would have "
              + (OVERHEAD + newMessageSize)
              + " bytes, more than a byte[] holds");
    }
    int partitionKeyIndex = indexOf(partitionKey, partitionKeyIndexes);
    if (partitionKeyIndex == partitionKeys.size()) {
      partitionKeys.add(partitionKey);
      partitionKeysUtf8.add(partitionKey.getBytes(StandardCharsets.UTF_8));
      partitionKeyIndexes.put(partitionKey, partitionKeyIndex);
    }
    int explicitHashKeyIndex = -1;
    if (explicitHashKey != null) {
      explicitHashKeyIndex = indexOf(explicitHashKey, explicitHashKeyIndexes);
      if (explicitHashKeyIndex == explicitHashKeys.size()) {
        explicitHashKeys.add(explicitHashKey);
        explicitHashKeyIndexes.put(explicitHashKey, explicitHashKeyIndex);
      }
    }
    entries.add(new Entry(partitionKeyIndex, explicitHashKeyIndex, data));
    messageSize = newMessageSize;
  }

  /** Returns the number of user records added since the encoder was made or cleared. */
  public int count() {
    return entries.size();
  }

  /**
   * Returns the exact length of the array {@link #encode()} would return now; with no records, the
   * 20 bytes of magic and MD5.
   */
  public int sizeInBytes() {
    return (int) (OVERHEAD + messageSize);
  }

  /**
   * Returns the exact value {@link #sizeInBytes()} would have after {@code add(partitionKey,
   * explicitHashKeyOrNull, data)} with data of {@code dataLength} bytes, without adding anything.
   * Sizes beyond {@code Integer.MAX_VALUE} are reported as {@code Integer.MAX_VALUE}.
   *
   * @throws InvalidArgumentException if a key breaks its Kinesis rule
   * @throws IllegalArgumentException if {@code dataLength} is negative
   */
  public int sizeInBytesWith(String partitionKey, String explicitHashKeyOrNull, int dataLength) {
    HashKeys.checkPartitionKey(partitionKey);
    String explicitHashKey = canonical(explicitHashKeyOrNull);
    if (dataLength < 0) {
      throw new IllegalArgumentException("dataLength < 0: " + dataLength);
    }
    long size = OVERHEAD + messageSize + growth(partitionKey, explicitHashKey, dataLength);
    return (int) Math.min(size, Integer.MAX_VALUE);
  }

  /**
   * Returns the aggregated record: magic bytes, protobuf message, MD5 of the message. The encoder
   * keeps its records; call {@link #clear()} to start the next aggregate.
   *
   * @throws IllegalStateException if no record was added
   */
  public byte[] encode() {
    requireRecords();
    int messageLength = (int) messageSize;
    byte[] encoded = new byte[OVERHEAD + messageLength];
    System.arraycopy(MAGIC, 0, encoded, 0, MAGIC.length);
    CodedOutputStream out = CodedOutputStream.newInstance(encoded, MAGIC.length, messageLength);
    try {
      // Field order as protobuf serializes it, and so as the KPL writes it: tables, then records.
      for (byte[] partitionKey : partitionKeysUtf8) {
        out.writeByteArray(PARTITION_KEY_TABLE, partitionKey);
      }
      for (String explicitHashKey : explicitHashKeys) {
        out.writeString(EXPLICIT_HASH_KEY_TABLE, explicitHashKey);
      }
      for (Entry entry : entries) {
        out.writeTag(RECORDS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag((int) entry.bodySize());
        // proto2 "required": written even when 0, or the KCL's parser rejects the aggregate.
        out.writeUInt64(PARTITION_KEY_INDEX, entry.partitionKeyIndex());
        if (entry.explicitHashKeyIndex() >= 0) {
          out.writeUInt64(EXPLICIT_HASH_KEY_INDEX, entry.explicitHashKeyIndex());
        }
        out.writeByteArray(DATA, entry.data());
      }
      out.checkNoSpaceLeft();
    } catch (IOException | IllegalStateException e) {
      throw new IllegalStateException("aggregate size accounting is off; this is a bug", e);
    }
    byte[] digest = AggregateDecoder.md5(ByteBuffer.wrap(encoded, MAGIC.length, messageLength));
    System.arraycopy(digest, 0, encoded, MAGIC.length + messageLength, DIGEST_LENGTH);
    return encoded;
  }

  /** Removes all records, so that the encoder can build the next aggregate. */
  public void clear() {
    partitionKeys.clear();
    partitionKeysUtf8.clear();
    partitionKeyIndexes.clear();
    explicitHashKeys.clear();
    explicitHashKeyIndexes.clear();
    entries.clear();
    messageSize = 0;
  }

  /**
   * Returns the explicit hash key to send the aggregate with, as the KPL does: the decimal hash key
   * of the first user record, which is its explicit hash key if it has one and the MD5 hash of its
   * partition key otherwise.
   *
   * @throws IllegalStateException if no record was added
   */
  public String explicitHashKeyForOuterRecord() {
    requireRecords();
    Entry first = entries.get(0);
    return first.explicitHashKeyIndex() >= 0
        ? explicitHashKeys.get(first.explicitHashKeyIndex())
        : HashKeys.of(partitionKeys.get(first.partitionKeyIndex())).toString();
  }

  private void requireRecords() {
    if (entries.isEmpty()) {
      throw new IllegalStateException("the aggregate has no records; add one first");
    }
  }

  /** Returns how many bytes the message grows by if the record is added. */
  private long growth(String partitionKey, String explicitHashKey, long dataLength) {
    long growth = 0;
    int partitionKeyIndex = indexOf(partitionKey, partitionKeyIndexes);
    if (partitionKeyIndex == partitionKeys.size()) {
      int length = utf8Length(partitionKey);
      growth +=
          CodedOutputStream.computeTagSize(PARTITION_KEY_TABLE)
              + CodedOutputStream.computeUInt32SizeNoTag(length)
              + length;
    }
    int explicitHashKeyIndex = -1;
    if (explicitHashKey != null) {
      explicitHashKeyIndex = indexOf(explicitHashKey, explicitHashKeyIndexes);
      if (explicitHashKeyIndex == explicitHashKeys.size()) {
        growth += CodedOutputStream.computeStringSize(EXPLICIT_HASH_KEY_TABLE, explicitHashKey);
      }
    }
    long body = bodySize(partitionKeyIndex, explicitHashKeyIndex, dataLength);
    return growth
        + CodedOutputStream.computeTagSize(RECORDS)
        + CodedOutputStream.computeUInt64SizeNoTag(body)
        + body;
  }

  /** Returns the size of a Record message, without its own tag and length. */
  private static long bodySize(int partitionKeyIndex, int explicitHashKeyIndex, long dataLength) {
    long size = CodedOutputStream.computeUInt64Size(PARTITION_KEY_INDEX, partitionKeyIndex);
    if (explicitHashKeyIndex >= 0) {
      size += CodedOutputStream.computeUInt64Size(EXPLICIT_HASH_KEY_INDEX, explicitHashKeyIndex);
    }
    return size
        + CodedOutputStream.computeTagSize(DATA)
        + CodedOutputStream.computeUInt64SizeNoTag(dataLength)
        + dataLength;
  }

  /** Returns the key's table index, or the table size if the key is not in the table yet. */
  private static int indexOf(String key, Map<String, Integer> indexes) {
    return indexes.getOrDefault(key, indexes.size());
  }

  /**
   * Returns {@code string.getBytes(UTF_8).length} without encoding: 1 to 3 bytes per char, 4 per
   * surrogate pair, and 1 for an unpaired surrogate, which the encoder replaces with {@code '?'}.
   */
  static int utf8Length(String string) {
    int length = string.length();
    int bytes = length;
    for (int i = 0; i < length; i++) {
      char c = string.charAt(i);
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        bytes += 1;
      } else if (!Character.isSurrogate(c)) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(string.charAt(i + 1))) {
        bytes += 2;
        i++;
      }
    }
    return bytes;
  }

  private static String canonical(String explicitHashKeyOrNull) {
    // Kinesis compares explicit hash keys as numbers, so "007" and "7" share one table entry.
    return explicitHashKeyOrNull == null
        ? null
        : HashKeys.parseExplicit(explicitHashKeyOrNull).toString();
  }

  /** A user record; an explicit hash key index of -1 means it has none. */
  private record Entry(int partitionKeyIndex, int explicitHashKeyIndex, byte[] data) {
    long bodySize() {
      return AggregateEncoder.bodySize(partitionKeyIndex, explicitHashKeyIndex, data.length);
    }
  }
}
