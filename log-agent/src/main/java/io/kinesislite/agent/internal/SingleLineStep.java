package io.kinesislite.agent.internal;

import io.kinesislite.agent.ProcessorSpec;
import java.util.Arrays;

/**
 * {@link ProcessorSpec.SingleLine}: joins a multi-line record into one line, as the Kinesis Agent's
 * SINGLELINE does: the record is split at each {@code \n} (trailing empty pieces dropped, as {@link
 * String#split(String)} drops them), each piece is trimmed unless {@code noTrim}, the pieces are
 * joined with nothing or, with {@code escapeNewLine}, with the two characters {@code \n}, and one
 * newline ends the result.
 *
 * <p>It works on bytes, not text: trimming removes bytes up to {@code 0x20} at both ends of a
 * piece, which are exactly the characters {@link String#trim()} removes, and since such bytes never
 * occur inside a UTF-8 multi-byte sequence everything else is kept byte for byte, bytes that are
 * not UTF-8 included. A record that is already one trimmed line ending in {@code \n} is returned as
 * is, without a copy. Never fails.
 *
 * <p>Immutable; thread-safe.
 */
final class SingleLineStep implements Step {
  private final boolean trim;
  private final boolean escapeNewLine;

  SingleLineStep(ProcessorSpec.SingleLine spec) {
    this.trim = !spec.noTrim();
    this.escapeNewLine = spec.escapeNewLine();
  }

  @Override
  public byte[] apply(byte[] record, RecordContext ctx) {
    int n = record.length;
    if (isOneLine(record)) {
      return record;
    }
    // Drop trailing empty pieces: what String.split leaves out.
    int end = n;
    while (end > 0 && record[end - 1] == '\n') {
      end--;
    }
    byte[] out = new byte[end + (escapeNewLine ? countNewlines(record, end) : 0) + 1];
    int w = 0;
    int start = 0;
    while (true) {
      int lineEnd = indexOfNewline(record, start, end);
      int from = start;
      int to = lineEnd;
      if (trim) {
        while (from < to && isTrimmed(record[from])) {
          from++;
        }
        while (to > from && isTrimmed(record[to - 1])) {
          to--;
        }
      }
      System.arraycopy(record, from, out, w, to - from);
      w += to - from;
      if (lineEnd == end) {
        break;
      }
      if (escapeNewLine) {
        out[w++] = '\\';
        out[w++] = 'n';
      }
      start = lineEnd + 1;
    }
    out[w++] = '\n';
    return w == out.length ? out : Arrays.copyOf(out, w);
  }

  @Override
  public String name() {
    return "singleLine";
  }

  /** One line with its newline at the end, nothing to trim: the output would equal the input. */
  private boolean isOneLine(byte[] record) {
    int n = record.length;
    if (n < 2 || record[n - 1] != '\n' || indexOfNewline(record, 0, n - 1) != n - 1) {
      return false;
    }
    return !trim || (!isTrimmed(record[0]) && !isTrimmed(record[n - 2]));
  }

  private static boolean isTrimmed(byte b) {
    // Unsigned: bytes 0x80-0xFF are parts of multi-byte characters (or not UTF-8) and are kept.
    return (b & 0xFF) <= ' ';
  }

  private static int indexOfNewline(byte[] b, int from, int end) {
    for (int i = from; i < end; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return end;
  }

  private static int countNewlines(byte[] b, int end) {
    int count = 0;
    for (int i = 0; i < end; i++) {
      if (b[i] == '\n') {
        count++;
      }
    }
    return count;
  }
}
