package io.kinesislite.transport.internal;

import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.InvalidArgumentException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Kinesis API's rules for arguments, checked before anything is sent so that every transport
 * rejects the same input with the same message. Each check throws {@link InvalidArgumentException}
 * naming the argument and the limit. Thread-safe.
 */
public final class RequestChecks {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

  /** The shortest retention Kinesis allows: 24 hours. */
  public static final Duration MIN_RETENTION = Duration.ofHours(24);

  /** The longest retention Kinesis allows: 8,760 hours (365 days). */
  public static final Duration MAX_RETENTION = Duration.ofHours(8_760);

  private RequestChecks() {}

  public static String streamName(String stream) {
    return name("stream name", stream);
  }

  public static String shardId(String shardId) {
    return name("shardId", shardId);
  }

  public static String consumerName(String consumerName) {
    return name("consumerName", consumerName);
  }

  private static String name(String what, String value) {
    Objects.requireNonNull(value, what + " == null");
    if (!NAME.matcher(value).matches()) {
      throw new InvalidArgumentException(
          what
              + " must be 1 to 128 characters of a-z, A-Z, 0-9, '_', '.' and '-': '"
              + value
              + "'");
    }
    return value;
  }

  public static int shardCount(int shardCount) {
    if (shardCount < 1) {
      throw new InvalidArgumentException("shardCount must be at least 1: " + shardCount);
    }
    return shardCount;
  }

  /** Checks a retention period: whole hours from 24 to 8,760; returns the hours. */
  public static int retentionHours(Duration retention) {
    Objects.requireNonNull(retention, "retention == null");
    if (retention.compareTo(MIN_RETENTION) < 0
        || retention.compareTo(MAX_RETENTION) > 0
        || !retention.equals(Duration.ofHours(retention.toHours()))) {
      throw new InvalidArgumentException(
          "retention must be whole hours from 24 h to 8,760 h: " + retention);
    }
    return Math.toIntExact(retention.toHours());
  }

  public static BigInteger hashKey(String what, BigInteger hashKey) {
    Objects.requireNonNull(hashKey, what + " == null");
    if (!HashKeyRange.ALL.contains(hashKey)) {
      throw new InvalidArgumentException(
          what + " must be from 0 to " + HashKeyRange.MAX_HASH_KEY + ": " + hashKey);
    }
    return hashKey;
  }

  public static int getRecordsLimit(int limit) {
    if (limit < 1 || limit > KinesisTransport.MAX_GET_RECORDS_LIMIT) {
      throw new InvalidArgumentException(
          "limit must be from 1 to " + KinesisTransport.MAX_GET_RECORDS_LIMIT + ": " + limit);
    }
    return limit;
  }

  public static PutEntry entry(PutEntry entry, int maxRecordSize) {
    Objects.requireNonNull(entry, "entry == null");
    if (entry.data().length > maxRecordSize) {
      throw new InvalidArgumentException(
          "record data is "
              + entry.data().length
              + " bytes, over the maximum record size of "
              + maxRecordSize
              + " bytes");
    }
    return entry;
  }

  /**
   * Checks a put-many call: 1 to 500 entries, each within {@code maxRecordSize}, and at most 5 MiB
   * of partition keys plus data in all.
   */
  public static List<PutEntry> entries(List<PutEntry> entries, int maxRecordSize) {
    Objects.requireNonNull(entries, "entries == null");
    if (entries.isEmpty() || entries.size() > KinesisTransport.MAX_PUT_RECORDS_ENTRIES) {
      throw new InvalidArgumentException(
          "entries must number from 1 to "
              + KinesisTransport.MAX_PUT_RECORDS_ENTRIES
              + ": "
              + entries.size());
    }
    long total = 0;
    for (int i = 0; i < entries.size(); i++) {
      PutEntry entry = Objects.requireNonNull(entries.get(i), "entries[" + i + "] == null");
      if (entry.data().length > maxRecordSize) {
        throw new InvalidArgumentException(
            "entries["
                + i
                + "] data is "
                + entry.data().length
                + " bytes, over the maximum record size of "
                + maxRecordSize
                + " bytes");
      }
      total += entry.countedSize();
    }
    if (total > KinesisTransport.MAX_PUT_RECORDS_BYTES) {
      throw new InvalidArgumentException(
          "entries hold "
              + total
              + " bytes of partition keys and data, over the limit of "
              + KinesisTransport.MAX_PUT_RECORDS_BYTES
              + " bytes per call");
    }
    return entries;
  }
}
