package io.kinesislite.engine.internal.log;

import java.util.concurrent.CompletableFuture;

/**
 * An append under {@link io.kinesislite.engine.SyncPolicy#ALWAYS} that is written and waits for the
 * {@link Syncer} to force it: where it starts (to cut it away if the force fails) and where it ends
 * (to make it readable once forced). Immutable.
 *
 * @param log the log it went to
 * @param epoch the log's epoch when it was written; a log that discards unforced records moves to a
 *     new epoch, which tells the syncer that older pending appends are gone
 * @param start where its first record starts
 * @param end where the record after its last one will start
 * @param acknowledged completed by the syncer
 */
record PendingSync(
    SegmentShardLog log,
    long epoch,
    PendingSync.Mark start,
    PendingSync.Mark end,
    CompletableFuture<Void> acknowledged) {

  /**
   * A point in a log between two records. Immutable.
   *
   * @param segment the segment it lies in
   * @param offset the offset of the record that starts there
   * @param position the file position where that record starts
   * @param arrivalBefore the arrival time of the record before it in the segment, or -1
   */
  record Mark(Segment segment, long offset, long position, long arrivalBefore) {}
}
