package io.kinesislite.engine.internal.log;

import java.util.List;

/**
 * The append-only record log of one shard: in memory ({@code MemoryShardLog}) or in segment files
 * ({@code SegmentShardLog}). Offsets start at 0 and have no gaps. Records become readable only once
 * acknowledged under the sync policy, so a reader never sees a record a crash could take back.
 *
 * <p>Thread-safety: appends come from one thread at a time (the engine holds the shard's lock);
 * reads, trims and {@link #readableEnd()} may run on any thread at the same time as an append.
 */
public interface ShardLog extends AutoCloseable {

  /** Returns the oldest offset still kept; equal to {@link #readableEnd()} when none is. */
  long firstOffset();

  /** Returns the offset the next appended record will get. */
  long nextOffset();

  /**
   * Returns one past the newest readable offset: records below it are acknowledged and may be read.
   * At most {@link #nextOffset()}.
   */
  long readableEnd();

  /** Returns the arrival time of the newest readable record, or -1 if there is none. */
  long lastArrivalMillis();

  /**
   * Appends records, giving them offsets {@code nextOffset()}, {@code nextOffset()+1}, and so on.
   * On failure nothing of the batch is kept or readable and the log is as it was.
   *
   * @throws StorageException if the records cannot be written
   */
  Appended append(List<NewRecord> records);

  /**
   * Reads readable records from {@code fromOffset} on (or from {@link #firstOffset()} if that is
   * later), at most {@code maxRecords} of them and, after the first, at most {@code maxBytes} of
   * data in all. Returns an empty list at the readable end.
   *
   * @throws StorageException if a file cannot be read
   */
  List<StoredRecord> read(long fromOffset, int maxRecords, long maxBytes);

  /**
   * Returns the offset of the first readable record that arrived at or after {@code
   * timestampMillis}, or {@link #readableEnd()} if none did.
   */
  long offsetAt(long timestampMillis);

  /**
   * Drops whole segments (or chunks) whose newest record arrived before {@code cutoffMillis}, the
   * retention limit, and returns the new {@link #firstOffset()}. A partly expired segment stays.
   */
  long trimBefore(long cutoffMillis);

  /** Closes the log and deletes everything it stored. */
  void delete();

  /** Closes the log; an ALWAYS-policy append still waiting fails with a StorageException. */
  @Override
  void close();
}
