package io.kinesislite.transport;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One record to write: a partition key, an optional explicit hash key, and the data. Immutable as
 * long as the caller leaves the data array alone.
 *
 * <p>The keys are checked when the entry is made: the partition key must have 1 to 256 characters
 * and the explicit hash key must be a decimal integer from 0 to {@code 2^128 - 1}. The data size is
 * checked by the transport, against its configured maximum record size.
 *
 * <p>The data array is <em>not</em> copied, so that large records cost no copy; do not change it
 * after handing it over.
 *
 * <pre>{@code
 * PutEntry entry = PutEntry.of("user-42", "{\"clicked\":true}".getBytes(UTF_8));
 * }</pre>
 */
public final class PutEntry {
  private final String partitionKey;
  private final String explicitHashKey;
  private final byte[] data;
  private final int countedSize;

  private PutEntry(String partitionKey, String explicitHashKey, byte[] data) {
    this.partitionKey = HashKeys.checkPartitionKey(partitionKey);
    if (explicitHashKey != null) {
      // Kinesis compares keys as numbers; keep one canonical spelling ("007" becomes "7").
      explicitHashKey = HashKeys.parseExplicit(explicitHashKey).toString();
    }
    this.explicitHashKey = explicitHashKey;
    this.data = Objects.requireNonNull(data, "data == null");
    // Computed once: producers and engines ask for it several times per record.
    this.countedSize = utf8Length(partitionKey) + data.length;
  }

  // The UTF-8 length without encoding: a partition key is at most 256 chars, so no overflow.
  private static int utf8Length(String s) {
    int length = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        length += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        length += 1; // a lone surrogate: String.getBytes(UTF_8) writes it as '?'
      } else {
        length += 3;
      }
    }
    return length;
  }

  /**
   * Returns an entry routed by the MD5 hash of its partition key.
   *
   * @throws InvalidArgumentException if the partition key has no characters or more than 256
   */
  public static PutEntry of(String partitionKey, byte[] data) {
    return new PutEntry(partitionKey, null, data);
  }

  /**
   * Returns an entry routed by {@code explicitHashKey}; the partition key is still stored with the
   * record.
   *
   * @throws InvalidArgumentException if a key breaks its rule
   */
  public static PutEntry of(String partitionKey, String explicitHashKey, byte[] data) {
    Objects.requireNonNull(explicitHashKey, "explicitHashKey == null");
    return new PutEntry(partitionKey, explicitHashKey, data);
  }

  public String partitionKey() {
    return partitionKey;
  }

  /** Returns the explicit hash key in canonical decimal form, if one was given. */
  public Optional<String> explicitHashKey() {
    return Optional.ofNullable(explicitHashKey);
  }

  /** Returns the data array itself, not a copy. */
  public byte[] data() {
    return data;
  }

  /**
   * Returns how many bytes Kinesis counts for this entry against the 5 MiB request limit: the
   * partition key's UTF-8 bytes plus the data.
   */
  public int countedSize() {
    return countedSize;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PutEntry that
        && partitionKey.equals(that.partitionKey)
        && Objects.equals(explicitHashKey, that.explicitHashKey)
        && Arrays.equals(data, that.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(partitionKey, explicitHashKey) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "PutEntry{partitionKey="
        + partitionKey
        + (explicitHashKey != null ? ", explicitHashKey=" + explicitHashKey : "")
        + ", data="
        + data.length
        + " bytes}";
  }
}
