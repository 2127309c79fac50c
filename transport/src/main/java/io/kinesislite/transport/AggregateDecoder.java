package io.kinesislite.transport;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Unpacks KPL aggregated records: the magic bytes {@code F3 89 9A C2}, a protobuf {@code
 * AggregatedRecord} message and the MD5 of that message. {@link AggregateEncoder} writes the same
 * format.
 *
 * <p>Unlike the KCL, which passes a damaged aggregate through as if it were a plain record, this
 * decoder fails with {@link CorruptAggregateException}: a damaged aggregate is data loss that
 * should be seen. It never returns part of an aggregate. Unknown protobuf fields are skipped, as a
 * protobuf parser would.
 *
 * <p>Thread-safe.
 *
 * <pre>{@code
 * if (AggregateDecoder.isAggregated(record.data())) {
 *   for (UserRecord user : AggregateDecoder.decode(record.data())) {
 *     process(record.sequenceNumber(), user.subSequenceNumber(), user.dataBytes());
 *   }
 * } else {
 *   process(record.sequenceNumber(), 0, record.dataBytes());
 * }
 * }</pre>
 */
public final class AggregateDecoder {
  static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
  static final int DIGEST_LENGTH = 16;

  /** The bytes around the protobuf message: the magic bytes and the MD5 trailer. */
  static final int OVERHEAD = MAGIC.length + DIGEST_LENGTH;

  // Protobuf tags, (field number << 3) | wire type, of the fields KPL writes.
  static final int PARTITION_KEY_TABLE_TAG = 1 << 3 | 2;
  static final int EXPLICIT_HASH_KEY_TABLE_TAG = 2 << 3 | 2;
  static final int RECORDS_TAG = 3 << 3 | 2;
  static final int PARTITION_KEY_INDEX_TAG = 1 << 3;
  static final int EXPLICIT_HASH_KEY_INDEX_TAG = 2 << 3;
  static final int DATA_TAG = 3 << 3 | 2;

  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(AggregateDecoder::newMd5);

  private AggregateDecoder() {}

  /**
   * Returns true if {@code data}, from its position to its limit, is an aggregated record: it
   * starts with the magic bytes and is longer than the magic bytes plus the MD5 trailer. The
   * position is left where it was.
   */
  public static boolean isAggregated(ByteBuffer data) {
    Objects.requireNonNull(data, "data == null");
    if (data.remaining() <= OVERHEAD) {
      return false;
    }
    int start = data.position();
    for (int i = 0; i < MAGIC.length; i++) {
      if (data.get(start + i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns true if {@code data} is an aggregated record; see {@link #isAggregated(ByteBuffer)}.
   */
  public static boolean isAggregated(byte[] data) {
    Objects.requireNonNull(data, "data == null");
    return isAggregated(ByteBuffer.wrap(data));
  }

  /** Unpacks an aggregated record; see {@link #decode(ByteBuffer)}. */
  public static List<UserRecord> decode(byte[] data) {
    Objects.requireNonNull(data, "data == null");
    return decode(ByteBuffer.wrap(data));
  }

  /**
   * Unpacks the aggregated record in {@code data}, from its position to its limit, into its user
   * records in order. The position is left where it was. An aggregate that holds no records, which
   * KPL never writes, gives an empty list.
   *
   * @throws IllegalArgumentException if {@code data} is not an aggregated record; call {@link
   *     #isAggregated(ByteBuffer)} first
   * @throws CorruptAggregateException if the MD5 trailer does not match, or the protobuf message is
   *     malformed, lacks a required field or refers to a key table entry it does not have
   */
  public static List<UserRecord> decode(ByteBuffer data) {
    if (!isAggregated(data)) {
      throw new IllegalArgumentException(
          "not an aggregated record: it needs the magic bytes "
              + HexFormat.of().formatHex(MAGIC)
              + " and more than "
              + OVERHEAD
              + " bytes, has "
              + data.remaining()
              + " bytes");
    }
    int start = data.position();
    int messageLength = data.remaining() - OVERHEAD;
    ByteBuffer message = data.duplicate();
    message.position(start + MAGIC.length).limit(start + MAGIC.length + messageLength);
    byte[] trailer = new byte[DIGEST_LENGTH];
    data.duplicate().position(message.limit()).get(trailer);

    byte[] digest = md5(message.duplicate());
    if (!MessageDigest.isEqual(digest, trailer)) {
      throw new CorruptAggregateException(
          "aggregated record MD5 mismatch: the trailer is "
              + HexFormat.of().formatHex(trailer)
              + " but the "
              + messageLength
              + " protobuf bytes hash to "
              + HexFormat.of().formatHex(digest));
    }
    return parse(message);
  }

  private static List<UserRecord> parse(ByteBuffer message) {
    List<String> partitionKeys = new ArrayList<>();
    List<String> explicitHashKeys = new ArrayList<>();
    List<RawRecord> rawRecords = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(message);
    // Records may be up to 10 MiB; the protobuf default limit is not ours to impose.
    in.setSizeLimit(Integer.MAX_VALUE);
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (tag) {
          case PARTITION_KEY_TABLE_TAG -> partitionKeys.add(in.readString());
          case EXPLICIT_HASH_KEY_TABLE_TAG -> explicitHashKeys.add(in.readString());
          case RECORDS_TAG -> rawRecords.add(readRecord(in, rawRecords.size()));
          default -> skipUnknown(in, tag);
        }
      }
    } catch (IOException e) {
      throw new CorruptAggregateException(
          "aggregated record protobuf is malformed (parsing stopped at byte "
              + in.getTotalBytesRead()
              + " of "
              + message.remaining()
              + "): "
              + e.getMessage(),
          null,
          e);
    }
    // The tables may in principle follow the records, so indexes are resolved only now.
    List<UserRecord> records = new ArrayList<>(rawRecords.size());
    for (int i = 0; i < rawRecords.size(); i++) {
      records.add(rawRecords.get(i).resolve(i, partitionKeys, explicitHashKeys));
    }
    return List.copyOf(records);
  }

  private static RawRecord readRecord(CodedInputStream in, int position) throws IOException {
    int oldLimit = in.pushLimit(in.readRawVarint32());
    long partitionKeyIndex = 0;
    long explicitHashKeyIndex = 0;
    boolean hasPartitionKeyIndex = false;
    boolean hasExplicitHashKeyIndex = false;
    byte[] data = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case PARTITION_KEY_INDEX_TAG -> {
          partitionKeyIndex = in.readUInt64();
          hasPartitionKeyIndex = true;
        }
        case EXPLICIT_HASH_KEY_INDEX_TAG -> {
          explicitHashKeyIndex = in.readUInt64();
          hasExplicitHashKeyIndex = true;
        }
        case DATA_TAG -> data = in.readByteArray();
        default -> skipUnknown(in, tag);
      }
    }
    in.popLimit(oldLimit);
    if (!hasPartitionKeyIndex) {
      throw new CorruptAggregateException(
          "aggregated record: records[" + position + "] lacks required field partition_key_index");
    }
    if (data == null) {
      throw new CorruptAggregateException(
          "aggregated record: records[" + position + "] lacks required field data");
    }
    return new RawRecord(partitionKeyIndex, hasExplicitHashKeyIndex, explicitHashKeyIndex, data);
  }

  private static void skipUnknown(CodedInputStream in, int tag) throws IOException {
    // skipField returns false only for an end-group tag, which cannot appear where no group began.
    if (!in.skipField(tag)) {
      throw new CorruptAggregateException(
          "aggregated record protobuf is malformed (parsing stopped at byte "
              + in.getTotalBytesRead()
              + "): an end-group tag without a group");
    }
  }

  /**
   * Returns the MD5 of the bytes from the position to the limit of {@code bytes}, consuming them.
   */
  static byte[] md5(ByteBuffer bytes) {
    MessageDigest md5 = MD5.get();
    md5.reset();
    md5.update(bytes);
    return md5.digest();
  }

  private static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide MD5", e);
    }
  }

  /** A record as read, before its table indexes are checked. */
  private record RawRecord(
      long partitionKeyIndex,
      boolean hasExplicitHashKeyIndex,
      long explicitHashKeyIndex,
      byte[] data) {

    UserRecord resolve(int position, List<String> partitionKeys, List<String> explicitHashKeys) {
      String partitionKey =
          lookUp(position, "partition_key_index", partitionKeyIndex, partitionKeys);
      String explicitHashKey =
          hasExplicitHashKeyIndex
              ? lookUp(position, "explicit_hash_key_index", explicitHashKeyIndex, explicitHashKeys)
              : null;
      try {
        return new UserRecord(partitionKey, explicitHashKey, data, position);
      } catch (InvalidArgumentException e) {
        throw new CorruptAggregateException(
            "aggregated record: records["
                + position
                + "] has a bad explicit hash key: "
                + e.getMessage(),
            null,
            e);
      }
    }

    private static String lookUp(int position, String field, long index, List<String> table) {
      // A uint64 above Long.MAX_VALUE arrives negative; it is out of range all the same.
      if (index < 0 || index >= table.size()) {
        throw new CorruptAggregateException(
            "aggregated record: records["
                + position
                + "]."
                + field
                + " is "
                + Long.toUnsignedString(index)
                + " but its key table has "
                + table.size()
                + " entries");
      }
      return table.get((int) index);
    }
  }
}
