package io.kinesislite.engine.internal;

/**
 * The engine's sequence numbers: 42 decimal digits, {@code 49}, a 4-digit tag of the stream, the
 * shard's ordinal in 16 digits, then a position in the shard in 20. Fixed length makes string order
 * and numeric order agree; the ordinal makes them unique across a stream's shards, parents and
 * children alike; the position makes them strictly increasing within a shard. The stream tag, taken
 * from the stream's incarnation, lets the engine refuse a sequence number of another stream, or of
 * an earlier stream of the same name, instead of reading from a position it does not mean.
 *
 * <p>The record at offset {@code n} has position {@code n + 1}; position 0 is the shard's starting
 * sequence number, which comes before every record. So "after position p" always means offset p,
 * and a reader that has read nothing yet still has a sequence number to resume after. Thread-safe.
 */
public final class SequenceNumbers {
  static final int LENGTH = 42;
  private static final char[] PREFIX = {'4', '9'};

  private SequenceNumbers() {}

  /** Returns the tag of a stream incarnation, 0 to 9999. */
  public static int tagOf(long incarnation) {
    return (int) Math.floorMod(incarnation, 10_000L);
  }

  /** Returns the sequence number of the record at {@code offset} in shard {@code ordinal}. */
  public static String ofRecord(int tag, int ordinal, long offset) {
    return ofPosition(tag, ordinal, offset + 1);
  }

  /** Returns the sequence number of position {@code position}: offset + 1, or 0 for the start. */
  public static String ofPosition(int tag, int ordinal, long position) {
    char[] digits = new char[LENGTH];
    digits[0] = PREFIX[0];
    digits[1] = PREFIX[1];
    fill(digits, 2, 4, tag);
    fill(digits, 6, 16, ordinal);
    fill(digits, 22, 20, position);
    return new String(digits);
  }

  // Writes value right-aligned and zero-padded into digits[from, from + width).
  private static void fill(char[] digits, int from, int width, long value) {
    for (int i = from + width - 1; i >= from; i--) {
      digits[i] = (char) ('0' + (value % 10));
      value /= 10;
    }
  }

  /**
   * A sequence number taken apart.
   *
   * @param position the offset of its record plus one; 0 for the shard's start
   */
  public record Parts(int tag, int ordinal, long position) {}

  /**
   * Takes a sequence number apart, or returns null if the engine never made it (wrong length,
   * prefix or digits).
   */
  public static Parts parse(String sequenceNumber) {
    if (sequenceNumber.length() != LENGTH
        || sequenceNumber.charAt(0) != PREFIX[0]
        || sequenceNumber.charAt(1) != PREFIX[1]) {
      return null;
    }
    long tag = digits(sequenceNumber, 2, 4);
    long ordinal = digits(sequenceNumber, 6, 16);
    long position = digits(sequenceNumber, 22, 20);
    if (tag < 0 || ordinal < 0 || ordinal > Integer.MAX_VALUE || position < 0) {
      return null;
    }
    return new Parts((int) tag, (int) ordinal, position);
  }

  private static long digits(String s, int from, int width) {
    long value = 0;
    for (int i = from; i < from + width; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
