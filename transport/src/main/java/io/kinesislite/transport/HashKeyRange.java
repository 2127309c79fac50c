package io.kinesislite.transport;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An inclusive range of the 128-bit hash-key space that a shard owns.
 *
 * <p>Hash keys are unsigned 128-bit integers, {@code 0} to {@code 2^128 - 1}. Immutable.
 *
 * @param start the first hash key of the range
 * @param end the last hash key of the range, not smaller than {@code start}
 */
public record HashKeyRange(BigInteger start, BigInteger end) {

  /** The smallest hash key, 0. */
  public static final BigInteger MIN_HASH_KEY = BigInteger.ZERO;

  /** The largest hash key, {@code 2^128 - 1}. */
  public static final BigInteger MAX_HASH_KEY =
      BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  /** The whole hash-key space. */
  public static final HashKeyRange ALL = new HashKeyRange(MIN_HASH_KEY, MAX_HASH_KEY);

  public HashKeyRange {
    Objects.requireNonNull(start, "start == null");
    Objects.requireNonNull(end, "end == null");
    if (start.signum() < 0 || end.compareTo(MAX_HASH_KEY) > 0) {
      throw new IllegalArgumentException(
          "hash key range must lie within 0.." + MAX_HASH_KEY + ": " + start + ".." + end);
    }
    if (start.compareTo(end) > 0) {
      throw new IllegalArgumentException("hash key range start > end: " + start + ".." + end);
    }
  }

  /** Returns whether {@code hashKey} lies in this range, both ends included. */
  public boolean contains(BigInteger hashKey) {
    return hashKey.compareTo(start) >= 0 && hashKey.compareTo(end) <= 0;
  }

  @Override
  public String toString() {
    return start + ".." + end;
  }
}
