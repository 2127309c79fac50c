package io.kinesislite.transport;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * How Kinesis maps a record to a hash key: the explicit hash key when one is given, otherwise the
 * MD5 digest of the partition key's UTF-8 bytes read as an unsigned big-endian 128-bit integer.
 * Producer and consumer both use this, so that they agree on which shard owns a record.
 *
 * <p>Thread-safe.
 *
 * <pre>{@code
 * BigInteger key = HashKeys.of("abc"); // 191415658344158766168031473277922803570
 * }</pre>
 */
public final class HashKeys {
  /** The most characters a partition key may have, as in Kinesis. */
  public static final int MAX_PARTITION_KEY_LENGTH = 256;

  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(HashKeys::newMd5);

  private HashKeys() {}

  /** Returns the hash key Kinesis derives from {@code partitionKey}. */
  public static BigInteger of(String partitionKey) {
    Objects.requireNonNull(partitionKey, "partitionKey == null");
    MessageDigest md5 = MD5.get();
    md5.reset();
    return new BigInteger(1, md5.digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Returns the hash key of a record: {@code explicitHashKey} parsed if it is not null, otherwise
   * the hash of {@code partitionKey}.
   *
   * @throws InvalidArgumentException if {@code explicitHashKey} is not a valid hash key
   */
  public static BigInteger effective(String partitionKey, String explicitHashKey) {
    return explicitHashKey != null ? parseExplicit(explicitHashKey) : of(partitionKey);
  }

  /**
   * Parses an explicit hash key: a decimal integer from 0 to {@code 2^128 - 1}, digits only.
   *
   * @throws InvalidArgumentException naming the field and the range, if it is not one
   */
  public static BigInteger parseExplicit(String explicitHashKey) {
    Objects.requireNonNull(explicitHashKey, "explicitHashKey == null");
    int length = explicitHashKey.length();
    boolean digits = length > 0 && length <= 39;
    for (int i = 0; digits && i < length; i++) {
      char c = explicitHashKey.charAt(i);
      digits = c >= '0' && c <= '9';
    }
    if (digits) {
      BigInteger value = new BigInteger(explicitHashKey);
      if (value.compareTo(HashKeyRange.MAX_HASH_KEY) <= 0) {
        return value;
      }
    }
    throw new InvalidArgumentException(
        "explicitHashKey must be a decimal integer from 0 to "
            + HashKeyRange.MAX_HASH_KEY
            + ": '"
            + explicitHashKey
            + "'");
  }

  /**
   * Checks a partition key against the Kinesis rule: 1 to 256 characters.
   *
   * @return the key
   * @throws InvalidArgumentException naming the field and the limit, if the key breaks the rule
   */
  public static String checkPartitionKey(String partitionKey) {
    Objects.requireNonNull(partitionKey, "partitionKey == null");
    if (partitionKey.isEmpty() || partitionKey.length() > MAX_PARTITION_KEY_LENGTH) {
      throw new InvalidArgumentException(
          "partitionKey must have 1 to "
              + MAX_PARTITION_KEY_LENGTH
              + " characters, has "
              + partitionKey.length());
    }
    return partitionKey;
  }

  private static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide MD5", e);
    }
  }
}
