package io.kinesislite.transport;

import java.nio.charset.StandardCharsets;
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

  private PutEntry(String partitionKey, String explicitHashKey, byte[] data) {
    this.partitionKey = HashKeys.checkPartitionKey(partitionKey);
    if (explicitHashKey != null) {
      // Kinesis compares keys as numbers; keep one canonical spelling ("007" becomes "7").
      explicitHashKey = HashKeys.parseExplicit(explicitHashKey).toString();
    }
    this.explicitHashKey = explicitHashKey;
    this.data = Objects.requireNonNull(data, "data == null");
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
    return partitionKey.getBytes(StandardCharsets.UTF_8).length + data.length;
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
