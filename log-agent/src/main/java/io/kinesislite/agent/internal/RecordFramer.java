package io.kinesislite.agent.internal;

import io.kinesislite.agent.FlowConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Cuts one file's bytes into records: a record per line (the newline kept, as the file holds it),
 * or with a start pattern, a record per run of lines beginning at a line that matches it. Header
 * lines are skipped at the start of a file, a footer line ends it, and a record longer than the
 * flow's maximum is cut to fit and ends with the terminator: never dropped. Bytes pass through
 * untouched, whatever their encoding; only pattern matching reads a line as UTF-8.
 *
 * <p>A line without its newline yet, and a multi-line record that may still grow, wait in the
 * framer until more bytes come or {@link #flush} is called. Memory per file is bounded by the
 * maximum record size. Not thread-safe: the reader thread owns it.
 */
final class RecordFramer {
  /** Where framed records go, with the file offsets they span. */
  interface Sink {
    /** A record from {@code start} to {@code end}; {@code truncated} if it was cut. */
    void record(byte[] data, long start, long end, boolean truncated);

    /** Bytes up to {@code end} that make no record (header lines). */
    void skipped(long end);

    /** The footer line, ending at {@code end}: the file has nothing more to read. */
    void footer(long end);
  }

  private final int maxRecordBytes;
  private final byte[] terminator;
  private final Optional<Pattern> startPattern;
  private final Optional<Pattern> footerPattern;
  private final boolean plain; // no start or footer pattern: every line is a record as it is
  private int headerLinesLeft;

  // The line being read: its start offset and as much of it as fits in a record.
  private long lineStart;
  private byte[] line = new byte[256];
  private int lineLength;
  private boolean lineTooLong;
  private long consumed; // offset of the next byte to feed

  // Multi-line: the record being built, or none (recordStart < 0).
  private long recordStart = -1;
  private long recordEnd;
  private byte[] record = new byte[0];
  private int recordLength;
  private boolean recordTooLong;
  private boolean ended; // a footer was seen

  RecordFramer(FlowConfig flow, long offset) {
    this.maxRecordBytes = flow.maxRecordBytes();
    this.terminator = flow.truncatedRecordTerminator().getBytes(StandardCharsets.UTF_8);
    this.startPattern = flow.multiLineStartPattern();
    this.footerPattern = flow.fileFooterPattern();
    this.plain = startPattern.isEmpty() && footerPattern.isEmpty();
    this.headerLinesLeft = offset == 0 ? flow.skipHeaderLines() : 0;
    this.consumed = offset;
    this.lineStart = offset;
  }

  /** The offset of the next byte the framer expects. */
  long consumed() {
    return consumed;
  }

  /** Whether a footer ended the file. */
  boolean ended() {
    return ended;
  }

  /** Whether bytes wait that no record holds yet (a partial line, a multi-line record). */
  boolean hasPending() {
    return lineLength > 0 || lineTooLong || recordStart >= 0;
  }

  /** Feeds the bytes of {@code chunk} (position to limit), which start at {@link #consumed()}. */
  void feed(ByteBuffer chunk, Sink sink) {
    while (chunk.hasRemaining() && !ended) {
      int from = chunk.position();
      int limit = chunk.limit();
      int newline = -1;
      for (int i = from; i < limit; i++) {
        if (chunk.get(i) == '\n') {
          newline = i;
          break;
        }
      }
      int end = newline >= 0 ? newline + 1 : limit;
      if (newline >= 0
          && plain
          && lineLength == 0
          && !lineTooLong
          && end - from <= maxRecordBytes
          && headerLinesLeft == 0) {
        // The common case: a whole short line inside the chunk goes out with one copy.
        byte[] data = new byte[end - from];
        chunk.get(from, data);
        long start = consumed;
        consumed += data.length;
        lineStart = consumed;
        chunk.position(end);
        sink.record(data, start, consumed, false);
        continue;
      }
      append(chunk, from, end - from);
      consumed += end - from;
      chunk.position(end);
      if (newline >= 0) {
        lineDone(sink);
      }
    }
  }

  /**
   * Emits what waits: the multi-line record being built, and, when {@code partialLine}, a last line
   * that never got its newline (the file is being let go).
   */
  void flush(Sink sink, boolean partialLine) {
    if (partialLine && (lineLength > 0 || lineTooLong)) {
      lineDone(sink);
    }
    emitRecord(sink);
  }

  private void append(ByteBuffer chunk, int from, int length) {
    int room = maxRecordBytes - lineLength;
    int take = Math.min(room, length);
    if (take < length) {
      lineTooLong = true;
    }
    if (take > 0) {
      ensureLine(lineLength + take);
      chunk.get(from, line, lineLength, take);
      lineLength += take;
    }
  }

  private void ensureLine(int size) {
    if (size > line.length) {
      line = Arrays.copyOf(line, Math.max(size, Math.min(maxRecordBytes, line.length * 2)));
    }
  }

  // A whole line (or the partial last one) is in `line`; consumed is its end.
  private void lineDone(Sink sink) {
    long start = lineStart;
    long end = consumed;
    lineStart = consumed;
    boolean tooLong = lineTooLong;
    int length = lineLength;
    lineLength = 0;
    lineTooLong = false;
    if (headerLinesLeft > 0) {
      headerLinesLeft--;
      sink.skipped(end);
      return;
    }
    if (footerPattern.isPresent() && footerPattern.get().matcher(text(length)).lookingAt()) {
      emitRecord(sink);
      ended = true;
      sink.footer(end);
      return;
    }
    if (startPattern.isEmpty()) {
      sink.record(cut(line, length, tooLong), start, end, tooLong);
      return;
    }
    boolean starts = startPattern.get().matcher(text(length)).lookingAt();
    if (starts || recordStart < 0) {
      // A new record; lines before the first start line each make their own record.
      emitRecord(sink);
      if (!starts) {
        sink.record(cut(line, length, tooLong), start, end, tooLong);
        return;
      }
      recordStart = start;
      recordLength = 0;
      recordTooLong = false;
    }
    addToRecord(length, tooLong);
    recordEnd = end;
  }

  private void addToRecord(int length, boolean lineTooLong) {
    int room = maxRecordBytes - recordLength;
    int take = Math.min(room, length);
    if (take < length || lineTooLong) {
      recordTooLong = true;
    }
    if (take > 0) {
      if (recordLength + take > record.length) {
        record =
            Arrays.copyOf(
                record, Math.max(recordLength + take, Math.min(maxRecordBytes, 2 * record.length)));
      }
      System.arraycopy(line, 0, record, recordLength, take);
      recordLength += take;
    }
  }

  private void emitRecord(Sink sink) {
    if (recordStart < 0) {
      return;
    }
    sink.record(cut(record, recordLength, recordTooLong), recordStart, recordEnd, recordTooLong);
    recordStart = -1;
    recordLength = 0;
    recordTooLong = false;
  }

  // The record's bytes; a cut one keeps what fits before the terminator.
  private byte[] cut(byte[] source, int length, boolean tooLong) {
    if (!tooLong) {
      return Arrays.copyOf(source, length);
    }
    int keep = Math.min(length, maxRecordBytes - terminator.length);
    byte[] out = Arrays.copyOf(source, keep + terminator.length);
    System.arraycopy(terminator, 0, out, keep, terminator.length);
    return out;
  }

  // The line as text for matching, without its line end.
  private String text(int length) {
    int n = length;
    if (n > 0 && line[n - 1] == '\n') {
      n--;
      if (n > 0 && line[n - 1] == '\r') {
        n--;
      }
    }
    return new String(line, 0, n, StandardCharsets.UTF_8);
  }
}
